// Overdue charges on one installment, as of any date, from its amounts and the dated payments
// against it — no daily batch: the same inputs give the same charges whenever they are asked.
//
// PENALTY INTEREST 罚息: on the installment's unpaid principal only (no compounding on unpaid
//   interest), at contract rate × (1 + penaltyMarkup) a year, daily on the product day count's
//   year basis (365 for ACT/365, 360 for ACT/360 and 30/360), counting actual days. A day
//   accrues on the principal still unpaid at the end of the previous day: paid on the due date
//   → 0 days, paid two days after → 2 days. Exact accrual, rounded half-up to the cent once, as
//   of the date asked.
// GRACE: if the installment's principal, interest and fee are all paid by due date + graceDays,
//   there is no penalty and no late fee at all. Otherwise, once grace has passed, penalty runs
//   from the due date as if there had been no grace (grace waives, it does not postpone).
//   During grace nothing is charged yet.
// LATE FEE 滞纳金: once per installment, the day after grace ends: FLAT (a money amount) or
//   PERCENT_OF_OVERDUE_INSTALLMENT (rate × principal + interest + fee still unpaid at the end of
//   grace, rounded half-up).
// CAP: the charges on an installment never exceed what the cap rate (the product's APR cap,
//   default 24%) would earn on the overdue amount: Σ over overdue days of unpaid
//   (principal + interest + fee) × cap / 365. The late fee takes the room first, penalty
//   interest the rest; both only grow as days pass, so anything once paid stays owed.
import { addDays, daysBetween } from './dates.js';
import { yearBasis } from './day-count.js';
import type { Dec } from './money.js';
import { ONE, ZERO, minDec, money, roundCents, shortfall, toMoney, truncateCents } from './money.js';
import { rate } from './rates.js';
import type { DayCount, LocalDate, Money, PenaltyTerms, Rate } from './types.js';

/** The cap year: charges are capped per calendar year of 365 days whatever the day count. */
const CAP_YEAR_DAYS = 365;

/** Money paid against an installment's contractual amounts on a date. */
export interface InstallmentReceipt {
  date: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
}

export interface OverdueInstallment {
  dueDate: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
  receipts: readonly InstallmentReceipt[];
}

export interface ChargeTerms {
  annualRate: Rate;
  dayCount: DayCount;
  penalty: PenaltyTerms;
  /** Annual cap on the cost of lateness (normally the product's APR cap). */
  chargesCap: Rate;
}

export interface OverdueCharges {
  /** Calendar days after the due date (0 on or before it), whether or not anything is unpaid. */
  daysLate: number;
  /** Still within grace: nothing charged yet. */
  inGrace: boolean;
  /** Paid in full within grace: nothing is ever charged. */
  waived: boolean;
  /** Chargeable as of the date, after the cap. */
  penalty: Money;
  lateFee: Money;
  /** Before the cap, for display and audit. */
  uncappedPenalty: Money;
  uncappedLateFee: Money;
  cap: Money;
}

const NONE: Omit<OverdueCharges, 'daysLate' | 'inGrace' | 'waived'> = {
  penalty: '0.00',
  lateFee: '0.00',
  uncappedPenalty: '0.00',
  uncappedLateFee: '0.00',
  cap: '0.00',
};

export function penaltyAnnualRate(annualRate: Rate, markup: Rate): Dec {
  return rate(annualRate).times(ONE.plus(rate(markup)));
}

/**
 * Σ over days (dueDate, asOf] of the amount unpaid at the end of the day before, from the
 * amount due and dated payments: amount × D − Σ paid × (asOf − max(paidOn, dueDate)).
 */
function overdueAmountDays(
  amountDue: Dec,
  payments: readonly { date: LocalDate; amount: Dec }[],
  dueDate: LocalDate,
  asOf: LocalDate,
): Dec {
  const days = daysBetween(dueDate, asOf);
  let total = amountDue.times(days);
  for (const p of payments) {
    const credited = Math.min(days, daysBetween(p.date, asOf));
    total = total.minus(p.amount.times(credited));
  }
  return total.isNeg() ? ZERO : total;
}

/** What a receipt paid into the installment: principal, interest and fee. */
function paidOf(r: InstallmentReceipt): Dec {
  return money(r.principal).plus(money(r.interest)).plus(money(r.fee));
}

/**
 * Where an installment stands against its grace days as of `asOf`: nothing chargeable (not late,
 * still within grace, or paid in full by the end of grace), or what was unpaid when grace ended.
 * Both versions' charges start from it.
 */
function graceStanding(
  inst: OverdueInstallment,
  graceDays: number,
  asOf: LocalDate,
):
  | { chargeable: false; none: OverdueCharges }
  | {
      chargeable: true;
      daysLate: number;
      inGrace: false;
      waived: false;
      receipts: InstallmentReceipt[];
      owed: Dec;
      unpaidAtGraceEnd: Dec;
    } {
  const daysLate = Math.max(0, daysBetween(inst.dueDate, asOf));
  if (daysLate === 0) return { chargeable: false, none: { daysLate, inGrace: false, waived: false, ...NONE } };
  const graceEnd = addDays(inst.dueDate, graceDays);
  const inGrace = daysBetween(graceEnd, asOf) <= 0;
  const receipts = inst.receipts.filter((r) => daysBetween(r.date, asOf) >= 0);
  const owed = money(inst.principal).plus(money(inst.interest)).plus(money(inst.fee));
  let paidByGraceEnd = ZERO;
  for (const r of receipts) if (daysBetween(r.date, graceEnd) >= 0) paidByGraceEnd = paidByGraceEnd.plus(paidOf(r));
  const unpaidAtGraceEnd = shortfall(owed, paidByGraceEnd);
  const waived = !inGrace && unpaidAtGraceEnd.isZero();
  if (inGrace || waived) return { chargeable: false, none: { daysLate, inGrace, waived, ...NONE } };
  return { chargeable: true, daysLate, inGrace: false, waived: false, receipts, owed, unpaidAtGraceEnd };
}

