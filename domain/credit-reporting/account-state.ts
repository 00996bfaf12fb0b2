// A lending account as the credit reference center sees it on one business date: balance, five-level
// class, the period's repayment status code, overdue amount, days and installments, the last
// payment and the account status (正常/逾期/结清/呆账), with the reportable events of that date.
// Derived only from the loan's schedule, its repayments and its timeline, each read as of the
// date, so the record of any date, past or years ahead, is built the same way. Pure: no I/O, no clock.
import { classifyByDaysPastDue } from '../classification.js';
import { addDays, compareDates, daysBetween } from '../dates.js';
import { Dec, ZERO, formatCents, money, sum } from '../money.js';
import type { LoanClass, LocalDate, Money } from '../types.js';

export interface ScheduledInstallment {
  number: number;
  dueDate: LocalDate;
  principal: Money;
  /** Principal, interest and fee of the installment (penalties are not part of the scheduled amount). */
  amountDue: Money;
  paidPrincipal: Money;
  /** Principal, interest and fee paid so far. */
  paidAmount: Money;
  /** The date the installment was paid in full; null while any of it is open. */
  paidOn: LocalDate | null;
}

export interface AccountRepayment {
  receivedOn: LocalDate;
  amount: Money;
}

/** A timeline entry of the loan, by its business date. */
export interface AccountEvent {
  kind: string;
  on: LocalDate;
  detail: Record<string, unknown>;
}

export interface AccountHistory {
  openDate: LocalDate;
  amount: Money;
  installments: readonly ScheduledInstallment[];
  repayments: readonly AccountRepayment[];
  events: readonly AccountEvent[];
}

