// Phase 6, servicing: for each installment, remind before the due date, collect on it, and chase
// it when it is late — until the loan is paid off or written off. Continues as new at
// installment boundaries so the history of a 30-year loan stays small.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler } from '@temporalio/workflow';
import { instantOf } from '../domain/business-time.js';
import { autoDebitByDefault } from '../domain/collections.js';
import { addDays } from '../domain/dates.js';
import { money, sum, toMoney } from '../domain/money.js';
import { nextMonthStart, startAccrual } from '../domain/interest-accrual.js';
import {
  amountOwed,
  firstUnsettled,
  isPaidOff,
  installmentInGrace,
  isSettled,
  type InstallmentState,
} from '../domain/servicing-account.js';
import { records } from './activity-proxies.js';
import { attendTo, attentionCount, decide, decisionPending } from './attention.js';
import { changeStatus, notifyBorrower, record, type LoanContext } from './context.js';
import { REFUSAL, type CollectionNote } from '../contracts/messages.js';
import {
  bankResultSignal,
  collectionNoteUpdate,
  decideRestructuringUpdate,
  loanViewQuery,
  payoffQuoteQuery,
  refundDecisionUpdate,
  repayUpdate,
  requestRestructuringUpdate,
  reversePaymentUpdate,
  resolveAttentionUpdate,
  retryDisbursementUpdate,
  reviewUpdate,
  signContractUpdate,
  signSupplementaryContractUpdate,
  withdrawUpdate,
  writeOffUpdate,
} from '../contracts/definitions.js';
import type { loanWorkflow } from './loan.js';
import {
  answerUnappliedWriteOff,
  bringUpToDate,
  DAILY_TIME,
  DUE_TIME,
  escalateOverdue,
} from './servicing-collections.js';
import { waitOutGrace } from './servicing-grace.js';
import { confirmSchedule } from './schedule-confirmation.js';
import { autoDebit, repay } from './servicing-payments.js';
import { payoffQuoteOf } from './servicing-payoff.js';
import { openingAccountOf, reversePayment, validateReversal } from './servicing-reversal.js';
import { PATCHES } from './patches.js';
import { adopt } from './servicing-records.js';
import {
  decideRestructuring,
  requestRestructuring,
  signSupplementaryContract,
  validateRestructureDecision,
  validateRestructureRequest,
  validateSupplementarySignature,
} from './servicing-restructuring.js';
import {
  loanViewOf,
  overdueNowOf,
  todayOf,
  type CarriedServicing,
  type ServicingStart,
  type ServicingState,
} from './servicing-state.js';
import {
  validateCollectionNote,
  validateRefundDecision,
  validateRepayment,
  validateWriteOff,
} from './servicing-validators.js';
import { awaitRefunds, decideRefund, refundsQuiet, resumeRefunds } from './refunds.js';
import {
  refuse,
  validateAttentionDecision,
  validateDisbursementRetry,
  validateReview,
  validateSignature,
  validateWithdrawal,
} from './validators.js';
import { historyFull } from './waiting.js';
import type { LoanView } from '../contracts/loan-view.js';

export type { ServicingStart, CarriedServicing } from './servicing-state.js';

export const REMINDER_TIME = '09:00';
/** Settled installments per run before continuing as new (sooner when Temporal suggests it). */
export const INSTALLMENTS_PER_RUN = 12;
export { MAX_EVENTS_PER_RUN } from './waiting.js';
const TIMELINE_KEPT = 20;

