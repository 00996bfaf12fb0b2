// Warnings a reviewer sees about a loan's documents: one file (the same sha256) uploaded under
// two or more document types, e.g. the same picture as the ID's front and its back, or a payslip
// offered as the bank statement too; and one file uploaded again under the same type, a
// replacement that replaces nothing.
import { DOCUMENT_TYPE_NAMES } from './labels.js';
import type { CreditWarning } from './scoring.js';
import type { DocumentType } from './types.js';

export interface UploadedDocument {
  documentId: string;
  type: DocumentType;
  sha256: string;
}

export function documentWarnings(documents: readonly UploadedDocument[]): CreditWarning[] {
  const bySha = new Map<string, UploadedDocument[]>();
  for (const d of documents) bySha.set(d.sha256, [...(bySha.get(d.sha256) ?? []), d]);
  const warnings: CreditWarning[] = [];
  for (const [sha256, copies] of bySha) {
    if (copies.length < 2) continue;
    const types = [...new Set(copies.map((d) => d.type))].sort();
    const names = types.map((type) => DOCUMENT_TYPE_NAMES[type]);
    const file = {
      zh: `同一文件（sha256 ${sha256.slice(0, 12)}…）`,
      en: `The same file (sha256 ${sha256.slice(0, 12)}…)`,
    };
    warnings.push(
      types.length > 1
        ? {
            code: 'DUPLICATE_DOCUMENT',
            severity: 'HIGH' as const,
            message: {
              zh: `${file.zh}被作为多种资料上传：${names.map((n) => n.zh).join('、')}`,
              en: `${file.en} was uploaded as several document types: ${names.map((n) => n.en).join(', ')}`,
            },
          }
        : {
            // A "replacement" that is the very same file: nothing new was given.
            code: 'DUPLICATE_UPLOAD',
            severity: 'MEDIUM' as const,
            message: {
              zh: `${file.zh}作为${names[0]!.zh}重复上传了 ${copies.length} 次`,
              en: `${file.en} was uploaded ${copies.length} times as ${names[0]!.en}`,
            },
          },
    );
  }
  return warnings;
}
