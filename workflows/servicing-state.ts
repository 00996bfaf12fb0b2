// What the servicing phase keeps between events, what it carries through continue-as-new, and
// the servicing part of the loan view. Plain JSON; no personal data.
import { localDateOf } from '../domain/business-time.js';
import { daysPastDue } from '../domain/collections.js';
import type { BilingualText, LoanClass, LocalDate, Money } from '../domain/types.js';
import {
  amountOwed,
  balancesOn,
  classificationOn,
  firstUnsettled,
  isSettled,
  oldestOverdue,
  payoffAmount,
  type Balances,
  type LoanAccount,
} from '../domain/servicing-account.js';
import type { LoanContext } from './context.js';
import type { BankResult, WriteOffDecision } from './definitions.js';
import type { LoanWorkflowOptions } from './loan.js';
import type { LoanView, LoanWorkflowInput, RepaymentChannel, RepaymentResult } from './state.js';

export interface CollectionsState {
  /** Due date of the oldest unpaid installment when the loan went overdue; null while current. */
  episodeStart: LocalDate | null;
  /** daysPastDue of the ladder steps taken in this episode. */
  taken: number[];
  writeOffReview: 'NONE' | 'PENDING' | 'REJECTED';
  promisedOn: LocalDate | null;
}

export interface PaymentSummary {
  paymentId: string;
  channel: RepaymentChannel;
  amount: Money;
  receivedOn: LocalDate;
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
}

export type ServicingStart =
  | {
      kind: 'SERVICING';
      fromOrigination: { input: LoanWorkflowInput; options: LoanWorkflowOptions; view: LoanView; sequence: number; attentionCases?: number };
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
  /** The last database write queued; the next one waits for it. */
  writes: Promise<void>;
}

export const RECENT_PAYMENTS_KEPT = 20;

export function todayOf(s: Pick<ServicingState, 'options'>): LocalDate {
  return localDateOf(Date.now(), s.options.timeZone);
}

/** The servicing part of the loan view (GET /v1/loans/{id} shows it as `servicing`). */
export interface ServicingView {
  /** The business date the figures are as of: the workflow's latest wake-up (daily while overdue). */
  asOf: LocalDate;
  disbursedOn: LocalDate;
  principal: Money;
  autoDebit: boolean;
  installmentCount: number;
  installmentsPaid: number;
  balances: Balances;
  payoffToday: Money;
  nextDue: { number: number; dueDate: LocalDate; amount: Money } | null;
  daysPastDue: number;
  maxDaysPastDue: number;
  classification: LoanClass;
  collections: { episodeStart: LocalDate | null; stepsTaken: number[]; writeOffReview: CollectionsState['writeOffReview']; promisedOn: LocalDate | null };
  recentPayments: PaymentSummary[];
  /** Continue-as-new generation of the workflow run. */
  run: number;
}

export function dpdOf(account: LoanAccount, today: LocalDate): number {
  return daysPastDue(oldestOverdue(account, today)?.dueDate ?? null, today);
}

export function servicingView(s: CarriedServicing, today: LocalDate): ServicingView {
  const a = s.account;
  const next = firstUnsettled(a);
  const closed = a.writtenOffOn !== null;
  const dpd = closed ? 0 : dpdOf(a, today);
  return {
    asOf: today,
    disbursedOn: a.disbursedOn,
    principal: a.terms.principal,
    autoDebit: s.autoDebit,
    installmentCount: a.installments.length,
    installmentsPaid: a.installments.filter(isSettled).length,
    balances: balancesOn(a, today),
    payoffToday: closed ? '0.00' : payoffAmount(a, today),
    nextDue: next && !closed ? { number: next.number, dueDate: next.dueDate, amount: amountOwed(a, next.number, today) } : null,
    daysPastDue: dpd,
    maxDaysPastDue: Math.max(s.maxDaysPastDue, dpd),
    classification: classificationOn(a, today),
    collections: { episodeStart: s.collections.episodeStart, stepsTaken: [...s.collections.taken], writeOffReview: s.collections.writeOffReview, promisedOn: s.collections.promisedOn },
    recentPayments: s.recentPayments.map((p) => ({ paymentId: p.paymentId, channel: p.channel, amount: p.amount, receivedOn: p.receivedOn })),
    run: s.run,
  };
}

/** The loan view with the servicing part filled in as of today. */
export function loanViewOf(s: ServicingState): LoanView {
  return { ...s.ctx.view, servicing: servicingView(s, todayOf(s)) };
}
