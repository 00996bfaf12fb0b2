// The monthly statistics a local financial regulator asks of a micro-loan company (小额贷款公司监管统计月报):
// the loan book at month-end by loan type, term band, five-level class and borrower kind; the
// loans paid out in the month; the APR distribution; overdue loans by bucket; write-offs and
// recoveries after write-off in the month. Pure: db/regulatory-statistics.ts reads one row per
// loan as it stood at month-end, and this file turns those rows into the report.
import { classifyByDaysPastDue, effectiveClass, type OverrideTarget } from './classification.js';
import { addMonths, daysBetween } from './dates.js';
import { Dec, money, sumMoney } from './money.js';
import {
  LOAN_CLASSES,
  LOAN_TYPES,
  type LoanClass,
  type LoanType,
  type LocalDate,
  type Money,
  type Rate,
} from './types.js';

/** One loan as it stood at the end of the reporting day (`asOf`). */
export interface LoanAtMonthEnd {
  loanId: string;
  loanType: LoanType;
  /** The date the principal was paid out (the disbursement entry's date). */
  disbursedOn: LocalDate;
  /** The principal paid out. */
  disbursedPrincipal: Money;
  /** The last installment's due date in the loan's schedule. */
  maturityDate: LocalDate;
  /** The APR of the offer the borrower signed (fees included); the nominal rate for loans without one. */
  apr: Rate;
  /** LOAN_PRINCIPAL of the loan in the ledger, entries dated on or before `asOf`. */
  outstandingPrincipal: Money;
  /** Due date of the oldest installment due before `asOf` and not fully paid by `asOf`; null when none. */
  oldestUnpaidDueDate: LocalDate | null;
  /** The date of the write-off entry when it is on or before `asOf`. */
  writtenOffOn: LocalDate | null;
  /** Everything the write-off took to losses (principal, interest, fees, penalties). */
  writtenOffAmount: Money;
  /** Payments received on the written-off loan, dated in the month: how many and how much. */
  recoveriesInMonth: number;
  recoveredInMonth: Money;
  /** The latest classification override approved by `asOf` (五级分类调整); null or absent when none. */
  overrideClass?: OverrideTarget | null;
}

/** Borrower kinds, from the loan type (the data the loan carries about who borrows). */
export const BORROWER_KINDS = ['INDIVIDUAL', 'INDIVIDUAL_BUSINESS', 'FARMER'] as const;
export type BorrowerKind = (typeof BORROWER_KINDS)[number];

export function borrowerKindOf(loanType: LoanType): BorrowerKind {
  if (loanType === 'INDIVIDUAL_BUSINESS') return 'INDIVIDUAL_BUSINESS';
  if (loanType === 'FARMER') return 'FARMER';
  return 'INDIVIDUAL';
}

/** Term bands by the time from payout to the last due date: ≤3 months, ≤6, ≤12, ≤36, longer. */
export const TERM_BANDS = ['UP_TO_3M', 'M3_TO_6M', 'M6_TO_12M', 'Y1_TO_3Y', 'OVER_3Y'] as const;
export type TermBand = (typeof TERM_BANDS)[number];
const TERM_BAND_LIMITS: ReadonlyArray<[TermBand, number]> = [
  ['UP_TO_3M', 3],
  ['M3_TO_6M', 6],
  ['M6_TO_12M', 12],
  ['Y1_TO_3Y', 36],
];

export function termBandOf(disbursedOn: LocalDate, maturityDate: LocalDate): TermBand {
  for (const [band, months] of TERM_BAND_LIMITS) if (maturityDate <= addMonths(disbursedOn, months)) return band;
  return 'OVER_3Y';
}

/**
 * APR bands. The first bound is four times the one-year LPR (3.85% when the Supreme People's Court
 * set the line in August 2020: 15.4%), the line of judicial protection for private lending; 24% and
 * 36% are the older bounds that regulators still ask about. A bound belongs to the band below it.
 */
export const APR_BANDS = ['UP_TO_4LPR', 'LPR4_TO_24', 'P24_TO_36', 'OVER_36'] as const;
export type AprBand = (typeof APR_BANDS)[number];
export const FOUR_TIMES_LPR: Rate = '0.1540';

export function aprBandOf(apr: Rate, fourTimesLpr: Rate = FOUR_TIMES_LPR): AprBand {
  const r = new Dec(apr);
  if (r.lte(new Dec(fourTimesLpr))) return 'UP_TO_4LPR';
  if (r.lte('0.24')) return 'LPR4_TO_24';
  if (r.lte('0.36')) return 'P24_TO_36';
  return 'OVER_36';
}

/** Overdue buckets by days past due at month-end. */
export const OVERDUE_BUCKETS = ['D1_30', 'D31_90', 'D91_180', 'D181_360', 'OVER_360'] as const;
export type OverdueBucket = (typeof OVERDUE_BUCKETS)[number];

export function overdueBucketOf(daysPastDue: number): OverdueBucket | null {
  if (daysPastDue <= 0) return null;
  if (daysPastDue <= 30) return 'D1_30';
  if (daysPastDue <= 90) return 'D31_90';
  if (daysPastDue <= 180) return 'D91_180';
  if (daysPastDue <= 360) return 'D181_360';
  return 'OVER_360';
}

/** Days past due on `asOf`: from the oldest installment due before it and unpaid by then. */
export function daysPastDueAt(loan: Pick<LoanAtMonthEnd, 'oldestUnpaidDueDate'>, asOf: LocalDate): number {
  if (loan.oldestUnpaidDueDate === null || loan.oldestUnpaidDueDate >= asOf) return 0;
  return daysBetween(loan.oldestUnpaidDueDate, asOf);
}