export async function serviceLoan(start: ServicingStart): Promise<LoanView> {
  const s = start.carried ? resume(start.carried) : await openServicing(start.fromOrigination);
  if (start.carried) {
    listen(s);
    refuseOriginationMessages(s);
    resumeRefunds(s);
  }
  const settledAtStart = settledCount(s);

  while (!s.closed) {
    if (isPaidOff(s.account)) {
      await settleLoan(s);
      break;
    }
    if (s.overdueRule === 'AFTER_GRACE' && installmentInGrace(s.account, todayOf(s))) {
      await waitOutGrace(s);
    } else if (overdueNowOf(s)) {
      const outcome = await escalateOverdue(s, historyFull);
      if (outcome === 'WRITTEN_OFF') break;
      if (outcome === 'CONTINUE') return continueAsNewFrom(s);
    } else {
      const next = firstUnsettled(s.account)!.number;
      const wake = settledGoneOrReversed(s, next);
      await remindBeforeDue(s, next, wake);
      await collectInstallment(s, next, wake);
    }
    if (
      !s.closed &&
      !isPaidOff(s.account) &&
      (settledCount(s) - settledAtStart >= INSTALLMENTS_PER_RUN || historyFull())
    ) {
      return continueAsNewFrom(s);
    }
  }
  // A closed loan that still owes a refund stays until it is paid (only loans that owe one under
  // PATCHES.REFUNDS_PAID have refunds).
  if (s.ctx.view.refunds?.length && (await awaitRefunds(s)) === 'CONTINUE') return continueAsNewFrom(s);
  answerUnappliedWriteOff(s, {
    zh: '贷款已结清或核销，该核销决定未执行',
    en: 'The loan closed before this write-off decision could be applied',
  });
  await condition(allHandlersFinished);
  return loanViewOf(s);
}

async function openServicing(from: NonNullable<ServicingStart['fromOrigination']>): Promise<ServicingState> {
  const { input, options, view, sequence } = from;
  const paidOut = view.disbursements.find((d) => d.status === 'SUCCEEDED')!;
  const account = openingAccountOf(input, view);
  const autoDebitOn = await records.loadAutoDebit({
    loanId: input.loanId,
    productDefault: autoDebitByDefault(input.product),
  });
  const s = stateOf({
    input,
    options,
    sequence,
    view,
    account,
    autoDebit: autoDebitOn,
    collections: { episodeStart: null, taken: [], writeOffReview: 'NONE', promisedOn: null },
    debitTries: {},
    recentPayments: [],
    maxDaysPastDue: 0,
    accruedThrough: paidOut.disbursedOn!,
    run: 0,
    attentionCases: from.attentionCases,
  });
  await adopt(s, { account, entries: [], changed: account.installments.map((i) => i.number) });
  // Loans paid out before the confirmation existed replay without it.
  if (patched(PATCHES.SCHEDULE_CONFIRMATION)) await confirmSchedule(s.ctx, account);
  const first = account.installments[0]!;
  // Servicing takes repayments from the moment anyone can see the loan ACTIVE: the handlers go in
  // first, in the same activation as the status change (changeStatus sets the status before its
  // first await). setHandler adds no command, and before this the repayment, write-off and note
  // updates had no handler at all, so no recorded history can have one of them here: replay-safe.
  listen(s);
  await changeStatus(s.ctx, 'ACTIVE', {
    reason: {
      zh: `已放款 ${paidOut.amount} 元，首期 ${first.dueDate} 应还 ${amountOwed(account, 1, first.dueDate)} 元${autoDebitOn ? '，到期自动代扣' : ''}`,
      en: `CNY ${paidOut.amount} paid out; first installment of CNY ${amountOwed(account, 1, first.dueDate)} due ${first.dueDate}${autoDebitOn ? ', collected by auto-debit' : ''}`,
    },
  });
  return s;
}

function resume(carried: CarriedServicing): ServicingState {
  return stateOf(carried);
}

