// A disbursed loan's account: the schedule as it is being paid, what is owed as of any date,
// and what each business event (a due date passing, a payment, credit, a write-off) does to it
// and posts to the ledger. Pure and JSON-shaped, so the loan workflow carries it through
// continue-as-new and the same functions serve views and tests.
//
// Rules (the product chooses the numbers):
//   Charges   interest and the per-installment fee become receivable on the due date (earlier if
//             paid early). Penalty interest and the late fee are the money engine's
//             (overdue.ts: grace waives, penalty on unpaid principal from the due date, a late fee
//             once, capped at the product's APR cap) as of the day the account is brought up to
//             date; the ledger gets what has grown since the last posting.
//   Payments  pay installments that are due, oldest first, each by the product's allocation order;
//             then (version 1) the next installment ahead (paying early). What remains is an overpayment:
//             kept as credit for later installments (CARRY_FORWARD), refunded (REFUND), or
//             prepaid principal with the rest of the schedule re-amortized (PREPAY_REDUCE_TERM keeps
//             the installment and shortens the term; PREPAY_REDUCE_INSTALLMENT keeps the term).
//             Version 2 (`prepayment: 'ACTUAL_DAYS'`) never pays an installment before it is due: a
//             prepayment pays the current period's interest accrued to the day, then principal.
//   Payoff    a payment of at least the payoff amount closes the loan: everything due, all unpaid
//             principal, and the interest of the current period accrued to the day (pro rata by
//             days); the rest is refunded.
//   Versions  each account carries the version of the money rules it was offered under
//             (rules-version.ts). The schedule, allocation, overdue charges, payoff accrual,
//             re-amortization and classification come from `rulesFor(version)` (money-rules.ts),
//             never called directly, so a later version changes new loans only. The order of
//             events above is version 1's too: changing it means moving it behind a rule first
//             (docs/operations/money-rules.md).
import { classifyRestructured, latestRestructuring, type RestructuringRecord } from './classification.js';
import { daysPastDue, daysPastDueAfterGrace } from './collections.js';
import { RULE_BOOK, rulesFor, type MoneyRules, type RuleBook } from './money-rules.js';
import { LEGACY_RULES_VERSION } from './rules-version.js';
import { periodInterest, periodRate, type ContractTerms, type ScheduleTerms } from './schedule.js';
import { compareDates, daysBetween } from './dates.js';
import { Dec, ZERO, ZERO_MONEY, money, roundCents, sum, toMoney } from './money.js';
import { rate } from './rates.js';
import {
  creditAppliedEntry,
  installmentFeeEntry,
  interestAccruedEntry,
  interestEntry,
  lateFeeEntry,
  penaltyInterestEntry,
  repaymentEntry,
  writeOffEntry,
  type Allocated,
  type JournalEntry,
  type PaymentChannel,
} from './ledger.js';
import type { InstallmentReceipt, OverdueCharges } from './overdue.js';
import type { OverpaymentHandling } from './products.js';
import type { AllocationComponent, LoanClass, LocalDate, Money, PenaltyTerms } from './types.js';

export interface InstallmentState {
  number: number;
  dueDate: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
  paidPrincipal: Money;
  paidInterest: Money;
  paidFee: Money;
  /** Penalty interest and late fee paid. */
  paidPenalty: Money;
  /** Interest and fee are receivable (posted to the ledger). */
  charged: boolean;
  /** Dated amounts paid against principal, interest and fee: what overdue charges are computed from. */
  receipts: InstallmentReceipt[];
  /** Penalty interest and late fee posted so far (the engine's charges as of the last posting). */
  penaltyCharged: Money;
  lateFee: Money;
  /** Date the installment was fully paid. */
  paidOn: LocalDate | null;
  /**
   * Version 2 prepayment within the period (absent otherwise): the interest accrued to `accrualFrom`
   * and settled there, the day from which the rest of the period accrues on the reduced principal,
   * and how much of the period's interest the ledger received before the due date.
   */
  interestFixed?: Money;
  accrualFrom?: LocalDate;
  interestPosted?: Money;
}

export interface LoanAccount {
  loanId: string;
  /** Version of the money rules the loan runs under; absent on accounts opened before loans carried one (version 1). */
  rulesVersion?: number;
  terms: ContractTerms;
  /** One regular period in years, num / den, for re-amortization at the exact period rate. */
  periodYears: { num: number; den: number };
  /** EQUAL_INSTALLMENT level payment / EQUAL_PRINCIPAL principal per period, kept when reducing the term. */
  installmentAmount: Money | null;
  principalPerPeriod: Money | null;
  penalty: PenaltyTerms;
  /** Annual cap on overdue charges: the product's APR cap (overdue.ts). */
  chargesCap: string;
  allocationOrder: AllocationComponent[];
  overpayment: OverpaymentHandling;
  disbursedOn: LocalDate;
  installments: InstallmentState[];
  /** Overpayments kept for later installments. */
  credit: Money;
  /** Counter for credit-application entry keys. */
  creditApplications: number;
  writtenOffOn: LocalDate | null;
  /**
   * Extensions and restructurings the loan went through (loan-restructuring.ts), oldest first;
   * absent on accounts never restructured, so their classification is by days past due alone.
   */
  restructurings?: RestructuringRecord[];
}

export interface AccountTerms extends Omit<ScheduleTerms, 'startDate' | 'firstDueDate'> {
  penalty: PenaltyTerms;
  chargesCap: string;
  allocationOrder: AllocationComponent[];
  overpayment: OverpaymentHandling;
  /** The money rules version of the loan's offer (rules-version.ts). */
  rulesVersion: number;
}

/** The version an account runs under. */
export function rulesVersionOf(a: LoanAccount): number {
  return a.rulesVersion ?? LEGACY_RULES_VERSION;
}

function rulesOf(a: LoanAccount, book: RuleBook): MoneyRules {
  return rulesFor(rulesVersionOf(a), book);
}

