// Repayment schedules for 等额本息 EQUAL_INSTALLMENT, 等额本金 EQUAL_PRINCIPAL,
// 先息后本 INTEREST_FIRST and 到期一次还本付息 BULLET.
//
// ROUNDING — half-up to the cent, at these points and nowhere else:
//   R1  EQUAL_INSTALLMENT level payment A (principal + interest) = round(B·r / (1 − (1+r)^−n)),
//       or round(B / n) at a zero rate. If A rounded up would repay the principal before the last
//       due date (a cent compounds over hundreds of periods on small, long, dear loans), A is lowered
//       a cent at a time until it does not: a schedule never ends early.
//   R2  Interest of every period = round(principal outstanding at the start of the period × period rate).
//   R3  EQUAL_PRINCIPAL principal per period = round(B / n); if n − 1 such amounts would already
//       reach B it is truncated to the cent instead, for the same reason as R1.
//   R4  The last installment takes whatever principal remains, so principal sums exactly to B
//       (and for EQUAL_INSTALLMENT the last total absorbs the rounding of A).
//   R5  BULLET interest = round(B × annual rate × term in years), simple interest, paid at the end.
//   Fees are money amounts and are never rounded; amounts are never rounded to whole yuan.
//
// DUE DATES — each computed from the anchor, never from the previous due date:
//   MONTHLY   anchor + k months on the anchor's day, clamped to the month end
//             (start 31 Jan → 28/29 Feb → 31 Mar → 30 Apr → 31 May).
//   BIWEEKLY / WEEKLY / DAILY  anchor + 14k / 7k / k days.
//   The anchor is the start date. A first due date other than the regular one makes it the
//   anchor instead: due k = first due date + (k − 1) periods.
//
// PERIOD RATES:
//   MONTHLY   annual rate / 12 for every regular period.
//   Day-based annual rate × period days / year basis of the product day count (ACT/365: 365;
//             ACT/360 and 30/360: 360). A regular week is 7 days under every convention.
//   Irregular first period (first due date given and not the regular one):
//     MONTHLY   whole months counted back from the first due date at annual/12 each, plus the odd
//               days before them at annual × yearFraction(dayCount).
//     Day-based annual × yearFraction(start, first due date, dayCount).
//   EQUAL_INSTALLMENT keeps A as the regular annuity; the first installment's principal is the
//   regular one (A − round(B·r)) and its interest covers the actual first period, so only the first
//   total differs from A, by the broken-period interest.
//   BULLET's single period is the whole term: first period plus (n − 1) regular periods.
//
// The same rules re-amortize a balance after a prepayment (prepayment.ts calls `amortize`).
import {
  addDays,
  addMonths,
  compareDates,
  daysInMonth,
  formatLocalDate,
  fromEpochDay,
  isValidLocalDate,
  toCivilDate,
  toEpochDay,
} from './dates.js';
import { DEFAULT_DAY_COUNT, dayCountDays, yearBasis } from './day-count.js';
import { DomainError } from './errors.js';
import {
  CENT,
  Dec,
  ONE,
  ZERO,
  formatCents as cents,
  isDecimalText,
  powInt,
  isMoneyText,
  money,
  roundCents,
  sum,
  toMoney,
  truncateCents,
} from './money.js';
import { rate } from './rates.js';
import {
  DAY_COUNTS,
  FEE_KINDS,
  FREQUENCIES,
  REPAYMENT_METHODS,
  type DayCount,
  type Fee,
  type Frequency,
  type LocalDate,
  type Money,
  type Rate,
  type RepaymentMethod,
} from './types.js';

/** What a schedule is built from. Optional fields take the documented defaults. */
export interface ScheduleTerms {
  principal: Money;
  annualRate: Rate;
  termCount: number;
  /** Default MONTHLY. */
  frequency?: Frequency | undefined;
  method: RepaymentMethod;
  startDate: LocalDate;
  /** Optional irregular first due date, after the start date and at most two periods later. */
  firstDueDate?: LocalDate | null | undefined;
  /** Day count for non-monthly periods and odd days; default ACT/365. */
  dayCount?: DayCount | undefined;
  fees?: readonly Fee[] | undefined;
}