/** Penalty interest and late fee chargeable on the installment as of `asOf`. */
export function overdueCharges(inst: OverdueInstallment, terms: ChargeTerms, asOf: LocalDate): OverdueCharges {
  const standing = graceStanding(inst, terms.penalty.graceDays, asOf);
  if (!standing.chargeable) return standing.none;
  const { daysLate, inGrace, waived, receipts, owed, unpaidAtGraceEnd } = standing;

  const principalDays = overdueAmountDays(
    money(inst.principal),
    receipts.map((r) => ({ date: r.date, amount: money(r.principal) })),
    inst.dueDate,
    asOf,
  );
  const penaltyExact = principalDays
    .times(penaltyAnnualRate(terms.annualRate, terms.penalty.penaltyMarkup))
    .div(yearBasis(terms.dayCount));
  const owedDays = overdueAmountDays(
    owed,
    receipts.map((r) => ({ date: r.date, amount: paidOf(r) })),
    inst.dueDate,
    asOf,
  );
  const cap = roundCents(owedDays.times(rate(terms.chargesCap)).div(CAP_YEAR_DAYS));

  const rule = terms.penalty.lateFee;
  const lateFee = rule.kind === 'FLAT' ? money(rule.value) : roundCents(unpaidAtGraceEnd.times(rate(rule.value)));
  const penalty = roundCents(penaltyExact);
  const cappedLateFee = minDec(lateFee, cap);
  const cappedPenalty = minDec(penalty, cap.minus(cappedLateFee));
  return {
    daysLate,
    inGrace,
    waived,
    penalty: toMoney(cappedPenalty),
    lateFee: toMoney(cappedLateFee),
    uncappedPenalty: toMoney(penalty),
    uncappedLateFee: toMoney(lateFee),
    cap: toMoney(cap),
  };
}

// ---- version 2: the charges exactly as the contract words them -----------------------------------
//
// The contract's overdue clause (contract-document.ts) is written from `chargeClause`, the same
// object `overdueChargesV2` computes with, so the two cannot drift apart:
// GRACE and WAIVER: as version 1 (repaid in full by due date + grace days: nothing is charged; later:
//   charges count from the due date).
// PENALTY INTEREST 罚息: on the installment's overdue principal, daily at the penalty rate (contract
//   rate × (1 + markup)) divided by the day count's year basis, from the due date.
// LATE FEE 滞纳金: once per installment after grace, as version 1 (FLAT, or a percentage of the
//   installment still unpaid when grace ends).
// CAP 上限: penalty interest plus late fee on an installment never exceed the overdue principal at the
//   cap rate (the product's APR cap) a year, daily over 365 days, from the due date. Penalty interest
//   comes first; the late fee is charged up to the room the cap leaves (whole cents, rounded down).
//   Every amount only grows as days pass.

/** The overdue terms of a loan as its contract states them and version 2 of the engine charges them. */
export interface ChargeClause {
  graceDays: number;
  /** Annual penalty rate: contract rate × (1 + markup). */
  penaltyRate: Dec;
  penaltyMarkup: Dec;
  /** Days of the year a day of penalty interest is a fraction of. */
  penaltyYearDays: number;
  lateFee: PenaltyTerms['lateFee'];
  /** Annual cap rate on penalty interest plus late fee, over CAP_YEAR_DAYS, on the overdue principal. */
  capRate: Dec;
  capYearDays: number;
}

export function chargeClause(terms: ChargeTerms): ChargeClause {
  return {
    graceDays: terms.penalty.graceDays,
    penaltyRate: penaltyAnnualRate(terms.annualRate, terms.penalty.penaltyMarkup),
    penaltyMarkup: rate(terms.penalty.penaltyMarkup),
    penaltyYearDays: yearBasis(terms.dayCount),
    lateFee: terms.penalty.lateFee,
    capRate: rate(terms.chargesCap),
    capYearDays: CAP_YEAR_DAYS,
  };
}

/** Version 2: penalty interest and late fee on the installment as of `asOf`, as `chargeClause` words them. */
export function overdueChargesV2(inst: OverdueInstallment, terms: ChargeTerms, asOf: LocalDate): OverdueCharges {
  const clause = chargeClause(terms);
  const standing = graceStanding(inst, clause.graceDays, asOf);
  if (!standing.chargeable) return standing.none;
  const { daysLate, inGrace, waived, receipts, unpaidAtGraceEnd } = standing;

  const principalDays = overdueAmountDays(
    money(inst.principal),
    receipts.map((r) => ({ date: r.date, amount: money(r.principal) })),
    inst.dueDate,
    asOf,
  );
  const penaltyExact = principalDays.times(clause.penaltyRate).div(clause.penaltyYearDays);
  const capExact = principalDays.times(clause.capRate).div(clause.capYearDays);
  const rule = clause.lateFee;
  const lateFee = rule.kind === 'FLAT' ? money(rule.value) : roundCents(unpaidAtGraceEnd.times(rate(rule.value)));
  const penaltyWithin = minDec(penaltyExact, capExact);
  const room = truncateCents(capExact.minus(penaltyWithin));
  return {
    daysLate,
    inGrace,
    waived,
    penalty: toMoney(roundCents(penaltyWithin)),
    lateFee: toMoney(minDec(lateFee, room)),
    uncappedPenalty: toMoney(roundCents(penaltyExact)),
    uncappedLateFee: toMoney(lateFee),
    cap: toMoney(roundCents(capExact)),
  };
}