/** Opens the account on the disbursement date: interest runs from the day the money left. */
export function openAccount(
  loanId: string,
  terms: AccountTerms,
  disbursedOn: LocalDate,
  book: RuleBook = RULE_BOOK,
): LoanAccount {
  const { rulesVersion, ...scheduleTerms } = terms;
  const { schedule, grid } = rulesFor(rulesVersion, book).schedule({
    ...scheduleTerms,
    startDate: disbursedOn,
    firstDueDate: null,
  });
  return {
    loanId,
    rulesVersion,
    terms: schedule.terms,
    periodYears: { num: grid.regularRate.num, den: grid.regularRate.den },
    installmentAmount: schedule.installmentAmount,
    principalPerPeriod: schedule.principalPerPeriod,
    penalty: terms.penalty,
    chargesCap: terms.chargesCap,
    allocationOrder: [...terms.allocationOrder],
    overpayment: terms.overpayment,
    disbursedOn,
    installments: schedule.installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      principal: i.principal,
      interest: i.interest,
      fee: i.fee,
      paidPrincipal: ZERO_MONEY,
      paidInterest: ZERO_MONEY,
      paidFee: ZERO_MONEY,
      paidPenalty: ZERO_MONEY,
      charged: false,
      receipts: [],
      penaltyCharged: ZERO_MONEY,
      lateFee: ZERO_MONEY,
      paidOn: null,
    })),
    credit: ZERO_MONEY,
    creditApplications: 0,
    writtenOffOn: null,
  };
}

// ---- reading the account ------------------------------------------------------------------------

export interface Owed {
  penalty: Dec;
  fee: Dec;
  interest: Dec;
  principal: Dec;
}

/** What is still owed on an installment, as charged so far (penalty posted, late fee if charged). */
export function owedOn(i: InstallmentState): Owed {
  return {
    penalty: money(i.penaltyCharged).plus(money(i.lateFee)).minus(money(i.paidPenalty)),
    fee: money(i.fee).minus(money(i.paidFee)),
    interest: money(i.interest).minus(money(i.paidInterest)),
    principal: money(i.principal).minus(money(i.paidPrincipal)),
  };
}

function totalOf(o: Owed): Dec {
  return o.penalty.plus(o.fee).plus(o.interest).plus(o.principal);
}

export function isSettled(i: InstallmentState): boolean {
  return totalOf(owedOn(i)).lte(0);
}

/** The oldest installment not fully paid whose due date is before `today`, or null. */
export function oldestOverdue(a: LoanAccount, today: LocalDate): InstallmentState | null {
  return a.installments.find((i) => !isSettled(i) && compareDates(i.dueDate, today) < 0) ?? null;
}

/**
 * How unpaid installments make a loan overdue. FROM_DUE_DATE: from the day after the due date
 * (servicing runs that began before the grace rule, and version 1's golden numbers).
 * AFTER_GRACE: from the day after the grace days end; within grace the loan is not overdue, and
 * once it is, its days past due count from the due date (collections.ts).
 */
export type OverdueRule = 'FROM_DUE_DATE' | 'AFTER_GRACE';

/** The oldest installment that makes the loan overdue on `today` under `rule`, or null. */
export function overdueInstallment(a: LoanAccount, today: LocalDate, rule: OverdueRule): InstallmentState | null {
  const oldest = oldestOverdue(a, today);
  if (oldest === null || rule === 'FROM_DUE_DATE') return oldest;
  return daysPastDueAfterGrace(oldest.dueDate, today, a.penalty.graceDays) > 0 ? oldest : null;
}

/** The oldest unpaid installment past its due date but still within its grace days, or null. */
export function installmentInGrace(a: LoanAccount, today: LocalDate): InstallmentState | null {
  const oldest = oldestOverdue(a, today);
  return oldest !== null && daysPastDueAfterGrace(oldest.dueDate, today, a.penalty.graceDays) === 0 ? oldest : null;
}

/** The loan's days past due on `today` under `rule`; 0 for a written-off loan (it has left the book). */
export function daysPastDueOn(a: LoanAccount, today: LocalDate, rule: OverdueRule): number {
  if (a.writtenOffOn !== null) return 0;
  const oldest = oldestOverdue(a, today)?.dueDate ?? null;
  return rule === 'FROM_DUE_DATE'
    ? daysPastDue(oldest, today)
    : daysPastDueAfterGrace(oldest, today, a.penalty.graceDays);
}

/** The first installment not fully paid, or null when everything is paid. */
export function firstUnsettled(a: LoanAccount): InstallmentState | null {
  return a.installments.find((i) => !isSettled(i)) ?? null;
}

export function isPaidOff(a: LoanAccount): boolean {
  return a.writtenOffOn === null && a.installments.every(isSettled);
}

/** The engine's penalty interest and late fee on an installment as of a date. */
export function chargesOn(
  a: LoanAccount,
  i: InstallmentState,
  asOf: LocalDate,
  book: RuleBook = RULE_BOOK,
): OverdueCharges {
  return chargesBy(rulesOf(a, book), a, i, asOf);
}

function chargesBy(rules: MoneyRules, a: LoanAccount, i: InstallmentState, asOf: LocalDate): OverdueCharges {
  return rules.overdueCharges(
    { dueDate: i.dueDate, principal: i.principal, interest: i.interest, fee: i.fee, receipts: i.receipts },
    { annualRate: a.terms.annualRate, dayCount: a.terms.dayCount, penalty: a.penalty, chargesCap: a.chargesCap },
    asOf,
  );
}

// ---- events -------------------------------------------------------------------------------------

export interface Posting {
  account: LoanAccount;
  entries: JournalEntry[];
  /** Installments whose row changed, for the schedule projection. */
  changed: number[];
}

function clone(a: LoanAccount): LoanAccount {
  return { ...a, installments: a.installments.map((i) => ({ ...i })), allocationOrder: [...a.allocationOrder] };
}

function charge(a: LoanAccount, i: InstallmentState, on: LocalDate, entries: JournalEntry[]): void {
  if (i.charged) return;
  i.charged = true;
  const interest =
    i.interestPosted === undefined ? i.interest : toMoney(money(i.interest).minus(money(i.interestPosted)));
  if (money(interest).gt(0))
    entries.push(interestEntry({ loanId: a.loanId, installment: i.number, amount: interest, on }));
  if (money(i.fee).gt(0))
    entries.push(installmentFeeEntry({ loanId: a.loanId, installment: i.number, amount: i.fee, on }));
}

