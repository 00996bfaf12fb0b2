// A loan's documents as a reviewer reads them: the newest upload of each type (a re-upload
// replaces the older file, domain/document-versions.ts) and, apart, the files it replaced.
import { documentVersions, type SupersededDocument } from '../domain/document-versions.js';
import type { UploadedDocument } from '../domain/document-warnings.js';
import type { Sql } from '../lib/db-client.js';

export interface LoanDocuments {
  /** The newest upload of each type, in the loan view's own shape. */
  documents: UploadedDocument[];
  supersededDocuments: SupersededDocument[];
}

export async function loanDocuments(
  sql: Sql,
  loanId: string,
  documents: readonly UploadedDocument[],
): Promise<LoanDocuments> {
  const rows = await sql<{ id: string; created_at: Date }[]>`
    select id, created_at from documents where loan_id = ${loanId}`;
  const uploadedAt = Object.fromEntries(rows.map((r) => [r.id, r.created_at.toISOString()]));
  const { current, superseded } = documentVersions(documents, uploadedAt);
  return {
    documents: current.map((d): UploadedDocument => ({ documentId: d.documentId, type: d.type, sha256: d.sha256 })),
    supersededDocuments: superseded,
  };
}
