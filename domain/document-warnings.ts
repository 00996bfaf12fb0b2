// Warnings a reviewer sees about a loan's documents: one file (the same sha256) uploaded under
// two or more document types, e.g. the same picture as the ID's front and its back, or a payslip
// offered as the bank statement too.
import { DOCUMENT_TYPE_NAMES } from './labels.js';
import type { CreditWarning } from './scoring.js';
import type { DocumentType } from './types.js';

export interface UploadedDocument {
  documentId: string;
  type: DocumentType;
  sha256: string;
}

export function documentWarnings(documents: readonly UploadedDocument[]): CreditWarning[] {
  const typesBySha = new Map<string, Set<DocumentType>>();
  for (const d of documents) {
    const types = typesBySha.get(d.sha256) ?? new Set<DocumentType>();
    types.add(d.type);
    typesBySha.set(d.sha256, types);
  }
  return [...typesBySha.entries()]
    .filter(([, types]) => types.size > 1)
    .map(([sha256, types]) => {
      const names = [...types].sort().map((type) => DOCUMENT_TYPE_NAMES[type]);
      return {
        code: 'DUPLICATE_DOCUMENT',
        severity: 'HIGH' as const,
        message: {
          zh: `同一文件（sha256 ${sha256.slice(0, 12)}…）被作为多种资料上传：${names.map((n) => n.zh).join('、')}`,
          en: `The same file (sha256 ${sha256.slice(0, 12)}…) was uploaded as several document types: ${names.map((n) => n.en).join(', ')}`,
        },
      };
    });
}
