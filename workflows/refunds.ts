// Refunds are paid: money a payment leaves owed back to the borrower (an overpayment under the
// product's REFUND option, a credit left at payoff) goes back through the bank to the account the
// loan was paid out to. Each refund runs on its own beside servicing:
//
//   above the product's threshold: APPROVAL until a finance user (not the payment's maker) approves
//   PENDING: the bank is asked under a key from business ids; its signed callback or a poll answers
//   PAID: posted REFUND_PAYABLE → BANK and the borrower told by SMS
//   FAILED: the bank refused it; a finance task asks for a retry, which is a new attempt with a key
//           of its own (back to APPROVAL when the loan's refunds pass the threshold). The loan goes
//           on: a refund never fails it.
//   REJECTED: finance rejected it; the money stays owed to the borrower as credit (REFUND_PAYABLE →
//           BORROWER_CREDIT) that pays later installments, or, on a closed loan, a finance task to settle.
//
// Decisions are checked by the worker against the database (PATCHES.REFUND_DECISIONS_CHECKED).
// A paid-off or written-off loan keeps its workflow until every refund is PAID or REJECTED (workflows/servicing.ts).
import { ActivityFailure, condition, patched } from '@temporalio/workflow';
import { refundEntry, refundToCreditEntry, type JournalEntry } from '../domain/ledger.js';
import { money } from '../domain/money.js';
import {
  DEFAULT_REFUND_HOLD_DAYS,
  refundIdOf,
  refundKeptAsCredit,
  refundNeedsApproval,
  refundOwedBy,
  refundTransferKey,
} from '../domain/refunds.js';
import type { Money } from '../domain/types.js';
import { rawPartners, records } from './activity-proxies.js';
import { notifyBorrower, record } from './context.js';
import { adopt } from './servicing-records.js';
import { REFUSAL, type Actor, type BankResult, type RefundDecision } from '../contracts/messages.js';
import { PATCHES } from './patches.js';
import type { LoanView, RefundRecord } from '../contracts/loan-view.js';
import { loanViewOf, todayOf, type ServicingState } from './servicing-state.js';
import { refuse } from './validators.js';
import { DAY_MS, historyFull, pollDelay } from './waiting.js';

const TRANSFER_POLL_BEFORE_BACKOFF = 30_000;

function refundsOf(s: ServicingState): RefundRecord[] {
  return (s.ctx.view.refunds ??= []);
}

export function findRefund(s: ServicingState, refundId: string): RefundRecord | undefined {
  return s.ctx.view.refunds?.find((r) => r.refundId === refundId);
}

/** What a payment's posting left owed back (an overpayment refunded, a credit left at payoff) is paid back. */
export async function payBackWhatIsLeft(
  s: ServicingState,
  entries: readonly JournalEntry[],
  payment: { paymentId: string; recordedBy: Actor },
): Promise<void> {
  const owedBack = refundOwedBy(entries);
  if (money(owedBack).gt(0) && patched(PATCHES.REFUNDS_PAID))
    await owe(s, { amount: owedBack, paymentId: payment.paymentId, requestedBy: payment.recordedBy.userId });
}

/** Opens a refund for money a payment left owed back, and starts paying it. */
async function owe(s: ServicingState, p: { amount: Money; paymentId: string; requestedBy: string }): Promise<void> {
  const refunds = refundsOf(s);
  const number = refunds.length + 1;
  // The threshold counts the loan's other refunds too, so overpayments each under it add up to it.
  const needsApproval = refundNeedsApproval(p.amount, refunds, s.input.product.refundApprovalThreshold);
  // Every refund waits out the hold after its payment, so a reversal of that payment can stop it first.
  const holdDays = s.input.product.refundHoldDays ?? DEFAULT_REFUND_HOLD_DAYS;
  const refund: RefundRecord = {
    refundId: refundIdOf(number),
    amount: p.amount,
    status: needsApproval ? 'APPROVAL' : 'PENDING',
    paymentId: p.paymentId,
    requestedBy: p.requestedBy,
    owedOn: todayOf(s),
    attempt: 1,
    idempotencyKey: refundTransferKey(s.input.loanId, number, 1),
    heldUntil: new Date(Date.now() + holdDays * DAY_MS).toISOString(),
  };
  refunds.push(refund);
  await record(
    s.ctx,
    'REFUND_OWED',
    {
      zh: `应退还借款人 ${p.amount} 元（退款 ${refund.refundId}）${needsApproval ? '，超过审批限额，待财务审批' : ''}`,
      en: `CNY ${p.amount} is owed back to the borrower (refund ${refund.refundId})${needsApproval ? '; above the approval threshold, it waits for finance' : ''}`,
    },
    { detail: { refundId: refund.refundId, paymentId: p.paymentId, amount: p.amount } },
  );
  if (needsApproval) await openApprovalTask(s, refund);
  run(s, refund);
}