function stateOf(carried: CarriedServicing): ServicingState {
  const ctx: LoanContext = {
    input: carried.input,
    view: carried.view,
    timeZone: carried.options.timeZone,
    sequence: carried.sequence,
  };
  const s: ServicingState = {
    ...carried,
    ctx,
    bankResults: new Map(),
    inFlight: new Map(),
    version: 0,
    writeOffDecision: null,
    writeOffRefusal: null,
    closed: ['PAID_OFF', 'WRITTEN_OFF'].includes(carried.view.status),
    writes: Promise.resolve(),
    reversing: new Map(),
    reversals: 0,
    reschedules: 0,
    // Decided once, as the run starts servicing: a run recorded before the grace rule keeps its path.
    overdueRule: patched(PATCHES.GRACE_NOT_OVERDUE) ? 'AFTER_GRACE' : 'FROM_DUE_DATE',
    refundRuns: new Map(),
    refundsBusy: 0,
    refundsDeciding: new Set(),
  };
  // Decided once too: a run recorded before daily accrual posts interest when it falls due, as it did.
  // A new loan accrues from its payout; a loan already running, from the day its first accruing run starts.
  s.accrual = patched(PATCHES.DAILY_INTEREST_ACCRUAL)
    ? (carried.accrual ?? startAccrual(carried.account, carried.run === 0 ? carried.account.disbursedOn : todayOf(s)))
    : undefined;
  // Money has left: a parked servicing loan can only be retried, never simply closed.
  attendTo(ctx, () => false, carried.attentionCases ?? 0);
  ctx.currentView = () => loanViewOf(s);
  return s;
}

function listen(s: ServicingState): void {
  setHandler(loanViewQuery, () => loanViewOf(s));
  setHandler(payoffQuoteQuery, (on) => payoffQuoteOf(s, on));
  setHandler(bankResultSignal, (result) => {
    s.bankResults.set(result.idempotencyKey, result);
  });
  setHandler(repayUpdate, (input) => repay(s, input), { validator: (input) => validateRepayment(s, input) });
  setHandler(
    writeOffUpdate,
    async (decision) => {
      s.writeOffDecision = decision;
      await condition(() => s.writeOffDecision === null);
      const refusal = s.writeOffRefusal;
      if (refusal) {
        s.writeOffRefusal = null;
        refuse(REFUSAL.WRONG_STAGE, refusal, 'approve');
      }
      return loanViewOf(s);
    },
    { validator: (decision) => validateWriteOff(s, decision) },
  );
  setHandler(
    resolveAttentionUpdate,
    async (decision) => {
      await decide(decision);
      return loanViewOf(s);
    },
    { validator: (decision) => validateAttentionDecision(s.ctx.view, decision, false, decisionPending()) },
  );
  setHandler(collectionNoteUpdate, (note) => takeCollectionNote(s, note), {
    validator: (note) => validateCollectionNote(s, note),
  });
  // No recorded history holds this update: it was added with PATCHES.REFUNDS_PAID (setHandler adds no command).
  setHandler(refundDecisionUpdate, (decision) => decideRefund(s, decision), {
    validator: (decision) => validateRefundDecision(s, decision),
  });
  setHandler(reversePaymentUpdate, (input) => reversePayment(s, input), {
    validator: (input) => validateReversal(s, input),
  });
  // No recorded history holds these updates before PATCHES.LOAN_EXTENSION_RESTRUCTURING (setHandler adds no command).
  setHandler(requestRestructuringUpdate, (req) => requestRestructuring(s, req), {
    validator: (req) => validateRestructureRequest(s, req),
  });
  setHandler(decideRestructuringUpdate, (decision) => decideRestructuring(s, decision), {
    validator: (decision) => validateRestructureDecision(s, decision),
  });
  setHandler(signSupplementaryContractUpdate, (sign) => signSupplementaryContract(s, sign), {
    validator: (sign) => validateSupplementarySignature(s, sign),
  });
}

/**
 * A later run has no origination phases, but a late review, signature, withdrawal or disbursement
 * retry still gets the same answer it would have got in the first run: refused as the wrong stage.
 */
function refuseOriginationMessages(s: ServicingState): void {
  const view = () => loanViewOf(s);
  setHandler(reviewUpdate, async () => view(), {
    validator: (review) => validateReview(s.ctx.view, s.input.product, review),
  });
  setHandler(signContractUpdate, async () => view(), {
    validator: (sign) => validateSignature(s.ctx.view, s.input.borrowerId, sign),
  });
  setHandler(withdrawUpdate, async () => view(), {
    validator: (withdrawal) => validateWithdrawal(s.ctx.view, s.input.borrowerId, withdrawal),
  });
  setHandler(retryDisbursementUpdate, async () => view(), {
    validator: (actor) => validateDisbursementRetry(s.ctx.view, actor),
  });
}