/**
 * Brings the account up to `asOf`: interest and fees of installments due by then become receivable,
 * penalty interest accrues and is posted, late fees are charged after the grace days.
 */
export function accrue(account: LoanAccount, asOf: LocalDate, book: RuleBook = RULE_BOOK): Posting {
  return accrueBy(rulesOf(account, book), account, asOf);
}

function accrueBy(rules: MoneyRules, account: LoanAccount, asOf: LocalDate): Posting {
  const a = clone(account);
  const entries: JournalEntry[] = [];
  const changed: number[] = [];
  if (a.writtenOffOn !== null) return { account: a, entries, changed };
  for (const i of a.installments) {
    if (compareDates(i.dueDate, asOf) > 0) break;
    const before = JSON.stringify(i);
    charge(a, i, i.dueDate, entries);
    if (i.paidOn === null) {
      const charges = chargesBy(rules, a, i, asOf);
      const penalty = money(charges.penalty).minus(money(i.penaltyCharged));
      if (penalty.gt(0)) {
        entries.push(
          penaltyInterestEntry({ loanId: a.loanId, installment: i.number, amount: toMoney(penalty), through: asOf }),
        );
        i.penaltyCharged = charges.penalty;
      }
      const lateFee = money(charges.lateFee).minus(money(i.lateFee));
      if (lateFee.gt(0)) {
        entries.push(lateFeeEntry({ loanId: a.loanId, installment: i.number, amount: toMoney(lateFee), on: asOf }));
        i.lateFee = charges.lateFee;
      }
    }
    if (JSON.stringify(i) !== before) changed.push(i.number);
  }
  return { account: a, entries, changed };
}

export interface InstallmentAllocation {
  number: number;
  penalty: Money;
  fee: Money;
  interest: Money;
  principal: Money;
}

/** Pays one installment from `available` in the product's order; returns what it took. */
function payInstallment(
  rules: MoneyRules,
  a: LoanAccount,
  i: InstallmentState,
  available: Dec,
  on: LocalDate,
): { taken: Owed; left: Dec } {
  const owed = owedOn(i);
  const positive = (d: Dec) => Dec.max(d, ZERO);
  const { lines, remaining } = rules.allocate(
    available,
    [
      {
        number: i.number,
        owed: {
          penalty: positive(owed.penalty),
          lateFee: ZERO,
          fee: positive(owed.fee),
          interest: positive(owed.interest),
          principal: positive(owed.principal),
        },
      },
    ],
    a.allocationOrder,
  );
  const paid = lines[0]?.paid;
  const taken: Owed = {
    penalty: paid?.penalty ?? ZERO,
    fee: paid?.fee ?? ZERO,
    interest: paid?.interest ?? ZERO,
    principal: paid?.principal ?? ZERO,
  };
  const left = remaining;
  i.paidPenalty = toMoney(money(i.paidPenalty).plus(taken.penalty));
  i.paidFee = toMoney(money(i.paidFee).plus(taken.fee));
  i.paidInterest = toMoney(money(i.paidInterest).plus(taken.interest));
  i.paidPrincipal = toMoney(money(i.paidPrincipal).plus(taken.principal));
  if (taken.principal.plus(taken.interest).plus(taken.fee).gt(0)) {
    i.receipts = [
      ...i.receipts,
      { date: on, principal: toMoney(taken.principal), interest: toMoney(taken.interest), fee: toMoney(taken.fee) },
    ];
  }
  if (isSettled(i) && i.paidOn === null) i.paidOn = on;
  return { taken, left };
}

function toAllocated(parts: readonly Owed[]): Allocated {
  return {
    penalty: toMoney(sum(parts.map((p) => p.penalty))),
    fee: toMoney(sum(parts.map((p) => p.fee))),
    interest: toMoney(sum(parts.map((p) => p.interest))),
    principal: toMoney(sum(parts.map((p) => p.principal))),
  };
}

/** Pays installments due by `on`, oldest first, then the next one ahead; returns the allocations and what is left. */
function payInOrder(
  rules: MoneyRules,
  a: LoanAccount,
  available: Dec,
  on: LocalDate,
  entries: JournalEntry[],
  includeNext: boolean,
): { rows: InstallmentAllocation[]; taken: Owed[]; left: Dec } {
  const rows: InstallmentAllocation[] = [];
  const taken: Owed[] = [];
  let left = available;
  let aheadPaid = false;
  for (const i of a.installments) {
    if (left.lte(0)) break;
    if (isSettled(i)) continue;
    const due = compareDates(i.dueDate, on) <= 0;
    if (!due) {
      if (!includeNext || aheadPaid) break;
      aheadPaid = true;
      charge(a, i, on, entries);
    }
    const paid = payInstallment(rules, a, i, left, on);
    left = paid.left;
    taken.push(paid.taken);
    rows.push({
      number: i.number,
      penalty: toMoney(paid.taken.penalty),
      fee: toMoney(paid.taken.fee),
      interest: toMoney(paid.taken.interest),
      principal: toMoney(paid.taken.principal),
    });
  }
  return { rows, taken, left };
}

/** What closing the loan on `asOf` costs: everything due, all unpaid principal, the current period's interest to the day, less credit. */
export function payoffAmount(account: LoanAccount, asOf: LocalDate, book: RuleBook = RULE_BOOK): Money {
  return payoffBy(rulesOf(account, book), account, asOf).amount;
}

/**
 * The payoff amount and what it is made of. `penalty` is penalty interest, `lateFees` the late fees
 * still owed: a payment's penalty component settles penalty interest before the late fee. `amount` is
 * principal + interest + fees + penalty + lateFees − credit, never below zero.
 */
export interface PayoffBreakdown {
  amount: Money;
  principal: Money;
  /** Interest due and unpaid, and the current period's interest to the day. */
  interest: Money;
  fees: Money;
  penalty: Money;
  lateFees: Money;
  credit: Money;
}

export function payoffBreakdown(account: LoanAccount, asOf: LocalDate, book: RuleBook = RULE_BOOK): PayoffBreakdown {
  return payoffBy(rulesOf(account, book), account, asOf);
}