/** A new run picks up the refunds the last one carried unfinished. */
export function resumeRefunds(s: ServicingState): void {
  for (const refund of s.ctx.view.refunds ?? [])
    if (refund.status === 'APPROVAL' || refund.status === 'PENDING') run(s, refund);
}

/** True when no refund is inside an activity: the run may continue as new. */
export function refundsQuiet(s: ServicingState): boolean {
  return s.refundsBusy === 0;
}

/** Refunds that are done: paid, rejected and kept as the borrower's credit, or cancelled by a reversal. */
const SETTLED: readonly RefundRecord['status'][] = ['PAID', 'REJECTED', 'CANCELLED'];

export function refundsOutstanding(s: ServicingState): boolean {
  return (s.ctx.view.refunds ?? []).some((r) => !SETTLED.includes(r.status));
}

/**
 * After payoff or write-off: waits until every refund is PAID. Finance may take long to retry a
 * failed one, so the wait is in days and the run hands over before its history grows large.
 */
export async function awaitRefunds(s: ServicingState): Promise<'DONE' | 'CONTINUE'> {
  while (refundsOutstanding(s)) {
    await condition(() => !refundsOutstanding(s), DAY_MS);
    if (refundsOutstanding(s) && historyFull()) return 'CONTINUE';
  }
  await condition(() => refundsQuiet(s));
  return 'DONE';
}

function run(s: ServicingState, refund: RefundRecord): void {
  s.refundRuns.set(refund.refundId, pay(s, refund));
}

/** Marks the refund busy while an activity of it runs, so continue-as-new waits for it. */
async function busy<T>(s: ServicingState, work: () => Promise<T>): Promise<T> {
  s.refundsBusy += 1;
  try {
    return await work();
  } finally {
    s.refundsBusy -= 1;
  }
}

async function pay(s: ServicingState, refund: RefundRecord): Promise<void> {
  await holdOver(refund);
  await condition(() => refund.status !== 'APPROVAL');
  if (refund.status !== 'PENDING') return;
  const key = refund.idempotencyKey;
  let result = await busy(s, () => startTransfer(s, refund));
  // The bank's signed callback usually arrives first; polling covers a lost callback.
  for (let polls = 0; !result; polls += 1) {
    const called = await condition(() => s.bankResults.has(key), pollDelay(polls, TRANSFER_POLL_BEFORE_BACKOFF));
    result = called ? s.bankResults.get(key)! : await busy(s, () => rawPartners.checkTransfer({ idempotencyKey: key }));
  }
  s.bankResults.delete(key);
  await busy(s, () => (result.status === 'SUCCEEDED' ? paid(s, refund, result) : failed(s, refund, result)));
}

/** Waits (a workflow timer, carried across runs by the record) until the refund's hold is over. */
async function holdOver(refund: RefundRecord): Promise<void> {
  const left = refund.heldUntil ? Date.parse(refund.heldUntil) - Date.now() : 0;
  if (left > 0) await condition(() => refund.status === 'PAID' || refund.status === 'CANCELLED', left);
}

/** Asks the bank for the attempt's transfer; null while the bank has not answered for good. */
async function startTransfer(s: ServicingState, refund: RefundRecord): Promise<BankResult | null> {
  try {
    const started = await rawPartners.startRefundTransfer({
      loanId: s.input.loanId,
      idempotencyKey: refund.idempotencyKey,
      amount: refund.amount,
    });
    return started.status === 'PENDING' ? null : started;
  } catch (err) {
    // The bank refused the request itself (a non-retryable answer): the attempt failed.
    if (!(err instanceof ActivityFailure)) throw err;
    return { transferId: '', idempotencyKey: refund.idempotencyKey, status: 'FAILED', failureReason: 'REJECTED' };
  }
}