export interface Balance {
  loans: number;
  principal: Money;
}

export interface RegulatoryMonthlyReport {
  month: string;
  /** The month's first and last day. */
  from: LocalDate;
  to: LocalDate;
  /** The day the balances are taken: the month's last day, or today for a month not yet over. */
  asOf: LocalDate;
  monthEnded: boolean;
  balance: Balance;
  byLoanType: Array<Balance & { loanType: LoanType }>;
  byTermBand: Array<Balance & { termBand: TermBand }>;
  byClass: Array<Balance & { classification: LoanClass }>;
  byBorrowerKind: Array<Balance & { borrowerKind: BorrowerKind }>;
  newLoans: { loans: number; principal: Money };
  aprDistribution: Array<{
    aprBand: AprBand;
    newLoans: number;
    newPrincipal: Money;
    outstandingLoans: number;
    outstandingPrincipal: Money;
  }>;
  overdue: { loans: number; principal: Money; byBucket: Array<Balance & { bucket: OverdueBucket }> };
  writeOffs: { loans: number; amount: Money };
  recoveries: { payments: number; loans: number; amount: Money };
}

function balanceOf(loans: readonly LoanAtMonthEnd[]): Balance {
  return { loans: loans.length, principal: sumMoney(loans.map((l) => l.outstandingPrincipal)) };
}

function grouped<K extends string>(
  keys: readonly K[],
  loans: readonly LoanAtMonthEnd[],
  keyOf: (l: LoanAtMonthEnd) => K | null,
): Array<Balance & { key: K }> {
  return keys.map((key) => ({ key, ...balanceOf(loans.filter((l) => keyOf(l) === key)) }));
}

/**
 * The report for `month` ("YYYY-MM", first day `from`, last day `to`) with balances as of `asOf`
 * (≤ `to`). The loan book is every loan paid out by `asOf` with principal outstanding then; a
 * written-off loan has none (the write-off took it to losses). Its class is the five-level class of
 * its days past due at `asOf` (domain/classification.ts, default thresholds), or the class of an
 * override approved by then where that holds (effectiveClass).
 */
export function regulatoryMonthlyReport(p: {
  month: string;
  from: LocalDate;
  to: LocalDate;
  asOf: LocalDate;
  loans: readonly LoanAtMonthEnd[];
  fourTimesLpr?: Rate;
}): RegulatoryMonthlyReport {
  const { asOf, from } = p;
  const paidOut = p.loans.filter((l) => l.disbursedOn <= asOf);
  const book = paidOut.filter((l) => money(l.outstandingPrincipal).gt(0));
  const dpd = new Map(book.map((l) => [l.loanId, daysPastDueAt(l, asOf)]));
  const classOf = (l: LoanAtMonthEnd) =>
    effectiveClass(classifyByDaysPastDue(dpd.get(l.loanId)!), l.overrideClass ?? null);
  const aprBand = (l: LoanAtMonthEnd) => aprBandOf(l.apr, p.fourTimesLpr);
  const fresh = paidOut.filter((l) => l.disbursedOn >= from);
  const overdue = book.filter((l) => dpd.get(l.loanId)! > 0);
  const writtenOff = paidOut.filter((l) => l.writtenOffOn !== null && l.writtenOffOn >= from);
  const recovered = p.loans.filter((l) => l.recoveriesInMonth > 0);
  return {
    month: p.month,
    from,
    to: p.to,
    asOf,
    monthEnded: asOf === p.to,
    balance: balanceOf(book),
    byLoanType: grouped(LOAN_TYPES, book, (l) => l.loanType).map(({ key, ...b }) => ({ loanType: key, ...b })),
    byTermBand: grouped(TERM_BANDS, book, (l) => termBandOf(l.disbursedOn, l.maturityDate)).map(({ key, ...b }) => ({
      termBand: key,
      ...b,
    })),
    byClass: grouped(LOAN_CLASSES, book, classOf).map(({ key, ...b }) => ({ classification: key, ...b })),
    byBorrowerKind: grouped(BORROWER_KINDS, book, (l) => borrowerKindOf(l.loanType)).map(({ key, ...b }) => ({
      borrowerKind: key,
      ...b,
    })),
    newLoans: { loans: fresh.length, principal: sumMoney(fresh.map((l) => l.disbursedPrincipal)) },
    aprDistribution: APR_BANDS.map((band) => {
      const added = fresh.filter((l) => aprBand(l) === band);
      const held = book.filter((l) => aprBand(l) === band);
      return {
        aprBand: band,
        newLoans: added.length,
        newPrincipal: sumMoney(added.map((l) => l.disbursedPrincipal)),
        outstandingLoans: held.length,
        outstandingPrincipal: sumMoney(held.map((l) => l.outstandingPrincipal)),
      };
    }),
    overdue: {
      ...balanceOf(overdue),
      byBucket: grouped(OVERDUE_BUCKETS, overdue, (l) => overdueBucketOf(dpd.get(l.loanId)!)).map(({ key, ...b }) => ({
        bucket: key,
        ...b,
      })),
    },
    writeOffs: { loans: writtenOff.length, amount: sumMoney(writtenOff.map((l) => l.writtenOffAmount)) },
    recoveries: {
      payments: recovered.reduce((n, l) => n + l.recoveriesInMonth, 0),
      loans: recovered.length,
      amount: sumMoney(recovered.map((l) => l.recoveredInMonth)),
    },
  };
}