function payoffBy(rules: MoneyRules, account: LoanAccount, asOf: LocalDate): PayoffBreakdown {
  const { account: a } = accrueBy(rules, account, asOf);
  const byDays = rules.prepayment === 'ACTUAL_DAYS';
  let principal = ZERO;
  let interest = ZERO;
  let fees = ZERO;
  let penalty = ZERO;
  let lateFees = ZERO;
  for (const i of a.installments) {
    const o = owedOn(i);
    principal = principal.plus(o.principal);
    if (compareDates(i.dueDate, asOf) <= 0 || i.charged) {
      interest = interest.plus(o.interest);
      fees = fees.plus(o.fee);
      const lateFeeOwed = Dec.min(money(i.lateFee), Dec.max(o.penalty, ZERO));
      lateFees = lateFees.plus(lateFeeOwed);
      penalty = penalty.plus(o.penalty.minus(lateFeeOwed));
    } else {
      interest = interest.plus(currentInterest(rules, a, i, asOf));
      if (byDays && periodBegun(a, i, asOf)) fees = fees.plus(o.fee);
    }
  }
  const total = principal.plus(interest).plus(fees).plus(penalty).plus(lateFees);
  return {
    amount: toMoney(Dec.max(total.minus(money(a.credit)), ZERO)),
    principal: toMoney(principal),
    interest: toMoney(interest),
    fees: toMoney(fees),
    penalty: toMoney(penalty),
    lateFees: toMoney(lateFees),
    credit: a.credit,
  };
}

/** Interest accrued on an installment's period through `asOf` (the engine's pro-rata rule, prepayment.ts); zero for periods not yet begun. */
function currentInterest(rules: MoneyRules, a: LoanAccount, i: InstallmentState, asOf: LocalDate): Dec {
  const start = periodStart(a, i);
  if (daysBetween(start, asOf) <= 0) return ZERO;
  if (rules.prepayment === 'ACTUAL_DAYS')
    return Dec.max(periodAccrued(rules, a, i, asOf).minus(money(i.paidInterest)), ZERO);
  const unpaid = toMoney(money(i.interest).minus(money(i.paidInterest)));
  return rules.accruedInterest(
    { dueDate: i.dueDate, interest: unpaid, interestFixed: ZERO_MONEY, accrualFrom: start },
    asOf,
  );
}

function periodStart(a: LoanAccount, i: InstallmentState): LocalDate {
  const index = a.installments.indexOf(i);
  return index === 0 ? a.disbursedOn : a.installments[index - 1]!.dueDate;
}

/** At least one day of the installment's period has passed by `asOf`. */
function periodBegun(a: LoanAccount, i: InstallmentState, asOf: LocalDate): boolean {
  return daysBetween(periodStart(a, i), asOf) > 0;
}

/**
 * Interest of an installment's period earned for the days before `asOf`, by the account's rules
 * (the part fixed by a prepayment, and the rest pro rata by days): what daily accrual books
 * (interest-accrual.ts) and what a payoff on `asOf` charges for the period. Zero before the period begins.
 */
export function periodInterestAccrued(
  account: LoanAccount,
  i: InstallmentState,
  asOf: LocalDate,
  book: RuleBook = RULE_BOOK,
): Money {
  return toMoney(periodAccrued(rulesOf(account, book), account, i, asOf));
}

/** Version 2: all the period's interest accrued by `asOf`, paid or not: the part fixed by a prepayment and the rest pro rata by days. */
function periodAccrued(rules: MoneyRules, a: LoanAccount, i: InstallmentState, asOf: LocalDate): Dec {
  return rules.accruedInterest(
    {
      dueDate: i.dueDate,
      interest: i.interest,
      interestFixed: i.interestFixed ?? ZERO_MONEY,
      accrualFrom: i.accrualFrom ?? periodStart(a, i),
    },
    asOf,
  );
}

export interface PaymentInput {
  paymentId: string;
  channel: PaymentChannel;
  amount: Money;
  receivedOn: LocalDate;
  externalRef: string | null;
}

/** How a prepayment re-amortized the schedule: the same installment over fewer periods, or a lower one. */
export const REAMORTIZATIONS = ['REDUCE_TERM', 'REDUCE_INSTALLMENT'] as const;
export type Reamortization = (typeof REAMORTIZATIONS)[number];

export interface PaymentAllocation {
  penalty: Money;
  fee: Money;
  interest: Money;
  principal: Money;
  /** Kept as credit for later installments (CARRY_FORWARD). */
  toCredit: Money;
  /** Owed back to the borrower (REFUND, or what a payoff leaves over). */
  toRefund: Money;
  /** Principal paid ahead of the schedule (prepayment or payoff). */
  prepaidPrincipal: Money;
  installments: InstallmentAllocation[];
  reamortized: Reamortization | null;
  paidOff: boolean;
}

export interface PaymentPosting extends Posting {
  allocation: PaymentAllocation;
}