async function paid(s: ServicingState, refund: RefundRecord, result: BankResult): Promise<void> {
  const paidOn = todayOf(s);
  await records.postJournal([
    refundEntry({
      loanId: s.input.loanId,
      number: numberOf(refund),
      amount: refund.amount,
      paidOn,
      transferKey: refund.idempotencyKey,
    }),
  ]);
  refund.status = 'PAID';
  refund.paidOn = paidOn;
  delete refund.failureReason;
  await record(
    s.ctx,
    'REFUND_PAID',
    {
      zh: `退款 ${refund.refundId} 已退回借款人账户 ${refund.amount} 元`,
      en: `Refund ${refund.refundId} of CNY ${refund.amount} paid to the borrower's account`,
    },
    { detail: { refundId: refund.refundId, transferId: result.transferId, idempotencyKey: refund.idempotencyKey } },
  );
  await notifyBorrower(s.ctx, 'REFUND_PAID', { refundId: refund.refundId, amount: refund.amount, paidOn });
}

async function failed(s: ServicingState, refund: RefundRecord, result: BankResult): Promise<void> {
  refund.status = 'FAILED';
  refund.failureReason = result.failureReason ?? 'UNKNOWN';
  // Taken before the first await: a retry landing while this records moves the refund to its next attempt.
  const task = failedTask(s, refund);
  await record(
    s.ctx,
    'REFUND_FAILED',
    {
      zh: `退款 ${refund.refundId}（${refund.amount} 元）银行退回：${refund.failureReason}，已转财务处理`,
      en: `Refund ${refund.refundId} (CNY ${refund.amount}) refused by the bank: ${refund.failureReason}; finance will follow up`,
    },
    { detail: { refundId: refund.refundId, idempotencyKey: task.detail.idempotencyKey } },
  );
  await records.openTask(task);
}

/** The finance task of the refund's current failed attempt, built from the refund as it is now. */
function failedTask(s: ServicingState, refund: RefundRecord) {
  return {
    loanId: s.input.loanId,
    kind: 'REFUND_FAILED',
    taskKey: failedTaskKey(refund),
    role: 'FINANCE' as const,
    detail: {
      refundId: refund.refundId,
      amount: refund.amount,
      attempt: refund.attempt,
      idempotencyKey: refund.idempotencyKey,
      failureReason: refund.failureReason ?? null,
    },
  };
}

/**
 * Finance's decision (the decideRefund update; validated by validateRefundDecision). Under
 * PATCHES.REFUND_DECISIONS_CHECKED the worker first checks the decider in the database; the
 * validator refuses a second decision on the refund while that check runs, and the refund's state
 * changes before the next await, so two decisions landing in one workflow task never both act.
 */
export async function decideRefund(s: ServicingState, decision: RefundDecision): Promise<LoanView> {
  const refund = findRefund(s, decision.refundId)!;
  const by = decision.by;
  if (patched(PATCHES.REFUND_DECISIONS_CHECKED)) await checkDecider(s, refund, decision);
  // A reversal of its payment may have cancelled the refund while the decider was checked.
  if (refund.status === 'CANCELLED')
    refuse(
      REFUSAL.WRONG_STAGE,
      { zh: `退款 ${refund.refundId} 已随还款冲正取消`, en: `Refund ${refund.refundId} was cancelled by a reversal` },
      'refundId',
    );
  if (decision.action === 'APPROVE') {
    refund.status = 'PENDING';
    refund.approvedBy = by.userId;
    await closeTask(s, approvalTaskKey(refund), by.userId);
    await record(
      s.ctx,
      'REFUND_APPROVED',
      { zh: `财务批准退款 ${refund.refundId}`, en: `Finance approved refund ${refund.refundId}` },
      { actor: by, detail: { refundId: refund.refundId } },
    );
  } else if (decision.action === 'REJECT' && patched(PATCHES.REFUND_DECISIONS_CHECKED)) {
    // Busy from here: a paid-off loan that was waiting only for this refund ends after its credit is booked.
    await busy(s, () => reject(s, refund, decision));
  } else if (decision.action === 'REJECT') {
    refund.status = 'FAILED';
    refund.failureReason = 'REJECTED_BY_FINANCE';
    const task = failedTask(s, refund);
    await closeTask(s, approvalTaskKey(refund), by.userId);
    await record(
      s.ctx,
      'REFUND_REJECTED',
      {
        zh: `财务驳回退款 ${refund.refundId}：${decision.reason ?? ''}`,
        en: `Finance rejected refund ${refund.refundId}: ${decision.reason ?? ''}`,
      },
      { actor: by, detail: { refundId: refund.refundId, reason: decision.reason ?? null } },
    );
    await records.openTask(task);
  } else {
    const previousTask = failedTaskKey(refund);
    const needsApproval = patched(PATCHES.REFUND_DECISIONS_CHECKED) && retryNeedsApproval(s, refund);
    refund.status = needsApproval ? 'APPROVAL' : 'PENDING';
    refund.attempt += 1;
    refund.idempotencyKey = refundTransferKey(s.input.loanId, numberOf(refund), refund.attempt);
    if (needsApproval) {
      // Above the threshold a different finance user approves the new attempt.
      refund.retriedBy = by.userId;
      delete refund.approvedBy;
    } else {
      // The finance user who retries approves this attempt.
      refund.approvedBy = by.userId;
    }
    delete refund.failureReason;
    await closeTask(s, previousTask, by.userId);
    await record(
      s.ctx,
      'REFUND_RETRIED',
      {
        zh: `财务重新发起退款 ${refund.refundId}（第 ${refund.attempt} 次）${needsApproval ? '，超过审批限额，待另一位财务审批' : ''}`,
        en: `Finance retried refund ${refund.refundId} (attempt ${refund.attempt})${needsApproval ? '; above the approval threshold, it waits for another finance user' : ''}`,
      },
      { actor: by, detail: { refundId: refund.refundId, idempotencyKey: refund.idempotencyKey } },
    );
    if (needsApproval) await openApprovalTask(s, refund);
    run(s, refund);
  }
  return loanViewOf(s);
}