function installment(s: ServicingState, number: number): InstallmentState | undefined {
  return s.account.installments.find((i) => i.number === number);
}

function settledOrGone(s: ServicingState, number: number): boolean {
  const i = installment(s, number);
  return s.closed || !i || isSettled(i);
}

/**
 * Wakes the waits for installment `number` (reminders, its due date, the night after) when it is
 * settled or gone, or when a repayment was reversed since the first of them began (an earlier installment may be unpaid again: the main loop looks).
 * No reversal happens in a run recorded before PATCHES.PAYMENT_REVERSAL, so its waits end as before.
 */
function settledGoneOrReversed(s: ServicingState, number: number): () => boolean {
  const reversals = s.reversals;
  // No history recorded before PATCHES.LOAN_EXTENSION_RESTRUCTURING takes a new schedule: for them this never changes.
  const reschedules = s.reschedules;
  return () => settledOrGone(s, number) || s.reversals !== reversals || s.reschedules !== reschedules;
}

/** Sleeps until `at` (epoch ms) unless `wake` comes true first; true when woken early. */
async function sleepUntil(at: number, wake: () => boolean): Promise<boolean> {
  if (wake()) return true;
  const ms = at - Date.now();
  if (ms <= 0) return false;
  return condition(wake, ms);
}

/**
 * sleepUntil for a loan that accrues: it also wakes just after each month end on the way and posts
 * the month's interest, so a month's accrual is whole when finance closes it.
 */
async function sleepAccruing(s: ServicingState, at: number, wake: () => boolean): Promise<boolean> {
  for (;;) {
    if (!s.accrual) return sleepUntil(at, wake);
    const monthEnd = instantOf(nextMonthStart(todayOf(s)), DAILY_TIME, s.options.timeZone);
    if (monthEnd >= at) return sleepUntil(at, wake);
    if (await sleepUntil(monthEnd, wake)) return true;
    await adopt(s, { account: s.account, entries: [], changed: [] });
  }
}

/** SMS reminders N days before the due date (the product's list), at 09:00 local time. */
async function remindBeforeDue(s: ServicingState, number: number, wake: () => boolean): Promise<void> {
  for (const days of s.input.product.reminderDaysBeforeDue) {
    const due = installment(s, number);
    if (!due) return;
    const at = instantOf(addDays(due.dueDate, -days), REMINDER_TIME, s.options.timeZone);
    if (at <= Date.now()) continue;
    if (await sleepAccruing(s, at, wake)) return;
    await notifyBorrower(s.ctx, 'REPAYMENT_REMINDER', {
      installment: String(number),
      dueDate: due.dueDate,
      amount: amountOwed(s.account, number, todayOf(s)),
      autoDebit: s.autoDebit ? 'Y' : 'N',
    });
  }
}

/**
 * On the due date at 18:00 local time: the installment's interest and fee become receivable, credit
 * pays what it can, and the card is debited if the borrower authorised it; then the borrower has
 * until midnight before the installment is overdue.
 */
async function collectInstallment(s: ServicingState, number: number, wake: () => boolean): Promise<void> {
  const due = installment(s, number);
  if (!due) return;
  if (await sleepAccruing(s, instantOf(due.dueDate, DUE_TIME, s.options.timeZone), wake)) return;
  await bringUpToDate(s);
  if (!settledOrGone(s, number)) await autoDebit(s);
  if (!settledOrGone(s, number))
    await sleepUntil(instantOf(addDays(due.dueDate, 1), '00:00', s.options.timeZone), wake);
}