/** ScheduleTerms with every default filled in. */
export interface ContractTerms {
  principal: Money;
  annualRate: Rate;
  termCount: number;
  frequency: Frequency;
  method: RepaymentMethod;
  startDate: LocalDate;
  /** Null when the first period is regular (including when the given date was the regular one). */
  firstDueDate: LocalDate | null;
  dayCount: DayCount;
  fees: Fee[];
}

export interface Installment {
  number: number;
  dueDate: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
  /** principal + interest + fee */
  total: Money;
  /** Principal still owed after this installment is paid. */
  remainingPrincipal: Money;
}

export interface Schedule {
  terms: ContractTerms;
  installments: Installment[];
  /** Sum of UPFRONT fees, deducted from the amount paid out. */
  upfrontFee: Money;
  /** Sum of PER_INSTALLMENT fees, added to every installment. */
  feePerInstallment: Money;
  /** principal − upfrontFee: what the borrower actually receives. */
  disbursedAmount: Money;
  /** EQUAL_INSTALLMENT level payment (principal + interest); null for other methods. */
  installmentAmount: Money | null;
  /** EQUAL_PRINCIPAL principal per period; null for other methods. */
  principalPerPeriod: Money | null;
  totalPrincipal: Money;
  totalInterest: Money;
  /** Upfront fees plus all per-installment fees. */
  totalFees: Money;
  /** Sum of installment totals: what the borrower pays back through installments. */
  totalPayment: Money;
}

/**
 * A period rate kept exact as annual × num / den (num/den the period in years), so interest is
 * computed with one division at the end: 300.00 × 4.9% / 12 is exactly 1.225 and rounds to 1.23,
 * where multiplying by a rounded 0.0040833… would give 1.22.
 */
export interface PeriodRate {
  annual: Dec;
  num: number;
  den: number;
  /** annual × num / den when that is a terminating decimal (0.12 / 12 = 0.01), else null. */
  exact: Dec | null;
}

/** The period structure of a schedule: due dates and the rates that go with them. */
export interface PeriodGrid {
  dueDates: LocalDate[];
  /** Start of each installment's period: the start date, then the previous due date. */
  periodStarts: LocalDate[];
  /** Rate of a regular period (for BULLET: of the whole term). */
  regularRate: PeriodRate;
  /** Rate of the first period (equals regularRate when the first period is regular). */
  firstRate: PeriodRate;
  /** Regular periods in a year: 12, basis/14, basis/7, basis/1; for BULLET 1 / term in years. */
  periodsPerYear: Dec;
  /** First period's length in regular periods (1 when regular). */
  firstPeriodLength: Dec;
}

const PERIOD_DAYS: Record<Exclude<Frequency, 'MONTHLY'>, number> = { BIWEEKLY: 14, WEEKLY: 7, DAILY: 1 };

function invalidTerms(field: string, en: string, zh: string): DomainError {
  return new DomainError('INVALID_TERMS', { zh, en }, field);
}

