// A business error parks the loan for a person; the workflow never fails. An activity that fails
// for good (the bank refuses a payout, a ledger entry conflicts, a record is missing) moves the
// loan to NEEDS_ATTENTION with an ops task naming the cause; ops either retry the same step (same
// input, same idempotency keys, so nothing is done twice) or, before any money has left, close
// the loan with a reason.
import { ActivityFailure, ApplicationFailure, condition, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { BilingualText, LoanStatus } from '../domain/types.js';
import { rawRecords, whenActivityFails } from './activity-proxies.js';
import { nowIso, record, statusText, type LoanContext } from './context.js';
import type { AttentionCase } from '../contracts/loan-view.js';
import type { Actor, AttentionDecision } from '../contracts/messages.js';
import { PATCHES } from './patches.js';
import { LoanStatusKey } from '../contracts/search-attributes.js';
import { DAY_MS } from './waiting.js';

interface AttentionHost {
  ctx: LoanContext;
  /** Before any payout, ops may close the loan; after it, only a retry (write-off is the way out). */
  closable: () => boolean;
  decision?: AttentionDecision;
  /** True while parking writes its own records: a failure there must not park again. */
  parking: boolean;
  /** Cases decided so far; an ops update waits for its own case to be taken. */
  resolved: number;
  opened: number;
}

// Module state is this workflow execution's own: the SDK isolates each workflow's globals.
let host: AttentionHost | undefined;

/** Binds parking to the loan context of the phase that runs now (origination, then servicing). */
export function attendTo(ctx: LoanContext, closable: () => boolean, opened = 0): void {
  host = { ctx, closable, resolved: opened, opened, parking: false };
  whenActivityFails(parkOrFail);
}

export function attentionCount(): number {
  return host?.opened ?? 0;
}

export function canClose(): boolean {
  return host?.closable() ?? false;
}

export function decisionPending(): boolean {
  return host?.decision !== undefined;
}

/** Thrown through the phases when ops close a parked loan; the workflow ends it as CANCELLED. */
export class LoanClosedByOps extends Error {
  constructor(
    readonly by: Actor,
    readonly reason: string,
  ) {
    super(`Closed by ops: ${reason}`);
    this.name = 'LoanClosedByOps';
  }
}

/** Takes an ops decision for the open case (called by the resolveAttention update handler). */
export async function decide(decision: AttentionDecision): Promise<void> {
  const h = host!;
  const ticket = h.resolved + 1;
  h.decision = decision;
  // A closed loan answers once it shows CANCELLED; a retried one as soon as the step runs again.
  await condition(
    () => h.resolved >= ticket && (decision.action === 'RETRY' || h.ctx.view.status !== 'NEEDS_ATTENTION'),
  );
}

function causeOf(err: unknown): string {
  let e: unknown = err;
  const parts: string[] = [];
  while (e instanceof Error && parts.length < 4) {
    const type = e instanceof ApplicationFailure && e.type ? `${e.type}: ` : '';
    if (!(e instanceof ActivityFailure)) parts.push(`${type}${e.message}`);
    e = (e as { cause?: unknown }).cause;
  }
  return (parts.join(' ← ') || String(err)).slice(0, 500);
}

function setStatusQuietly(ctx: LoanContext, status: LoanStatus): void {
  ctx.view.status = status;
  upsertSearchAttributes([{ key: LoanStatusKey, value: status }]);
}

async function park(step: string, err: unknown): Promise<AttentionDecision> {
  const h = host!;
  const { ctx } = h;
  h.opened += 1;
  const open: AttentionCase = {
    number: h.opened,
    step,
    cause: causeOf(err),
    since: nowIso(),
    resumeStatus: ctx.view.status,
  };
  h.ctx.view.attention = open;
  h.parking = true;
  const taskKey = `NEEDS_ATTENTION:${open.number}`;
  setStatusQuietly(ctx, 'NEEDS_ATTENTION');
  const reason: BilingualText = {
    zh: `步骤 ${step} 失败，需人工处理：${open.cause}`,
    en: `Step ${step} failed and needs a person: ${open.cause}`,
  };
  // The parking records use the plain proxies: a failure here must not park again.
  await rawRecords
    .openTask({
      loanId: ctx.view.loanId,
      kind: 'NEEDS_ATTENTION',
      taskKey,
      role: 'OPS',
      dueAt: new Date(Date.now() + DAY_MS).toISOString(),
      detail: { step, cause: open.cause },
    })
    .catch(() => undefined);
  await record(
    ctx,
    'STATUS_NEEDS_ATTENTION',
    {
      zh: `${statusText('NEEDS_ATTENTION').zh}：${reason.zh}`,
      en: `${statusText('NEEDS_ATTENTION').en}: ${reason.en}`,
    },
    { detail: { step, cause: open.cause } },
  ).catch(() => undefined);

  h.parking = false;

  await condition(() => h.decision !== undefined);
  const decision = h.decision!;
  h.decision = undefined;
  delete h.ctx.view.attention;
  h.parking = true;
  await rawRecords
    .closeTask({ loanId: ctx.view.loanId, taskKey, status: 'DONE', closedBy: decision.by.userId })
    .catch(() => undefined);
  if (decision.action === 'RETRY') setStatusQuietly(ctx, open.resumeStatus);
  await record(
    ctx,
    `ATTENTION_${decision.action}`,
    decision.action === 'RETRY'
      ? { zh: `运维已处理，重试步骤 ${step}：${decision.reason}`, en: `Ops retried step ${step}: ${decision.reason}` }
      : { zh: `运维关闭贷款：${decision.reason}`, en: `Ops closed the loan: ${decision.reason}` },
    { actor: decision.by, detail: { step, cause: open.cause } },
  ).catch(() => undefined);
  h.parking = false;
  h.resolved += 1;
  return decision;
}

/**
 * A main-path activity failed for good: park the loan until ops decide, then let the same call run
 * again (RETRY) or end the loan (CLOSE, by throwing LoanClosedByOps). Loans whose history took the
 * old path (the workflow failed) replay it unchanged.
 */
async function parkOrFail(step: string, err: unknown): Promise<void> {
  if (host?.parking || !patched(PATCHES.NEEDS_ATTENTION)) throw err;
  const decision = await park(step, err);
  if (decision.action === 'CLOSE') throw new LoanClosedByOps(decision.by, decision.reason);
}