/** A payment arrives: charges are brought up to date, then the money is allocated (see the header). */
export function applyPayment(account: LoanAccount, payment: PaymentInput, book: RuleBook = RULE_BOOK): PaymentPosting {
  const rules = rulesOf(account, book);
  const on = payment.receivedOn;
  const accrued = accrueBy(rules, account, on);
  const a = accrued.account;
  const entries = [...accrued.entries];
  const changedSet = new Set(accrued.changed);
  const amount = money(payment.amount);
  let toCredit = ZERO;
  let toRefund = ZERO;
  let prepaid = ZERO;
  let reamortized: PaymentAllocation['reamortized'] = null;
  const rows: InstallmentAllocation[] = [];
  const taken: Owed[] = [];

  let paidFromPayment: Allocated | null = null;
  if (amount.gte(money(payoffBy(rules, a, on).amount)) && a.writtenOffOn === null) {
    const credit = money(a.credit);
    const left = closeLoan(rules, a, on, amount.plus(credit), entries, rows, taken);
    const gross = amount.plus(credit).minus(left);
    const usedCredit = Dec.min(credit, gross);
    const fromCredit = creditSlice(taken, usedCredit);
    if (usedCredit.gt(0))
      entries.push(
        creditAppliedEntry({ loanId: a.loanId, sequence: ++a.creditApplications, on, allocated: fromCredit }),
      );
    if (credit.gt(usedCredit)) entries.push(creditToRefund(a, credit.minus(usedCredit), on));
    paidFromPayment = minus(toAllocated(taken), fromCredit);
    prepaid = sum(
      rows
        .filter((r) => compareDates(a.installments.find((i) => i.number === r.number)?.dueDate ?? on, on) > 0)
        .map((r) => money(r.principal)),
    );
    toRefund = amount.minus(gross.minus(usedCredit));
    a.credit = ZERO_MONEY;
  } else {
    const byDays = rules.prepayment === 'ACTUAL_DAYS';
    const paid = payInOrder(rules, a, amount, on, entries, !byDays);
    rows.push(...paid.rows);
    taken.push(...paid.taken);
    const left = paid.left;
    if (left.gt(0)) {
      if (a.overpayment === 'CARRY_FORWARD') {
        toCredit = left;
        a.credit = toMoney(money(a.credit).plus(left));
      } else if (a.overpayment === 'REFUND') {
        toRefund = left;
      } else if (byDays) {
        const result = prepayByDays(
          rules,
          a,
          left,
          a.overpayment === 'PREPAY_REDUCE_TERM' ? 'REDUCE_TERM' : 'REDUCE_INSTALLMENT',
          on,
          payment.paymentId,
          entries,
        );
        prepaid = result.prepaid;
        taken.push({ penalty: ZERO, fee: ZERO, interest: result.interest, principal: result.prepaid });
        rows.push(...result.rows);
        toRefund = result.left;
        reamortized = result.reamortized;
        for (const n of result.changed) changedSet.add(n);
      } else {
        const result = prepayPrincipal(
          rules,
          a,
          left,
          a.overpayment === 'PREPAY_REDUCE_TERM' ? 'REDUCE_TERM' : 'REDUCE_INSTALLMENT',
          on,
        );
        prepaid = result.prepaid;
        taken.push({ penalty: ZERO, fee: ZERO, interest: ZERO, principal: result.prepaid });
        rows.push(...result.rows);
        toRefund = result.left;
        reamortized = result.reamortized;
        for (const n of result.changed) changedSet.add(n);
      }
    }
  }
  for (const r of rows) changedSet.add(r.number);
  const allocated = paidFromPayment ?? toAllocated(taken);
  entries.push(
    repaymentEntry({
      loanId: a.loanId,
      paymentId: payment.paymentId,
      channel: payment.channel,
      amount: payment.amount,
      receivedOn: on,
      allocated,
      toCredit: toMoney(toCredit),
      toRefund: toMoney(toRefund),
      externalRef: payment.externalRef,
    }),
  );
  return {
    account: a,
    entries,
    changed: [...changedSet].sort((x, y) => x - y),
    allocation: {
      ...allocated,
      toCredit: toMoney(toCredit),
      toRefund: toMoney(toRefund),
      prepaidPrincipal: toMoney(prepaid),
      installments: mergeRows(rows),
      reamortized,
      paidOff: isPaidOff(a),
    },
  };
}

function mergeRows(rows: readonly InstallmentAllocation[]): InstallmentAllocation[] {
  const byNumber = new Map<number, InstallmentAllocation>();
  for (const r of rows) {
    const prev = byNumber.get(r.number);
    byNumber.set(
      r.number,
      prev
        ? {
            number: r.number,
            penalty: toMoney(money(prev.penalty).plus(money(r.penalty))),
            fee: toMoney(money(prev.fee).plus(money(r.fee))),
            interest: toMoney(money(prev.interest).plus(money(r.interest))),
            principal: toMoney(money(prev.principal).plus(money(r.principal))),
          }
        : r,
    );
  }
  return [...byNumber.values()].sort((x, y) => x.number - y.number);
}

/** The first `amount` of what was taken, component by component, as paid from credit. */
function creditSlice(taken: readonly Owed[], amount: Dec): Allocated {
  let left = amount;
  const part = (key: keyof Owed) => {
    const v = Dec.min(left, sum(taken.map((t) => t[key])));
    left = left.minus(v);
    return toMoney(v);
  };
  return { penalty: part('penalty'), fee: part('fee'), interest: part('interest'), principal: part('principal') };
}

function minus(a: Allocated, b: Allocated): Allocated {
  return {
    penalty: toMoney(money(a.penalty).minus(money(b.penalty))),
    fee: toMoney(money(a.fee).minus(money(b.fee))),
    interest: toMoney(money(a.interest).minus(money(b.interest))),
    principal: toMoney(money(a.principal).minus(money(b.principal))),
  };
}

function creditToRefund(a: LoanAccount, amount: Dec, on: LocalDate): JournalEntry {
  // Credit held for a loan that is closing becomes a refund: a liability moves between accounts.
  return {
    businessKey: `loan:${a.loanId}:credit-refund:${on}`,
    loanId: a.loanId,
    kind: 'CREDIT_APPLIED',
    effectiveOn: on,
    externalRef: null,
    reversesKey: null,
    memo: `borrower credit of ${toMoney(amount)} to refund at payoff`,
    lines: [
      { account: 'BORROWER_CREDIT', debit: toMoney(amount), credit: ZERO_MONEY },
      { account: 'REFUND_PAYABLE', debit: ZERO_MONEY, credit: toMoney(amount) },
    ],
  };
}

/**
 * Pays everything: due installments in full, the current period with interest to the day, later
 * principal without interest. The schedule ends with the current period. Returns what is left.
 */
