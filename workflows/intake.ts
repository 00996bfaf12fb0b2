// Phase 1: wait for the required documents, reminding the borrower, until the deadline.
import type { DocumentType } from '../domain/types.js';
import { records } from './activity-proxies.js';
import { changeStatus, notifyBorrower, nowIso, type LoanContext } from './context.js';
import type { DocumentUploaded } from '../contracts/messages.js';
import { DAY_MS, waitUntil } from './waiting.js';

export type IntakeOutcome = 'COMPLETE' | 'EXPIRED' | 'WITHDRAWN';

export interface DocumentRequest {
  type: DocumentType;
  /** Only documents received after this instant satisfy the request. */
  since: string;
}

export interface IntakeState {
  received: Array<DocumentUploaded & { receivedAt: string }>;
  requests: DocumentRequest[];
}

export function missingDocuments(required: DocumentType[], intake: IntakeState): DocumentType[] {
  const missing = required.filter((type) => !intake.received.some((d) => d.type === type));
  for (const request of intake.requests) {
    const satisfied = intake.received.some((d) => d.type === request.type && d.receivedAt > request.since);
    if (!satisfied && !missing.includes(request.type)) missing.push(request.type);
  }
  return missing;
}

export function acceptDocument(
  ctx: LoanContext,
  intake: IntakeState,
  doc: DocumentUploaded & { receivedAt?: string },
): void {
  if (intake.received.some((d) => d.documentId === doc.documentId)) return;
  const receivedAt = doc.receivedAt ?? nowIso();
  intake.received.push({ documentId: doc.documentId, type: doc.type, sha256: doc.sha256, receivedAt });
  ctx.view.documents.push({ documentId: doc.documentId, type: doc.type, sha256: doc.sha256 });
  refreshMissing(ctx, intake);
}

export function refreshMissing(ctx: LoanContext, intake: IntakeState): void {
  ctx.view.requiredDocuments = [
    ...new Set([...ctx.input.product.requiredDocuments, ...intake.requests.map((r) => r.type)]),
  ];
  ctx.view.missingDocuments = missingDocuments(ctx.input.product.requiredDocuments, intake);
}

export async function intake(ctx: LoanContext, state: IntakeState): Promise<IntakeOutcome> {
  for (const doc of await records.listDocuments(ctx.view.loanId)) acceptDocument(ctx, state, doc);
  refreshMissing(ctx, state);
  if (ctx.withdrawal) return 'WITHDRAWN';
  if (ctx.view.missingDocuments.length === 0) return 'COMPLETE';

  const deadline = Date.now() + ctx.input.product.documentDeadlineDays * DAY_MS;
  ctx.view.documentDeadline = new Date(deadline).toISOString();
  await changeStatus(ctx, 'AWAITING_DOCUMENTS');
  const complete = () => ctx.view.missingDocuments.length === 0;
  // A reminder when the request goes out, and another halfway to the deadline.
  const reminders = [Date.now(), Date.now() + (deadline - Date.now()) / 2];
  for (const at of reminders) {
    const outcome = await waitUntil(ctx, complete, at - Date.now());
    if (outcome === 'WITHDRAWN') return 'WITHDRAWN';
    if (outcome === 'READY') return 'COMPLETE';
    await notifyBorrower(ctx, 'DOCUMENTS_MISSING', {
      missing: ctx.view.missingDocuments.join(','),
      deadline: ctx.view.documentDeadline,
    });
  }
  const outcome = await waitUntil(ctx, complete, deadline - Date.now());
  if (outcome === 'WITHDRAWN') return 'WITHDRAWN';
  return outcome === 'READY' ? 'COMPLETE' : 'EXPIRED';
}
