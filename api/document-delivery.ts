// A stored document reaches its loan's workflow as a signal. The row is written first (the upload
// must not be lost) and marked delivered once Temporal took the signal; when it could not, the row
// waits, and the next upload to the loan delivers it along with its own. The workflow takes each
// document id once (workflows/intake.ts acceptDocument), so a signal sent twice changes nothing.
import type { Client } from '@temporalio/client';
import { documentUploadedSignal } from '../contracts/definitions.js';
import type { DocumentType } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import { loanHandle } from './loan-workflows.js';
import { callWorkflow } from './workflow-errors.js';

export async function deliverWaitingDocuments(sql: Sql, temporal: Client, loanId: string): Promise<void> {
  const waiting = await sql<{ id: string; type: DocumentType; sha256: string }[]>`
    select id, type, sha256 from documents
    where loan_id = ${loanId} and delivered_at is null
    order by created_at, id`;
  for (const doc of waiting) {
    await callWorkflow(() =>
      loanHandle(temporal, loanId).signal(documentUploadedSignal, {
        documentId: doc.id,
        type: doc.type,
        sha256: doc.sha256,
      }),
    );
    await sql`update documents set delivered_at = now() where id = ${doc.id} and delivered_at is null`;
  }
}