function closeLoan(
  rules: MoneyRules,
  a: LoanAccount,
  on: LocalDate,
  available: Dec,
  entries: JournalEntry[],
  rows: InstallmentAllocation[],
  taken: Owed[],
): Dec {
  let left = available;
  const current = a.installments.find((i) => !isSettled(i) && compareDates(i.dueDate, on) > 0 && !i.charged);
  if (current) {
    const index = a.installments.indexOf(current);
    const later = a.installments.slice(index + 1).filter((i) => !isSettled(i));
    const laterPrincipal = sum(later.map((i) => owedOn(i).principal));
    current.interest = toMoney(money(current.paidInterest).plus(currentInterest(rules, a, current, on)));
    current.principal = toMoney(money(current.principal).plus(laterPrincipal));
    if (rules.prepayment === 'ACTUAL_DAYS' && !periodBegun(a, current, on)) current.fee = current.paidFee;
    a.installments = a.installments.slice(0, index + 1);
  }
  for (const i of a.installments) {
    if (isSettled(i)) continue;
    charge(a, i, on, entries);
    const paid = payInstallment(rules, a, i, left, on);
    left = paid.left;
    taken.push(paid.taken);
    rows.push({
      number: i.number,
      penalty: toMoney(paid.taken.penalty),
      fee: toMoney(paid.taken.fee),
      interest: toMoney(paid.taken.interest),
      principal: toMoney(paid.taken.principal),
    });
  }
  return left;
}

/**
 * Principal paid ahead: it lowers the balance after the next unpaid installment, and the
 * installments after it are re-amortized with the engine's rules.
 */
function prepayPrincipal(
  rules: MoneyRules,
  a: LoanAccount,
  available: Dec,
  mode: 'REDUCE_TERM' | 'REDUCE_INSTALLMENT',
  on: LocalDate,
): {
  prepaid: Dec;
  left: Dec;
  rows: InstallmentAllocation[];
  changed: number[];
  reamortized: PaymentAllocation['reamortized'];
} {
  const firstOpen = a.installments.findIndex((i) => !isSettled(i));
  if (firstOpen < 0) return { prepaid: ZERO, left: available, rows: [], changed: [], reamortized: null };
  const later = a.installments.slice(firstOpen);
  const balance = sum(later.map((i) => owedOn(i).principal));
  const prepaid = Dec.min(available, balance);
  const remaining = balance.minus(prepaid);
  const rows: InstallmentAllocation[] = [];
  if (remaining.isZero()) {
    // Prepaying all principal: nothing is left to bear interest.
    for (const i of later) {
      i.interest = i.paidInterest;
      i.fee = i.paidFee;
      i.paidPrincipal = i.principal;
      i.paidOn = on;
    }
    rows.push({
      number: later[0]!.number,
      penalty: ZERO_MONEY,
      fee: ZERO_MONEY,
      interest: ZERO_MONEY,
      principal: toMoney(prepaid),
    });
    return { prepaid, left: available.minus(prepaid), rows, changed: later.map((i) => i.number), reamortized: mode };
  }
  const regular = periodRate(rate(a.terms.annualRate), a.periodYears.num, a.periodYears.den);
  const keepLevel = mode === 'REDUCE_TERM';
  const plan = rules.amortize({
    method: a.terms.method,
    balance: remaining,
    count: later.length,
    rate: regular,
    firstInterest: periodInterest(remaining, regular),
    installmentAmount: keepLevel && a.installmentAmount ? money(a.installmentAmount) : null,
    principalPerPeriod: keepLevel && a.principalPerPeriod ? money(a.principalPerPeriod) : null,
  });
  const fee = later[0]!.fee;
  const rebuilt: InstallmentState[] = plan.rows.map((row, k) => ({
    ...later[k]!,
    principal: toMoney(row.principal),
    interest: toMoney(row.interest),
    fee,
    paidPrincipal: ZERO_MONEY,
    paidInterest: ZERO_MONEY,
    paidFee: ZERO_MONEY,
    receipts: [],
    charged: false,
  }));
  // The prepaid principal is shown against the first re-amortized installment.
  const first = rebuilt[0]!;
  first.principal = toMoney(money(first.principal).plus(prepaid));
  first.paidPrincipal = toMoney(prepaid);
  first.receipts = [{ date: on, principal: toMoney(prepaid), interest: ZERO_MONEY, fee: ZERO_MONEY }];
  if (!keepLevel && a.installmentAmount)
    a.installmentAmount = plan.installmentAmount ? toMoney(plan.installmentAmount) : a.installmentAmount;
  if (!keepLevel && a.principalPerPeriod)
    a.principalPerPeriod = plan.principalPerPeriod ? toMoney(plan.principalPerPeriod) : a.principalPerPeriod;
  const dropped = later.slice(rebuilt.length).map((i) => i.number);
  a.installments = [...a.installments.slice(0, firstOpen), ...rebuilt];
  rows.push({
    number: first.number,
    penalty: ZERO_MONEY,
    fee: ZERO_MONEY,
    interest: ZERO_MONEY,
    principal: toMoney(prepaid),
  });
  return {
    prepaid,
    left: available.minus(prepaid),
    rows,
    changed: [...rebuilt.map((i) => i.number), ...dropped],
    reamortized: mode,
  };
}

type PeriodSettlement = Pick<
  InstallmentState,
  'paidPrincipal' | 'paidInterest' | 'paidFee' | 'paidPenalty' | 'receipts' | 'interestFixed' | 'accrualFrom'
>;

/**
 * Version 2: the installments from `firstOpen` on, re-amortized over the principal left after a
 * prepayment; the first keeps what was paid on it in its period. Returns the rows that changed.
 */