/** Finance rejected paying the refund: it is REJECTED, and the money stays owed as the borrower's credit. */
async function reject(s: ServicingState, refund: RefundRecord, decision: RefundDecision): Promise<void> {
  const by = decision.by;
  refund.status = 'REJECTED';
  refund.failureReason = 'REJECTED_BY_FINANCE';
  await closeTask(s, approvalTaskKey(refund), by.userId);
  await record(
    s.ctx,
    'REFUND_REJECTED',
    {
      zh: `财务驳回退款 ${refund.refundId}：${decision.reason ?? ''}；${refund.amount} 元转为借款人的贷方余额`,
      en: `Finance rejected refund ${refund.refundId}: ${decision.reason ?? ''}; CNY ${refund.amount} stays owed to the borrower as credit`,
    },
    { actor: by, detail: { refundId: refund.refundId, reason: decision.reason ?? null, amount: refund.amount } },
  );
  await keepAsCredit(s, refund);
}

/**
 * A rejected refund stays owed: REFUND_PAYABLE → BORROWER_CREDIT. While the loan is serviced the
 * credit pays its later installments (and what is left is refunded at payoff). On a closed loan
 * nothing more falls due, so a finance task asks finance to settle the credit with the borrower;
 * the loan's workflow does not wait for it (a rejected refund is not outstanding).
 */
async function keepAsCredit(s: ServicingState, refund: RefundRecord): Promise<void> {
  const today = todayOf(s);
  if (!s.closed) {
    await adopt(s, refundKeptAsCredit(s.account, { number: numberOf(refund), amount: refund.amount }, today));
    return;
  }
  await records.postJournal([
    refundToCreditEntry({ loanId: s.input.loanId, number: numberOf(refund), amount: refund.amount, on: today }),
  ]);
  await records.openTask({
    loanId: s.input.loanId,
    kind: 'BORROWER_CREDIT_SETTLE',
    taskKey: `BORROWER_CREDIT_SETTLE:${refund.refundId}`,
    role: 'FINANCE',
    detail: { refundId: refund.refundId, amount: refund.amount, loanStatus: s.ctx.view.status },
  });
}

async function openApprovalTask(s: ServicingState, refund: RefundRecord): Promise<void> {
  await records.openTask({
    loanId: s.input.loanId,
    kind: 'REFUND_APPROVAL',
    taskKey: approvalTaskKey(refund),
    role: 'FINANCE',
    detail: { refundId: refund.refundId, amount: refund.amount, paymentId: refund.paymentId, attempt: refund.attempt },
  });
}

/** A retry is a new payment decision: it needs approval when the loan's refunds together pass the threshold. */
function retryNeedsApproval(s: ServicingState, refund: RefundRecord): boolean {
  const others = refundsOf(s).filter((r) => r.refundId !== refund.refundId);
  return refundNeedsApproval(refund.amount, others, s.input.product.refundApprovalThreshold);
}

/**
 * The update's `by` is not trusted: the worker checks the decider against the database before the
 * refund changes. While it checks, a second decision on the refund is refused by the validator. A
 * refused decision is recorded on the loan (with the named user) and answered 403; the refund stays as it was.
 */