/** Fills defaults and checks the terms are usable; throws DomainError INVALID_TERMS otherwise. */
export function normalizeTerms(terms: ScheduleTerms): ContractTerms {
  const frequency = terms.frequency ?? 'MONTHLY';
  const dayCount = terms.dayCount ?? DEFAULT_DAY_COUNT;
  const fees = (terms.fees ?? []).map((f) => ({ kind: f.kind, amount: f.amount }));
  if (!isMoneyText(terms.principal) || money(terms.principal).lte(0)) {
    throw invalidTerms('principal', 'principal must be a positive amount', '本金须为正数金额');
  }
  if (!isDecimalText(terms.annualRate) || rate(terms.annualRate).isNeg()) {
    throw invalidTerms('annualRate', 'annual rate must be a non-negative decimal', '年利率须为非负小数');
  }
  if (!Number.isInteger(terms.termCount) || terms.termCount < 1) {
    throw invalidTerms('termCount', 'term count must be a positive integer', '期数须为正整数');
  }
  if (!FREQUENCIES.includes(frequency)) throw invalidTerms('frequency', 'unknown frequency', '未知还款频率');
  if (!REPAYMENT_METHODS.includes(terms.method))
    throw invalidTerms('method', 'unknown repayment method', '未知还款方式');
  if (!DAY_COUNTS.includes(dayCount)) throw invalidTerms('dayCount', 'unknown day count', '未知计息基准');
  if (!isValidLocalDate(terms.startDate))
    throw invalidTerms('startDate', 'start date is not a calendar date', '起始日期无效');
  for (const [i, f] of fees.entries()) {
    if (!FEE_KINDS.includes(f.kind)) throw invalidTerms(`fees.${i}.kind`, 'unknown fee kind', '未知费用类型');
    if (!isMoneyText(f.amount) || money(f.amount).isNeg()) {
      throw invalidTerms(`fees.${i}.amount`, 'fee must be a non-negative amount', '费用须为非负金额');
    }
  }
  const upfront = sum(fees.filter((f) => f.kind === 'UPFRONT').map((f) => money(f.amount)));
  if (upfront.gte(money(terms.principal))) {
    throw invalidTerms('fees', 'upfront fees must be less than the principal', '前置费用须小于本金');
  }
  let firstDueDate: LocalDate | null = terms.firstDueDate ?? null;
  if (firstDueDate !== null) {
    if (!isValidLocalDate(firstDueDate))
      throw invalidTerms('firstDueDate', 'first due date is not a calendar date', '首期还款日无效');
    const regular = periodEnd(terms.startDate, frequency, 1);
    if (
      compareDates(firstDueDate, terms.startDate) <= 0 ||
      compareDates(firstDueDate, latestFirstDueDate(terms.startDate, frequency)) > 0
    ) {
      throw invalidTerms(
        'firstDueDate',
        'first due date must be after the start date and at most two periods later',
        '首期还款日须晚于起始日且不超过两个周期',
      );
    }
    if (firstDueDate === regular) firstDueDate = null;
  }
  return {
    principal: toMoney(money(terms.principal)),
    annualRate: terms.annualRate,
    termCount: terms.termCount,
    frequency,
    method: terms.method,
    startDate: terms.startDate,
    firstDueDate,
    dayCount,
    fees: fees.map((f) => ({ kind: f.kind, amount: toMoney(money(f.amount)) })),
  };
}

/** The latest irregular first due date the engine takes: two regular periods after the start. */
export function latestFirstDueDate(startDate: LocalDate, frequency: Frequency): LocalDate {
  return periodEnd(startDate, frequency, 2);
}

/** The date `periods` regular periods after `anchor`, on the anchor's day for months. */
function periodEnd(anchor: LocalDate, frequency: Frequency, periods: number, anchorDay?: number): LocalDate {
  return frequency === 'MONTHLY'
    ? addMonths(anchor, periods, anchorDay)
    : addDays(anchor, periods * PERIOD_DAYS[frequency]);
}

/** A span of time in years as an exact fraction num / den. */
interface Years {
  num: number;
  den: number;
}

/** Year fraction of one regular period. */
function regularYears(frequency: Frequency, dayCount: DayCount): Years {
  return frequency === 'MONTHLY' ? { num: 1, den: 12 } : { num: PERIOD_DAYS[frequency], den: yearBasis(dayCount) };
}

/** Year fraction of an irregular first period (see the header). */
function firstPeriodYears(start: LocalDate, firstDue: LocalDate, frequency: Frequency, dayCount: DayCount): Years {
  const basis = yearBasis(dayCount);
  if (frequency !== 'MONTHLY') return { num: dayCountDays(start, firstDue, dayCount), den: basis };
  const anchorDay = toCivilDate(firstDue).day;
  let months = 0;
  while (compareDates(addMonths(firstDue, -(months + 1), anchorDay), start) >= 0) months += 1;
  const oddDays = dayCountDays(start, addMonths(firstDue, -months, anchorDay), dayCount);
  return { num: months * basis + 12 * oddDays, den: 12 * basis };
}

