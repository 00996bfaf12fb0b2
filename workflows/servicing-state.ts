// What the servicing phase keeps between events, what it carries through continue-as-new, and
// how it fills in the servicing part of the loan view (contracts/loan-view.ts). Plain JSON; no personal data.
import { localDateOf } from '../domain/business-time.js';
import { graceEndsOn } from '../domain/collections.js';
import type { AccrualState } from '../domain/interest-accrual.js';
import type { BilingualText, LocalDate } from '../domain/types.js';
import {
  amountOwed,
  balancesOn,
  classificationUnder,
  daysPastDueOn,
  firstUnsettled,
  installmentInGrace,
  isSettled,
  overdueInstallment,
  payoffAmount,
  type InstallmentState,
  type LoanAccount,
  type OverdueRule,
} from '../domain/servicing-account.js';
import type { LoanContext } from './context.js';
import type { BankResult, WriteOffDecision } from '../contracts/messages.js';
import type { LoanWorkflowOptions } from '../contracts/loan-workflow.js';
import type {
  LoanView,
  LoanWorkflowInput,
  RepaymentResult,
  ReversalResult,
  ServicingView,
  WriteOffReview,
} from '../contracts/loan-view.js';

export interface CollectionsState {
  /** Due date of the oldest unpaid installment when the loan went overdue; null while current. */
  episodeStart: LocalDate | null;
  /** daysPastDue of the ladder steps taken in this episode. */
  taken: number[];
  writeOffReview: WriteOffReview;
  promisedOn: LocalDate | null;
}

/** Everything servicing needs to go on in a new run. */
export interface CarriedServicing {
  input: LoanWorkflowInput;
  options: LoanWorkflowOptions;
  sequence: number;
  view: LoanView;
  account: LoanAccount;
  autoDebit: boolean;
  collections: CollectionsState;
  /** Auto-debit attempts per installment number, for installments not yet settled. */
  debitTries: Record<string, number>;
  /** The latest repayments with the answers they got: a repeated paymentId gets the same answer. */
  recentPayments: RepaymentResult[];
  maxDaysPastDue: number;
  /** The latest date the account was brought up to; payments cannot be dated before it. */
  accruedThrough: LocalDate;
  /** How many runs came before this one. */
  run: number;
  /** NEEDS_ATTENTION cases opened so far (ops tasks are numbered by it); absent in runs carried before parking existed. */
  attentionCases?: number;
  /**
   * What daily interest accrual has booked (PATCHES.DAILY_INTEREST_ACCRUAL); absent in runs that do
   * not accrue, and in every run carried before accrual existed.
   */
  accrual?: AccrualState;
}

export type ServicingStart =
  | {
      kind: 'SERVICING';
      fromOrigination: {
        input: LoanWorkflowInput;
        options: LoanWorkflowOptions;
        view: LoanView;
        sequence: number;
        attentionCases?: number;
      };
      carried?: undefined;
    }
  | { kind: 'SERVICING'; carried: CarriedServicing; fromOrigination?: undefined };

export interface ServicingState extends CarriedServicing {
  ctx: LoanContext;
  bankResults: Map<string, BankResult>;
  /** Payments being accepted right now, so a concurrent repeat waits for the first. */
  inFlight: Map<string, Promise<RepaymentResult>>;
  /** Bumped on every change to the account, so waits can wake on it. */
  version: number;
  writeOffDecision: WriteOffDecision | null;
  /** Why an accepted write-off decision could not be applied; its update answers with this refusal. */
  writeOffRefusal: BilingualText | null;
  closed: boolean;
  /** Reversals being applied right now, so a concurrent repeat waits for the first (servicing-reversal.ts). */
  reversing: Map<string, Promise<ReversalResult>>;
  /** Repayments reversed in this run: a wait for a later due date wakes when it changes. */
  reversals: number;
  /** New schedules taken in this run (展期 / 重组): a wait for a due date wakes when it changes. */
  reschedules: number;
  /** The last database write queued; the next one waits for it. */
  writes: Promise<void>;
  /**
   * How this run counts a loan overdue: AFTER_GRACE when the run reached servicing under
   * PATCHES.GRACE_NOT_OVERDUE, FROM_DUE_DATE in runs that began before it (their recorded path).
   */
  overdueRule: OverdueRule;
  /** The refunds this run is paying (workflows/refunds.ts), by refundId. */
  refundRuns: Map<string, Promise<void>>;
  /** Refunds inside an activity right now; continue-as-new waits until none is. */
  refundsBusy: number;
  /** Refunds whose decision is being checked right now: a second decision on one is refused. */
  refundsDeciding: Set<string>;
  /**
   * The opening of the approval task of the restructuring request taken in this run: a decision in
   * the same workflow task waits for it, so the task is never closed before it is opened.
   */
  restructureTaskOpening?: Promise<void>;
}

export function todayOf(s: Pick<ServicingState, 'options'>): LocalDate {
  return localDateOf(Date.now(), s.options.timeZone);
}

/** The installment that makes the loan overdue today under the run's rule, or null. */
export function overdueNowOf(s: Pick<ServicingState, 'account' | 'overdueRule' | 'options'>): InstallmentState | null {
  return overdueInstallment(s.account, todayOf(s), s.overdueRule);
}

export function servicingView(
  s: CarriedServicing,
  today: LocalDate,
  rule: OverdueRule = 'FROM_DUE_DATE',
): ServicingView {
  const a = s.account;
  const next = firstUnsettled(a);
  const closed = a.writtenOffOn !== null;
  const dpd = closed ? 0 : daysPastDueOn(a, today, rule);
  const inGrace = rule === 'AFTER_GRACE' && !closed ? installmentInGrace(a, today) : null;
  return {
    asOf: today,
    disbursedOn: a.disbursedOn,
    principal: a.terms.principal,
    autoDebit: s.autoDebit,
    installmentCount: a.installments.length,
    installmentsPaid: a.installments.filter(isSettled).length,
    balances: balancesOn(a, today),
    payoffToday: closed ? '0.00' : payoffAmount(a, today),
    nextDue:
      next && !closed
        ? { number: next.number, dueDate: next.dueDate, amount: amountOwed(a, next.number, today) }
        : null,
    daysPastDue: dpd,
    maxDaysPastDue: Math.max(s.maxDaysPastDue, dpd),
    classification: classificationUnder(a, today, rule),
    ...(inGrace ? { graceEndsOn: graceEndsOn(inGrace.dueDate, a.penalty.graceDays) } : {}),
    collections: {
      episodeStart: s.collections.episodeStart,
      stepsTaken: [...s.collections.taken],
      writeOffReview: s.collections.writeOffReview,
      promisedOn: s.collections.promisedOn,
    },
    recentPayments: s.recentPayments.map((p) => ({
      paymentId: p.paymentId,
      channel: p.channel,
      amount: p.amount,
      receivedOn: p.receivedOn,
    })),
    run: s.run,
  };
}

/** The loan view with the servicing part filled in as of today. */
export function loanViewOf(s: ServicingState): LoanView {
  return { ...s.ctx.view, servicing: servicingView(s, todayOf(s), s.overdueRule) };
}
