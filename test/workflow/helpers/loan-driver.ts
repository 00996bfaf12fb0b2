// Small steps tests take against a running loan workflow.
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { DocumentType, LoanStatus, Role } from '../../../domain/types.js';
import type { ReviewInput } from '../../../contracts/messages.js';
import {
  documentUploadedSignal,
  loanViewQuery,
  reviewUpdate,
  signContractUpdate,
  withdrawUpdate,
} from '../../../contracts/definitions.js';
import type { loanWorkflow } from '../../../workflows/loan.js';
import type { LoanView } from '../../../contracts/loan-view.js';
import type { WorkflowHarness } from './harness.js';

export type LoanHandle = WorkflowHandle<typeof loanWorkflow>;

export async function waitForStatus(handle: LoanHandle, status: LoanStatus, timeoutMs = 30_000): Promise<LoanView> {
  const deadline = Date.now() + timeoutMs;
  let view: LoanView | undefined;
  while (Date.now() < deadline) {
    view = await handle.query(loanViewQuery);
    if (view.status === status) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Loan ${handle.workflowId} did not reach ${status}; it is ${view?.status}`);
}

export async function uploadDocuments(
  h: WorkflowHarness,
  handle: LoanHandle,
  borrowerId: string,
  types: readonly DocumentType[],
): Promise<void> {
  for (const type of types) {
    const doc = await h.uploadDocument(handle.workflowId, type, borrowerId);
    await handle.signal(documentUploadedSignal, { documentId: doc.documentId, type, sha256: doc.sha256 });
  }
}

export function review(handle: LoanHandle, input: Omit<ReviewInput, 'comment'> & { comment?: string }) {
  return handle.executeUpdate(reviewUpdate, { args: [{ comment: 'ok', ...input }] });
}

export function sign(handle: LoanHandle, borrowerId: string, contractSha256: string) {
  return handle.executeUpdate(signContractUpdate, {
    args: [{ contractSha256, signer: { userId: borrowerId, role: 'BORROWER' } }],
  });
}

export function withdraw(handle: LoanHandle, userId: string, role: Role = 'BORROWER') {
  return handle.executeUpdate(withdrawUpdate, { args: [{ by: { userId, role }, reason: '不需要了' }] });
}

/** The refusal type an update validator gave (FORBIDDEN, WRONG_STAGE, INVALID). */
export async function refusalOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return err.cause.type ?? 'UNKNOWN';
    throw err;
  }
  throw new Error('The update was accepted, but a refusal was expected');
}

/**
 * Waits until the loan sleeps on a timer with nothing else outstanding: its last event other than
 * a workflow task's is a started timer, and no workflow task is pending. A loan terminated with an
 * activity or workflow task in flight can leave the time-skipping server unable to skip time for
 * the rest of the file.
 */
export async function untilSleeping(handle: LoanHandle, timeoutMs = 15_000): Promise<void> {
  const { EventType } = temporal.api.enums.v1;
  const taskEvents = new Set([
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  ]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await handle.fetchHistory()).events ?? [];
    const last = events.at(-1)?.eventType;
    const lastOfLoan = [...events].reverse().find((e) => !taskEvents.has(e.eventType!))?.eventType;
    const taskPending =
      last === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED || last === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
    if (lastOfLoan === EventType.EVENT_TYPE_TIMER_STARTED && !taskPending) return;
    if (Date.now() > deadline) throw new Error(`Loan ${handle.workflowId} did not settle into a sleep`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The number of events in each run of the loan's continue-as-new chain, oldest run first. */
export async function runSizes(client: Client, loanId: string): Promise<number[]> {
  const sizes: number[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(loanId).describe()).runId;
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await client.workflow
      .getHandle(loanId, runId)
      .fetchHistory();
    const events: NonNullable<typeof history.events> = history.events ?? [];
    sizes.push(events.length);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return sizes.reverse();
}