export const ACCOUNT_STATUSES = ['NORMAL', 'OVERDUE', 'CLOSED', 'BAD_DEBT'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * The period's repayment status code, as in the center's 24-month status string:
 * N paid as agreed; 1–7 overdue 1–30, 31–60, … , more than 180 days; C closed (结清);
 * B bad debt (呆账, written off); * nothing due yet.
 */
export const STATUS_CODES = ['N', '1', '2', '3', '4', '5', '6', '7', 'C', 'B', '*'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export const REPORTABLE_EVENTS = [
  'OPENED',
  'INSTALLMENT_PAID_ON_TIME',
  'INSTALLMENT_PAID_LATE',
  'INSTALLMENT_OVERDUE',
  'PAID_OFF',
  'WRITTEN_OFF',
  'EXTENDED',
  'RESTRUCTURED',
  'WRITE_OFF_RECOVERY',
  'CLASSIFICATION_OVERRIDDEN',
] as const;
export type ReportableEventKind = (typeof REPORTABLE_EVENTS)[number];

export interface ReportableEvent {
  kind: ReportableEventKind;
  installment?: number;
  amount?: Money;
}

export interface AccountState {
  reportDate: LocalDate;
  balance: Money;
  fiveLevelClass: LoanClass;
  statusCode: StatusCode;
  overdueAmount: Money;
  overdueDays: number;
  overduePeriods: number;
  lastPaymentDate: LocalDate | null;
  lastPaymentAmount: Money | null;
  accountStatus: AccountStatus;
  /** The maturity date and installment count after the latest extension or restructuring, if any. */
  maturityDate: LocalDate;
  installmentCount: number;
  events: ReportableEvent[];
}

/** The timeline kinds the workflow and the other parts record, mapped to the event they report. */
const TIMELINE_EVENTS: Readonly<Record<string, ReportableEventKind>> = {
  STATUS_PAID_OFF: 'PAID_OFF',
  STATUS_WRITTEN_OFF: 'WRITTEN_OFF',
  EXTENDED: 'EXTENDED',
  RESTRUCTURED: 'RESTRUCTURED',
  WRITE_OFF_RECOVERY: 'WRITE_OFF_RECOVERY',
  CLASSIFICATION_OVERRIDDEN: 'CLASSIFICATION_OVERRIDDEN',
};

const onOrBefore = (a: LocalDate, b: LocalDate) => compareDates(a, b) <= 0;
const isLoanClass = (v: unknown): v is LoanClass =>
  v === 'NORMAL' || v === 'SPECIAL_MENTION' || v === 'SUBSTANDARD' || v === 'DOUBTFUL' || v === 'LOSS';

function lastOf(events: readonly AccountEvent[], kinds: readonly string[], date: LocalDate): AccountEvent | undefined {
  let found: AccountEvent | undefined;
  for (const e of events) if (kinds.includes(e.kind) && onOrBefore(e.on, date)) found = e;
  return found;
}

/** Days overdue → status code 1 (1–30) … 7 (181+). */
export function overdueStatusCode(days: number): StatusCode {
  if (days <= 0) return 'N';
  return String(Math.min(7, Math.ceil(days / 30))) as StatusCode;
}

/** Whether an installment counts as paid on `date`. */
const paidBy = (i: ScheduledInstallment, date: LocalDate) => i.paidOn !== null && onOrBefore(i.paidOn, date);

/**
 * The account on `date` (a business date on or after the open date). Events are in timeline order;
 * the last of each kind on or before the date wins.
 */
export function accountStateOn(history: AccountHistory, date: LocalDate): AccountState {
  if (compareDates(date, history.openDate) < 0)
    throw new RangeError(`the account opens on ${history.openDate}, after ${date}`);
  const { installments } = history;
  const paidOff = lastOf(history.events, ['STATUS_PAID_OFF'], date);
  const writtenOff = lastOf(history.events, ['STATUS_WRITTEN_OFF'], date);
  const changed = lastOf(history.events, ['EXTENDED', 'RESTRUCTURED'], date);
  const overridden = lastOf(history.events, ['CLASSIFICATION_OVERRIDDEN'], date);

  const overdue = installments.filter((i) => compareDates(i.dueDate, date) < 0 && !paidBy(i, date));
  const overdueAmount = sum(
    overdue.map((i) => (i.paidOn === null ? money(i.amountDue).minus(money(i.paidAmount)) : money(i.amountDue))),
  );
  const oldestDue = overdue.reduce<LocalDate | null>(
    (oldest, i) => (oldest === null || compareDates(i.dueDate, oldest) < 0 ? i.dueDate : oldest),
    null,
  );
  const overdueDays = oldestDue === null ? 0 : daysBetween(oldestDue, date);
  const repaidPrincipal = sum(
    installments.map((i) => (paidBy(i, date) || i.paidOn === null ? money(i.paidPrincipal) : ZERO)),
  );
  const payments = history.repayments.filter((r) => onOrBefore(r.receivedOn, date));
  const last = payments.reduce<AccountRepayment | null>(
    (latest, r) => (latest === null || compareDates(r.receivedOn, latest.receivedOn) >= 0 ? r : latest),
    null,
  );
  const lastAmount =
    last === null
      ? null
      : formatCents(sum(payments.filter((r) => r.receivedOn === last.receivedOn).map((r) => money(r.amount))));

  let accountStatus: AccountStatus;
  let statusCode: StatusCode;
  if (writtenOff) {
    accountStatus = 'BAD_DEBT';
    statusCode = 'B';
  } else if (paidOff) {
    accountStatus = 'CLOSED';
    statusCode = 'C';
  } else if (overdueDays > 0) {
    accountStatus = 'OVERDUE';
    statusCode = overdueStatusCode(overdueDays);
  } else {
    accountStatus = 'NORMAL';
    statusCode = installments.some((i) => onOrBefore(i.dueDate, date)) ? 'N' : '*';
  }
  const closed = accountStatus === 'CLOSED';
  const balance = closed ? ZERO : Dec.max(ZERO, money(history.amount).minus(repaidPrincipal));
  const byDays = classifyByDaysPastDue(closed ? 0 : overdueDays);
  const fiveLevelClass: LoanClass = writtenOff
    ? 'LOSS'
    : overridden && isLoanClass(overridden.detail.to)
      ? overridden.detail.to
      : byDays;

  const lastDue = installments.reduce<LocalDate>(
    (latest, i) => (compareDates(i.dueDate, latest) > 0 ? i.dueDate : latest),
    history.openDate,
  );
  const newMaturity = changed?.detail.newMaturityDate;
  const newCount = changed?.detail.installmentCount;

  return {
    reportDate: date,
    balance: formatCents(balance),
    fiveLevelClass,
    statusCode,
    overdueAmount: closed ? '0.00' : formatCents(overdueAmount),
    overdueDays: closed ? 0 : overdueDays,
    overduePeriods: closed ? 0 : overdue.length,
    lastPaymentDate: last?.receivedOn ?? null,
    lastPaymentAmount: lastAmount,
    accountStatus,
    maturityDate: typeof newMaturity === 'string' ? newMaturity : lastDue,
    installmentCount: typeof newCount === 'number' ? newCount : installments.length,
    events: eventsOn(history, date),
  };
}

/** What happened to the account on `date` itself. */
export function eventsOn(history: AccountHistory, date: LocalDate): ReportableEvent[] {
  const events: ReportableEvent[] = [];
  if (history.openDate === date) events.push({ kind: 'OPENED', amount: history.amount });
  for (const i of history.installments) {
    if (i.paidOn === date)
      events.push({
        kind: compareDates(i.paidOn, i.dueDate) <= 0 ? 'INSTALLMENT_PAID_ON_TIME' : 'INSTALLMENT_PAID_LATE',
        installment: i.number,
      });
    if (addDays(i.dueDate, 1) === date && !paidBy(i, i.dueDate))
      events.push({ kind: 'INSTALLMENT_OVERDUE', installment: i.number });
  }
  for (const e of history.events) {
    const kind = TIMELINE_EVENTS[e.kind];
    if (!kind || e.on !== date) continue;
    const amount = e.detail.amount;
    events.push(typeof amount === 'string' ? { kind, amount } : { kind });
  }
  return events;
}

/**
 * Whether the account is reported on `date`: open by then and not ended before it (paid off or
 * written off), or an event of that date (a recovery after write-off, a correction of history).
 */
export function reportableOn(history: AccountHistory, date: LocalDate): boolean {
  if (compareDates(date, history.openDate) < 0) return false;
  const ended = lastOf(history.events, ['STATUS_PAID_OFF', 'STATUS_WRITTEN_OFF'], addDays(date, -1));
  return !ended || eventsOn(history, date).length > 0;
}