function reamortizeByDays(
  rules: MoneyRules,
  a: LoanAccount,
  firstOpen: number,
  settled: PeriodSettlement,
  p: { remaining: Dec; firstInterest: Dec; paidBefore: Dec; mode: 'REDUCE_TERM' | 'REDUCE_INSTALLMENT' },
): number[] {
  const later = a.installments.slice(firstOpen);
  const current = later[0]!;
  const keepLevel = p.mode === 'REDUCE_TERM';
  const plan = rules.amortize({
    method: a.terms.method,
    balance: p.remaining,
    count: later.length,
    rate: periodRate(rate(a.terms.annualRate), a.periodYears.num, a.periodYears.den),
    firstInterest: p.firstInterest,
    installmentAmount: keepLevel && a.installmentAmount ? money(a.installmentAmount) : null,
    principalPerPeriod: keepLevel && a.principalPerPeriod ? money(a.principalPerPeriod) : null,
  });
  const rebuilt: InstallmentState[] = plan.rows.map((r, k) => ({
    number: later[k]!.number,
    dueDate: later[k]!.dueDate,
    principal: toMoney(r.principal),
    interest: toMoney(r.interest),
    fee: later[k]!.fee,
    paidPrincipal: ZERO_MONEY,
    paidInterest: ZERO_MONEY,
    paidFee: ZERO_MONEY,
    paidPenalty: ZERO_MONEY,
    charged: false,
    receipts: [],
    penaltyCharged: ZERO_MONEY,
    lateFee: ZERO_MONEY,
    paidOn: null,
  }));
  // The principal prepaid in this period is shown against its installment, as paid.
  const first = rebuilt[0]!;
  Object.assign(first, settled, {
    principal: toMoney(money(first.principal).plus(p.paidBefore)),
    ...(current.interestPosted === undefined ? {} : { interestPosted: current.interestPosted }),
  });
  if (!keepLevel && a.installmentAmount)
    a.installmentAmount = plan.installmentAmount ? toMoney(plan.installmentAmount) : a.installmentAmount;
  if (!keepLevel && a.principalPerPeriod)
    a.principalPerPeriod = plan.principalPerPeriod ? toMoney(plan.principalPerPeriod) : a.principalPerPeriod;
  const dropped = later.slice(rebuilt.length).map((i) => i.number);
  a.installments = [...a.installments.slice(0, firstOpen), ...rebuilt];
  return [...rebuilt.map((i) => i.number), ...dropped];
}

/**
 * Version 2 prepayment, with everything due already paid: the current period's interest accrued to
 * the day first, then principal. The current period keeps its due date: its interest becomes what
 * accrued to the day plus the rest of the period, pro rata by days, on the reduced principal; the
 * installments from it on are re-amortized by the product's option. No future interest is taken.
 */
function prepayByDays(
  rules: MoneyRules,
  a: LoanAccount,
  available: Dec,
  mode: 'REDUCE_TERM' | 'REDUCE_INSTALLMENT',
  on: LocalDate,
  paymentId: string,
  entries: JournalEntry[],
): {
  prepaid: Dec;
  interest: Dec;
  left: Dec;
  rows: InstallmentAllocation[];
  changed: number[];
  reamortized: PaymentAllocation['reamortized'];
} {
  const firstOpen = a.installments.findIndex((i) => !isSettled(i));
  const none = { prepaid: ZERO, interest: ZERO, left: available, rows: [], changed: [], reamortized: null };
  if (firstOpen < 0) return none;
  const current = a.installments[firstOpen]!;
  if (compareDates(current.dueDate, on) <= 0 || current.charged) return none;
  const later = a.installments.slice(firstOpen);
  const accrued = periodAccrued(rules, a, current, on);
  const interest = Dec.min(available, Dec.max(accrued.minus(money(current.paidInterest)), ZERO));
  const balance = sum(later.map((i) => owedOn(i).principal));
  const prepaid = Dec.min(available.minus(interest), balance);
  const left = available.minus(interest).minus(prepaid);
  if (interest.gt(0)) {
    entries.push(
      interestAccruedEntry({ loanId: a.loanId, installment: current.number, paymentId, amount: toMoney(interest), on }),
    );
    current.interestPosted = toMoney(money(current.interestPosted ?? ZERO_MONEY).plus(interest));
    current.paidInterest = toMoney(money(current.paidInterest).plus(interest));
  }
  const row: InstallmentAllocation = {
    number: current.number,
    penalty: ZERO_MONEY,
    fee: ZERO_MONEY,
    interest: toMoney(interest),
    principal: toMoney(prepaid),
  };
  if (prepaid.isZero()) {
    if (interest.gt(0))
      current.receipts = [
        ...current.receipts,
        { date: on, principal: ZERO_MONEY, interest: toMoney(interest), fee: ZERO_MONEY },
      ];
    const touched = interest.gt(0) ? [current.number] : [];
    return { prepaid, interest, left, rows: interest.gt(0) ? [row] : [], changed: touched, reamortized: null };
  }
  const remaining = balance.minus(prepaid);
  const start = periodStart(a, current);
  const regular = periodRate(rate(a.terms.annualRate), a.periodYears.num, a.periodYears.den);
  const span = daysBetween(start, current.dueDate);
  const restInterest =
    remaining.isZero() || span <= 0
      ? ZERO
      : roundCents(periodInterest(remaining, regular).times(daysBetween(on, current.dueDate)).div(span));
  const paidBefore = money(current.paidPrincipal);
  const settled: PeriodSettlement = {
    paidPrincipal: toMoney(paidBefore.plus(prepaid)),
    paidInterest: current.paidInterest,
    paidFee: current.paidFee,
    paidPenalty: current.paidPenalty,
    receipts: [
      ...current.receipts,
      { date: on, principal: toMoney(prepaid), interest: toMoney(interest), fee: ZERO_MONEY },
    ],
    interestFixed: toMoney(accrued),
    accrualFrom: on,
  };
  if (remaining.isZero()) {
    // All principal repaid: the period ends with the interest accrued to the day and its fee if it has begun.
    Object.assign(current, settled, {
      principal: settled.paidPrincipal,
      interest: toMoney(accrued),
      fee: periodBegun(a, current, on) ? current.fee : current.paidFee,
    });
    if (isSettled(current)) current.paidOn = on;
    a.installments = a.installments.slice(0, firstOpen + 1);
    return { prepaid, interest, left, rows: [row], changed: later.map((i) => i.number), reamortized: mode };
  }
  const changed = reamortizeByDays(rules, a, firstOpen, settled, {
    remaining,
    firstInterest: accrued.plus(restInterest),
    paidBefore: paidBefore.plus(prepaid),
    mode,
  });
  return { prepaid, interest, left, rows: [row], changed, reamortized: mode };
}

/** On a due date (or any later touch): credit kept from overpayments pays what has fallen due. */
export function applyCredit(account: LoanAccount, on: LocalDate, book: RuleBook = RULE_BOOK): Posting {
  const rules = rulesOf(account, book);
  const accrued = accrueBy(rules, account, on);
  const a = accrued.account;
  const entries = [...accrued.entries];
  const credit = money(a.credit);
  if (credit.lte(0)) return accrued;
  const paid = payInOrder(rules, a, credit, on, entries, false);
  const used = credit.minus(paid.left);
  if (used.lte(0)) return accrued;
  a.credit = toMoney(paid.left);
  a.creditApplications += 1;
  entries.push(
    creditAppliedEntry({ loanId: a.loanId, sequence: a.creditApplications, on, allocated: toAllocated(paid.taken) }),
  );
  return {
    account: a,
    entries,
    changed: [...new Set([...accrued.changed, ...paid.rows.map((r) => r.number)])].sort((x, y) => x - y),
  };
}