/** 结清: the settlement certificate, tasks closed, the borrower told. */
async function settleLoan(s: ServicingState): Promise<void> {
  s.closed = true;
  const paid = sum(
    s.account.installments.flatMap((i) => [i.paidPrincipal, i.paidInterest, i.paidFee, i.paidPenalty].map(money)),
  );
  const paidOffOn = s.account.installments.reduce(
    (last, i) => (i.paidOn && i.paidOn > last ? i.paidOn : last),
    s.account.disbursedOn,
  );
  const { sha256 } = await records.issueSettlementCertificate({
    loanId: s.input.loanId,
    paidOffOn,
    principal: s.account.terms.principal,
    totalRepaid: toMoney(paid),
  });
  await records.closeOpenTasks({ loanId: s.input.loanId });
  await changeStatus(s.ctx, 'PAID_OFF', {
    reason: {
      zh: `已全部还清，结清证明摘要 ${sha256.slice(0, 12)}`,
      en: `Repaid in full; settlement certificate ${sha256.slice(0, 12)}`,
    },
    projection: { closed: true },
  });
}

async function takeCollectionNote(s: ServicingState, note: CollectionNote): Promise<LoanView> {
  if (note.outcome === 'PROMISE_TO_PAY' && note.promisedOn) s.collections.promisedOn = note.promisedOn;
  await record(
    s.ctx,
    `COLLECTION_NOTE_${note.outcome}`,
    {
      zh: `催收记录：${OUTCOME_ZH[note.outcome]}${note.promisedOn ? `（承诺 ${note.promisedOn} 还款）` : ''}`,
      en: `Collection note: ${note.outcome}${note.promisedOn ? ` (promised for ${note.promisedOn})` : ''}`,
    },
    { actor: note.by, detail: { outcome: note.outcome, note: note.note, promisedOn: note.promisedOn ?? null } },
  );
  if (s.collections.episodeStart) {
    await records.closeTask({
      loanId: s.input.loanId,
      taskKey: `COLLECTION_CALL:${s.collections.episodeStart}`,
      status: 'DONE',
      closedBy: note.by.userId,
    });
  }
  return loanViewOf(s);
}

const OUTCOME_ZH: Record<CollectionNote['outcome'], string> = {
  CONTACTED: '已联系',
  PROMISE_TO_PAY: '承诺还款',
  NO_ANSWER: '无人接听',
  REFUSED: '拒绝还款',
  DISPUTED: '有异议',
};

function settledCount(s: ServicingState): number {
  return s.account.installments.filter(isSettled).length;
}

/** Waits for every write and every message handler, then starts the next run with the compact state. */
async function continueAsNewFrom(s: ServicingState): Promise<never> {
  await s.writes;
  answerUnappliedWriteOff(s, { zh: '请在贷款继续后重新提交核销决定', en: 'Submit the write-off decision again' });
  // One condition: a refund inside a bank call or a posting finishes it, and no refund activity can
  // start between this check and continue-as-new; one waiting for finance, the hold or the bank is carried.
  await condition(() => refundsQuiet(s) && allHandlersFinished());
  return continueAsNew<typeof loanWorkflow>({ kind: 'SERVICING', carried: carry(s) });
}

/** The compact state a new run starts from: the account, not the origination timeline. */
function carry(s: ServicingState): CarriedServicing {
  const view = s.ctx.view;
  const open = new Set(s.account.installments.filter((i) => !isSettled(i)).map((i) => String(i.number)));
  return {
    input: s.input,
    options: s.options,
    sequence: s.ctx.sequence,
    view: {
      ...view,
      timeline: view.timeline.slice(-TIMELINE_KEPT),
      ...(view.offer ? { offer: { ...view.offer, installments: [] } } : {}),
      servicing: undefined,
    },
    account: s.account,
    autoDebit: s.autoDebit,
    collections: s.collections,
    debitTries: Object.fromEntries(Object.entries(s.debitTries).filter(([n]) => open.has(n))),
    recentPayments: s.recentPayments,
    maxDaysPastDue: s.maxDaysPastDue,
    accruedThrough: s.accruedThrough,
    run: s.run + 1,
    attentionCases: attentionCount(),
    ...(s.accrual ? { accrual: s.accrual } : {}),
  };
}