/**
 * annual × num / den if it terminates: once den's factors 2 and 5 are removed, the rest must
 * divide the integer numerator (annual's digits × num). Integer arithmetic, exact.
 */
function terminatingRate(annual: Dec, num: number, den: number): Dec | null {
  let odd = den;
  while (odd % 2 === 0) odd /= 2;
  while (odd % 5 === 0) odd /= 5;
  if (odd !== 1) {
    const digits = BigInt(annual.toFixed().replace('.', '').replace('-', ''));
    if ((digits * BigInt(num)) % BigInt(odd) !== 0n) return null;
  }
  return annual.times(num).div(den);
}

export function periodRate(annual: Dec, num: number, den: number): PeriodRate {
  return { annual, num, den, exact: terminatingRate(annual, num, den) };
}

/** The rate as one Decimal (rounded to 40 digits when it does not terminate): for the annuity factor and the IRR's first guess. */
export function rateValue(r: PeriodRate): Dec {
  return r.exact ?? r.annual.times(r.num).div(r.den);
}

/** Interest on `balance` for the period, rounded half-up to the cent (R2), dividing last. */
export function periodInterest(balance: Dec, r: PeriodRate): Dec {
  if (r.exact) return roundCents(balance.times(r.exact));
  const product = r.num === 1 ? balance.times(r.annual) : balance.times(r.annual).times(r.num);
  return roundCents(product.div(r.den));
}

/** Due dates of a (non-BULLET) installment plan: termCount dates from the anchor. */
function installmentDueDates(terms: ContractTerms): LocalDate[] {
  const anchor = terms.firstDueDate ?? terms.startDate;
  const first = terms.firstDueDate === null ? 1 : 0;
  const dates: LocalDate[] = [];
  if (terms.frequency === 'MONTHLY') {
    const { year, month, day } = toCivilDate(anchor);
    for (let k = first; k < first + terms.termCount; k++) {
      const index = year * 12 + (month - 1) + k;
      const y = Math.floor(index / 12);
      const m = index - y * 12 + 1;
      dates.push(formatLocalDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) }));
    }
  } else {
    const start = toEpochDay(anchor);
    const step = PERIOD_DAYS[terms.frequency];
    for (let k = first; k < first + terms.termCount; k++) dates.push(fromEpochDay(start + k * step));
  }
  return dates;
}

/** Due dates, period starts and period rates of the schedule the terms describe. */
export function periodGrid(terms: ContractTerms): PeriodGrid {
  const annual = rate(terms.annualRate);
  const regular = regularYears(terms.frequency, terms.dayCount);
  const first =
    terms.firstDueDate === null
      ? regular
      : firstPeriodYears(terms.startDate, terms.firstDueDate, terms.frequency, terms.dayCount);
  const dueDates = installmentDueDates(terms);
  if (terms.method === 'BULLET') {
    // first + (n − 1) regular periods, over a common denominator
    const term: Years = {
      num: first.num * regular.den + (terms.termCount - 1) * regular.num * first.den,
      den: first.den * regular.den,
    };
    const termRate = periodRate(annual, term.num, term.den);
    return {
      dueDates: [dueDates[dueDates.length - 1] as LocalDate],
      periodStarts: [terms.startDate],
      regularRate: termRate,
      firstRate: termRate,
      periodsPerYear: new Dec(term.den).div(term.num),
      firstPeriodLength: ONE,
    };
  }
  const periodStarts = [terms.startDate, ...dueDates.slice(0, -1)];
  const regularRate = periodRate(annual, regular.num, regular.den);
  return {
    dueDates,
    periodStarts,
    regularRate,
    firstRate: terms.firstDueDate === null ? regularRate : periodRate(annual, first.num, first.den),
    periodsPerYear: new Dec(regular.den).div(regular.num),
    firstPeriodLength:
      terms.firstDueDate === null ? ONE : new Dec(first.num * regular.den).div(first.den * regular.num),
  };
}

// ---- amortization ----------------------------------------------------------------------

