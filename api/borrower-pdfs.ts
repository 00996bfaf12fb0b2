// The PDFs issued to a borrower, stored with their sha256 (table borrower_documents). Rendering is
// deterministic, so issuing a document whose facts have not changed gives the bytes already
// stored (same version); when they changed (a payment reversed since) the render is stored as the
// next version, and every earlier version is kept.
import { createHash } from 'node:crypto';
import type { DocumentText } from '../domain/borrower-documents.js';
import type { Sql } from '../lib/db-client.js';
import { renderTextPdf } from '../lib/pdf/text-pdf.js';
import { BORROWER_PDF_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';

export type BorrowerDocumentKind = 'RECEIPT' | 'STATEMENT' | 'CONTRACT' | 'SETTLEMENT_CERTIFICATE';

export interface IssuedPdf {
  bytes: Uint8Array;
  sha256: string;
  version: number;
  /** True when this render was stored now as a new version. */
  created: boolean;
}

export async function issuePdf(
  deps: { sql: Sql; cipher: FieldCipher },
  doc: { loanId: string; kind: BorrowerDocumentKind; key: string; text: DocumentText },
): Promise<IssuedPdf> {
  const bytes = await renderTextPdf({
    title: doc.text.title,
    lines: doc.text.lines,
    subject: doc.text.subject,
    documentDate: new Date(`${doc.text.date}T00:00:00Z`),
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return deps.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`borrower-document:${doc.loanId}:${doc.kind}:${doc.key}`}))`;
    const [latest] = await tx<{ version: number; sha256: string }[]>`
      select version, sha256 from borrower_documents
      where loan_id = ${doc.loanId} and kind = ${doc.kind} and doc_key = ${doc.key}
      order by version desc limit 1`;
    if (latest?.sha256 === sha256) return { bytes, sha256, version: latest.version, created: false };
    const version = (latest?.version ?? 0) + 1;
    const sealed = deps.cipher.seal(bytes, BORROWER_PDF_CONTEXT);
    await tx`
      insert into borrower_documents (loan_id, kind, doc_key, version, sha256, size_bytes, pdf_enc, key_id)
      values (${doc.loanId}, ${doc.kind}, ${doc.key}, ${version}, ${sha256}, ${bytes.length}, ${sealed.bytes}, ${sealed.keyId})`;
    return { bytes, sha256, version, created: true };
  });
}

/** The latest stored version of each document of a loan's kind, by key. */
export async function latestIssued(
  sql: Sql,
  loanId: string,
  kind: BorrowerDocumentKind,
): Promise<Map<string, { version: number; sha256: string }>> {
  const rows = await sql<{ doc_key: string; version: number; sha256: string }[]>`
    select distinct on (doc_key) doc_key, version, sha256 from borrower_documents
    where loan_id = ${loanId} and kind = ${kind} order by doc_key, version desc`;
  return new Map(rows.map((r) => [r.doc_key, { version: r.version, sha256: r.sha256 }]));
}

export function pdfResponse(pdf: IssuedPdf, filename: string, extra: Record<string, string> = {}): Response {
  return new Response(new Uint8Array(pdf.bytes), {
    status: 200,
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${filename}"`,
      'x-content-sha256': pdf.sha256,
      'x-document-version': String(pdf.version),
      'cache-control': 'private, no-store',
      ...extra,
    },
  });
}