/** The approved write-off: charges brought up to the day, credit used, everything still open taken to losses. */
export function writeOff(account: LoanAccount, on: LocalDate, book: RuleBook = RULE_BOOK): Posting {
  const withCredit = applyCredit(account, on, book);
  const a = withCredit.account;
  const open = a.installments.reduce<Owed>(
    (acc, i) => {
      const o = owedOn(i);
      return {
        penalty: acc.penalty.plus(o.penalty),
        fee: acc.fee.plus(i.charged ? o.fee : ZERO),
        interest: acc.interest.plus(i.charged ? o.interest : ZERO),
        principal: acc.principal.plus(o.principal),
      };
    },
    { penalty: ZERO, fee: ZERO, interest: ZERO, principal: ZERO },
  );
  a.writtenOffOn = on;
  const entries = [...withCredit.entries, writeOffEntry({ loanId: a.loanId, on, open: toAllocated([open]) })];
  return { account: a, entries, changed: withCredit.changed };
}

// ---- views ----------------------------------------------------------------------------------------

export interface Balances {
  /** Principal not yet repaid. */
  principal: Money;
  /** Interest charged (due) and unpaid. */
  interest: Money;
  /** Installment fees charged and unpaid. */
  fees: Money;
  /** Penalty interest and late fees owed as of the day, including accrual not yet posted. */
  penalty: Money;
  /** Overpayments kept for later installments. */
  credit: Money;
  /** Everything due by the day, less credit. */
  totalDue: Money;
}

export function balancesOn(account: LoanAccount, asOf: LocalDate, book: RuleBook = RULE_BOOK): Balances {
  const { account: a } = accrue(account, asOf, book);
  let principal = ZERO;
  let interest = ZERO;
  let fees = ZERO;
  let penalty = ZERO;
  let due = ZERO;
  for (const i of a.installments) {
    const o = owedOn(i);
    principal = principal.plus(o.principal);
    if (i.charged) {
      interest = interest.plus(o.interest);
      fees = fees.plus(o.fee);
    }
    penalty = penalty.plus(o.penalty);
    if (compareDates(i.dueDate, asOf) <= 0) due = due.plus(totalOf(o));
  }
  if (a.writtenOffOn !== null)
    return {
      principal: ZERO_MONEY,
      interest: ZERO_MONEY,
      fees: ZERO_MONEY,
      penalty: ZERO_MONEY,
      credit: a.credit,
      totalDue: ZERO_MONEY,
    };
  return {
    principal: toMoney(principal),
    interest: toMoney(interest),
    fees: toMoney(fees),
    penalty: toMoney(penalty),
    credit: a.credit,
    totalDue: toMoney(Dec.max(due.minus(money(a.credit)), ZERO)),
  };
}

/** What an installment still needs, as of the day (charges brought up to date). */
export function amountOwed(account: LoanAccount, number: number, asOf: LocalDate, book: RuleBook = RULE_BOOK): Money {
  const { account: a } = accrue(account, asOf, book);
  const i = a.installments.find((x) => x.number === number);
  return i ? toMoney(Dec.max(totalOf(owedOn(i)), ZERO)) : ZERO_MONEY;
}

/** Everything due by `asOf`, less credit: what an auto-debit asks for. */
export function dueNow(account: LoanAccount, asOf: LocalDate, book: RuleBook = RULE_BOOK): Money {
  return balancesOn(account, asOf, book).totalDue;
}

/** The loan's five-category class as of the day, by its rules version; a written-off loan is LOSS. */
export function classificationOn(account: LoanAccount, asOf: LocalDate, book: RuleBook = RULE_BOOK): LoanClass {
  return classificationUnder(account, asOf, 'FROM_DUE_DATE', book);
}

/**
 * The class by the version's `classify` of the days past due `rule` counts: under AFTER_GRACE a loan
 * within grace stays NORMAL, and after grace is classed by its days since the due date.
 */
export function classificationUnder(
  account: LoanAccount,
  asOf: LocalDate,
  rule: OverdueRule,
  book: RuleBook = RULE_BOOK,
): LoanClass {
  if (account.writtenOffOn !== null) return 'LOSS';
  const byDaysPastDue = rulesOf(account, book).classify(daysPastDueOn(account, asOf, rule));
  const mark = latestRestructuring(account.restructurings);
  return mark ? classifyRestructured(byDaysPastDue, mark, account.installments, asOf) : byDaysPastDue;
}

export function outstandingPrincipal(a: LoanAccount): Money {
  if (a.writtenOffOn !== null) return ZERO_MONEY;
  return toMoney(sum(a.installments.map((i) => owedOn(i).principal)));
}

export type InstallmentStatus = 'UPCOMING' | 'DUE' | 'PAID' | 'PARTIAL' | 'GRACE' | 'OVERDUE';

/** An installment's status on `today`: unpaid after its due date it is GRACE for `graceDays` days, then OVERDUE. */
export function installmentStatus(
  i: Pick<
    InstallmentState,
    'dueDate' | 'principal' | 'interest' | 'fee' | 'paidPrincipal' | 'paidInterest' | 'paidFee' | 'paidOn'
  >,
  today: LocalDate,
  graceDays = 0,
): InstallmentStatus {
  if (i.paidOn !== null) return 'PAID';
  const cmp = compareDates(i.dueDate, today);
  if (cmp < 0) return daysPastDueAfterGrace(i.dueDate, today, graceDays) > 0 ? 'OVERDUE' : 'GRACE';
  if (cmp === 0) return 'DUE';
  const paid = money(i.paidPrincipal).plus(money(i.paidInterest)).plus(money(i.paidFee));
  return paid.gt(0) ? 'PARTIAL' : 'UPCOMING';
}
