// Which of a loan's documents a reviewer reads: a newer upload of a type replaces the older ones
// (a borrower or loan officer re-uploads a clearer ID photo, a fresher bank statement), except
// 其他资料 (OTHER), of which every file counts. The replaced files stay stored and listed as such.
import type { UploadedDocument } from './document-warnings.js';

export interface CurrentDocument extends UploadedDocument {
  uploadedAt: string | null;
  /** The older uploads of the same type this one replaces, newest first. */
  replaces: string[];
}

export interface SupersededDocument extends UploadedDocument {
  uploadedAt: string | null;
  supersededBy: string;
}

/**
 * Splits `documents` into the current and the replaced ones. `uploadedAt` gives each document's
 * upload instant (ISO); documents without one keep their place in the list, which is the order
 * they were received in.
 */
export function documentVersions(
  documents: readonly UploadedDocument[],
  uploadedAt: Readonly<Record<string, string>>,
): { current: CurrentDocument[]; superseded: SupersededDocument[] } {
  const ordered = documents
    .map((d, index) => ({ d, index, at: uploadedAt[d.documentId] ?? null }))
    .sort((a, b) => (a.at && b.at && a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.index - b.index));
  const latest = new Map<string, string>();
  for (const { d } of ordered) if (d.type !== 'OTHER') latest.set(d.type, d.documentId);
  const current: CurrentDocument[] = [];
  const superseded: SupersededDocument[] = [];
  for (const { d, at } of ordered) {
    const newest = latest.get(d.type);
    if (newest === undefined || newest === d.documentId) {
      const replaces = ordered
        .filter((o) => o.d.type === d.type && o.d.documentId !== d.documentId && d.type !== 'OTHER')
        .map((o) => o.d.documentId)
        .reverse();
      current.push({ ...d, uploadedAt: at, replaces });
    } else superseded.push({ ...d, uploadedAt: at, supersededBy: newest });
  }
  return { current, superseded };
}