async function checkDecider(s: ServicingState, refund: RefundRecord, decision: RefundDecision): Promise<void> {
  s.refundsDeciding.add(refund.refundId);
  let refusal;
  try {
    refusal = await busy(s, () =>
      records.refundDeciderRefusal({
        loanId: s.input.loanId,
        refundId: refund.refundId,
        paymentId: refund.paymentId,
        deciderId: decision.by.userId,
        barred: [refund.requestedBy, ...(decision.action !== 'RETRY' && refund.retriedBy ? [refund.retriedBy] : [])],
      }),
    );
  } finally {
    s.refundsDeciding.delete(refund.refundId);
  }
  if (!refusal) return;
  await record(
    s.ctx,
    'REFUND_DECISION_REFUSED',
    {
      zh: `拒绝了对退款 ${refund.refundId} 的处理请求：${refusal.zh}`,
      en: `A decision on refund ${refund.refundId} was refused: ${refusal.en}`,
    },
    { actor: decision.by, detail: { refundId: refund.refundId, action: decision.action } },
  );
  refuse(REFUSAL.FORBIDDEN, refusal, 'refundId');
}

/**
 * The refunds of a payment being reversed (PATCHES.REFUND_CANCELLED_BY_REVERSAL): `atBank` are those
 * the bank may already be paying (PENDING past their hold), `cancellable` those it never saw (held,
 * in APPROVAL, FAILED). PAID and REJECTED ones are left out: the reversal's domain check handles
 * what they moved out of REFUND_PAYABLE.
 */
export function refundsOfPayment(
  s: ServicingState,
  paymentId: string,
): { atBank: RefundRecord[]; cancellable: RefundRecord[] } {
  const own = (s.ctx.view.refunds ?? []).filter((r) => r.paymentId === paymentId);
  const held = (r: RefundRecord) => r.heldUntil !== undefined && Date.parse(r.heldUntil) > Date.now();
  return {
    atBank: own.filter((r) => r.status === 'PENDING' && !held(r)),
    cancellable: own.filter(
      (r) => r.status === 'APPROVAL' || r.status === 'FAILED' || (r.status === 'PENDING' && held(r)),
    ),
  };
}

/**
 * Marks the refunds CANCELLED at once (before any await, so their run stops at its next wake and
 * no decision can act on them), then closes their open tasks and records why. The reversal's
 * mirror entry already takes their amount out of REFUND_PAYABLE: nothing else is posted.
 */
export async function cancelRefunds(
  s: ServicingState,
  refunds: readonly RefundRecord[],
  reversal: { paymentId: string; by: Actor },
): Promise<void> {
  const today = todayOf(s);
  const open = refunds.map((refund) => {
    const task = refund.status === 'FAILED' ? failedTaskKey(refund) : approvalTaskKey(refund);
    refund.status = 'CANCELLED';
    refund.cancelledOn = today;
    return { refund, task };
  });
  for (const { refund, task } of open) {
    await records.closeTask({
      loanId: s.input.loanId,
      taskKey: task,
      status: 'CANCELLED',
      closedBy: reversal.by.userId,
    });
    await record(
      s.ctx,
      'REFUND_CANCELLED',
      {
        zh: `还款 ${reversal.paymentId} 已冲正，其退款 ${refund.refundId}（${refund.amount} 元）取消`,
        en: `Refund ${refund.refundId} (CNY ${refund.amount}) cancelled: its payment ${reversal.paymentId} was reversed`,
      },
      {
        actor: reversal.by,
        detail: { refundId: refund.refundId, paymentId: reversal.paymentId, amount: refund.amount },
      },
    );
  }
}

async function closeTask(s: ServicingState, taskKey: string, closedBy: string): Promise<void> {
  await records.closeTask({ loanId: s.input.loanId, taskKey, status: 'DONE', closedBy });
}

function numberOf(refund: RefundRecord): number {
  return Number(refund.refundId.slice(1));
}

function approvalTaskKey(refund: RefundRecord): string {
  // The first attempt's key predates retries needing approval; a later attempt has a task of its own.
  return refund.attempt === 1
    ? `REFUND_APPROVAL:${refund.refundId}`
    : `REFUND_APPROVAL:${refund.refundId}:${refund.attempt}`;
}

function failedTaskKey(refund: RefundRecord): string {
  return `REFUND_FAILED:${refund.refundId}:${refund.attempt}`;
}