/** Principal to spread over `count` installments; the engine behind schedules and re-amortization. */
export interface AmortizationPlan {
  method: RepaymentMethod;
  balance: Dec;
  /** Installments available; fewer rows come back only when a level amount is kept (reduce term). */
  count: number;
  /** Regular period rate, for rows 2 onward (and for the first row's regular principal, R1). */
  rate: PeriodRate;
  /** Interest of the first row, already rounded (it may cover an irregular or partial period). */
  firstInterest: Dec;
  /** Keep this level payment and shorten the term instead of computing A (EQUAL_INSTALLMENT). */
  installmentAmount?: Dec | null | undefined;
  /** Keep this principal per period and shorten the term (EQUAL_PRINCIPAL). */
  principalPerPeriod?: Dec | null | undefined;
}

export interface AmortizationRow {
  principal: Dec;
  interest: Dec;
  /** Balance after the row. */
  remaining: Dec;
}

export interface Amortization {
  rows: AmortizationRow[];
  installmentAmount: Dec | null;
  principalPerPeriod: Dec | null;
}

/** Annuity payment for `balance` over `count` periods at `rate` (unrounded). */
export function annuityPayment(balance: Dec, rate: PeriodRate, count: number): Dec {
  if (rate.annual.isZero()) return balance.div(count);
  const r = rateValue(rate);
  // B·r / (1 − (1+r)^−n) = B·r·g / (g − 1) with g = (1+r)^n
  const growth = powInt(ONE.plus(r), count);
  return balance.times(r).times(growth).div(growth.minus(1));
}

/**
 * Rows for a level payment `level`, or null if it would repay the balance before the last row.
 * With `shorten`, reaching the balance early ends the rows there instead (reduce-term prepayment).
 */
function levelRows(plan: AmortizationPlan, level: Dec, shorten: boolean): AmortizationRow[] | null {
  const rows: AmortizationRow[] = [];
  let balance = plan.balance;
  for (let k = 1; k <= plan.count; k++) {
    const regularInterest = periodInterest(balance, plan.rate);
    const interest = k === 1 ? plan.firstInterest : regularInterest;
    let principal: Dec;
    if (k === plan.count) {
      principal = balance;
    } else {
      principal = level.minus(regularInterest);
      if (principal.isNeg()) principal = ZERO;
      if (principal.gte(balance)) {
        if (!shorten) return null;
        principal = balance;
      }
    }
    balance = balance.minus(principal);
    rows.push({ principal, interest, remaining: balance });
    if (balance.isZero()) break;
  }
  return rows;
}

function equalInstallment(plan: AmortizationPlan): Amortization {
  if (plan.installmentAmount) {
    const rows = levelRows(plan, plan.installmentAmount, true) as AmortizationRow[];
    return { rows, installmentAmount: plan.installmentAmount, principalPerPeriod: null };
  }
  const interestOnly = periodInterest(plan.balance, plan.rate);
  let level = roundCents(annuityPayment(plan.balance, plan.rate, plan.count));
  // At the interest-only level the balance never falls before the last row, so this ends.
  for (;;) {
    const rows = levelRows(plan, level, false);
    if (rows) return { rows, installmentAmount: level, principalPerPeriod: null };
    if (level.lte(interestOnly))
      throw invalidTerms('termCount', 'no level payment fits these terms', '无法为该条件计算等额还款额');
    level = Dec.max(level.minus(CENT), interestOnly);
  }
}

function equalPrincipal(plan: AmortizationPlan): Amortization {
  let perPeriod = plan.principalPerPeriod ?? roundCents(plan.balance.div(plan.count));
  if (!plan.principalPerPeriod && perPeriod.times(plan.count - 1).gte(plan.balance) && plan.count > 1) {
    perPeriod = truncateCents(plan.balance.div(plan.count));
  }
  const rows: AmortizationRow[] = [];
  let balance = plan.balance;
  for (let k = 1; k <= plan.count && balance.gt(0); k++) {
    const interest = k === 1 ? plan.firstInterest : periodInterest(balance, plan.rate);
    const principal = k === plan.count || perPeriod.gte(balance) ? balance : perPeriod;
    balance = balance.minus(principal);
    rows.push({ principal, interest, remaining: balance });
  }
  return { rows, installmentAmount: null, principalPerPeriod: perPeriod };
}

/** INTEREST_FIRST and BULLET: interest every period, all principal with the last row. */
function principalAtEnd(plan: AmortizationPlan): Amortization {
  const rows: AmortizationRow[] = [];
  const interest = periodInterest(plan.balance, plan.rate);
  for (let k = 1; k <= plan.count; k++) {
    const last = k === plan.count;
    rows.push({
      principal: last ? plan.balance : ZERO,
      interest: k === 1 ? plan.firstInterest : interest,
      remaining: last ? ZERO : plan.balance,
    });
  }
  return { rows, installmentAmount: null, principalPerPeriod: null };
}

/** Spreads a balance over installments by the method's rules (R1–R4). */
export function amortize(plan: AmortizationPlan): Amortization {
  if (plan.count < 1) throw invalidTerms('termCount', 'nothing to amortize over', '没有可分摊的期数');
  switch (plan.method) {
    case 'EQUAL_INSTALLMENT':
      return equalInstallment(plan);
    case 'EQUAL_PRINCIPAL':
      return equalPrincipal(plan);
    case 'INTEREST_FIRST':
    case 'BULLET':
      return principalAtEnd(plan);
  }
}

// ---- schedules -------------------------------------------------------------------------

export interface ScheduleWithGrid {
  schedule: Schedule;
  grid: PeriodGrid;
  /** Installment totals as Decimals (the APR's cash flows, without re-parsing). */
  payments: Dec[];
}

function feeTotal(fees: readonly Fee[], kind: Fee['kind']): Dec {
  return sum(fees.filter((f) => f.kind === kind).map((f) => money(f.amount)));
}

/** The schedule and its period grid (the APR needs both). */
export function buildScheduleWithGrid(input: ScheduleTerms): ScheduleWithGrid {
  const terms = normalizeTerms(input);
  const grid = periodGrid(terms);
  const principal = money(terms.principal);
  const amortization = amortize({
    method: terms.method,
    balance: principal,
    count: grid.dueDates.length,
    rate: grid.regularRate,
    firstInterest: periodInterest(principal, grid.firstRate),
  });
  const fee = feeTotal(terms.fees, 'PER_INSTALLMENT');
  const upfront = feeTotal(terms.fees, 'UPFRONT');
  const feeText = cents(fee);
  const hasFee = !fee.isZero();
  let totalInterest = ZERO;
  const payments: Dec[] = [];
  const installments: Installment[] = amortization.rows.map((row, i) => {
    const owed = row.principal.plus(row.interest);
    const total = hasFee ? owed.plus(fee) : owed;
    totalInterest = totalInterest.plus(row.interest);
    payments.push(total);
    return {
      number: i + 1,
      dueDate: grid.dueDates[i] as LocalDate,
      principal: cents(row.principal),
      interest: cents(row.interest),
      fee: feeText,
      total: cents(total),
      remainingPrincipal: cents(row.remaining),
    };
  });
  const totalFees = fee.times(installments.length);
  const schedule: Schedule = {
    terms,
    installments,
    upfrontFee: toMoney(upfront),
    feePerInstallment: feeText,
    disbursedAmount: toMoney(principal.minus(upfront)),
    installmentAmount: amortization.installmentAmount ? toMoney(amortization.installmentAmount) : null,
    principalPerPeriod: amortization.principalPerPeriod ? toMoney(amortization.principalPerPeriod) : null,
    totalPrincipal: terms.principal,
    totalInterest: cents(totalInterest),
    totalFees: cents(upfront.plus(totalFees)),
    totalPayment: cents(principal.plus(totalInterest).plus(totalFees)),
  };
  return { schedule, grid, payments };
}

/** Builds the repayment schedule. Throws DomainError INVALID_TERMS for unusable terms. */
export function buildSchedule(terms: ScheduleTerms): Schedule {
  return buildScheduleWithGrid(terms).schedule;
}
