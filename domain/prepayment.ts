// Prepayment: interest accrued within a period, and re-amortizing what remains.
//
// ACCRUAL within the current period is pro-rata by actual days of the period's scheduled
// interest: accrued(d) = fixed + round(rest × days(from, d) / days(from, due)), where `fixed` is
// interest already settled for the period before `from` (by an earlier prepayment in the same
// period; 0 otherwise, with `from` the period start) and `rest` the remainder of the period's
// interest. This is what a payoff charges for the current period (see loan-account.ts).
//
// RE-AMORTIZATION after principal is prepaid on date p inside period k (periodStart < p ≤ due):
//   the interest for the rest of period k is on the new balance:
//   round(newBalance × period rate × days(p, due_k) / days(periodStart_k, due_k)); the later
//   periods follow the schedule rules (schedule.ts) on the new balance, keeping the due dates.
//   REDUCE_INSTALLMENT keeps the number of installments and recomputes the level payment
//   (EQUAL_INSTALLMENT) or principal per period (EQUAL_PRINCIPAL). REDUCE_TERM keeps them and
//   drops installments from the end. INTEREST_FIRST and BULLET owe all principal at maturity,
//   so either mode keeps the term and lowers the interest.
import { daysBetween } from './dates.js';
import { DomainError } from './errors.js';
import { Dec, formatCents, money, roundCents, toMoney } from './money.js';
import { amortize, partialRate, periodGrid, periodInterest, type ContractTerms, type Installment } from './schedule.js';
import type { LocalDate, Money } from './types.js';

export const PREPAYMENT_MODES = ['REDUCE_INSTALLMENT', 'REDUCE_TERM'] as const;
export type PrepaymentMode = (typeof PREPAYMENT_MODES)[number];

/** The interest of one period and how much of it is already fixed. */
export interface PeriodAccrual {
  dueDate: LocalDate;
  /** Total interest of the period. */
  interest: Money;
  /** Interest settled before `accrualFrom` (0 unless the period was re-amortized midway). */
  interestFixed: Money;
  /** Where pro-rata accrual of the rest starts: the period start, or the last prepayment date. */
  accrualFrom: LocalDate;
}

/** Interest of the period accrued by `asOf`, pro-rata by days, rounded half-up. */
export function accruedInterest(period: PeriodAccrual, asOf: LocalDate): Money {
  return toMoney(accruedInterestDec(period, asOf));
}

export function accruedInterestDec(period: PeriodAccrual, asOf: LocalDate): Dec {
  const fixed = money(period.interestFixed);
  const rest = money(period.interest).minus(fixed);
  const span = daysBetween(period.accrualFrom, period.dueDate);
  const elapsed = Math.min(span, Math.max(0, daysBetween(period.accrualFrom, asOf)));
  if (span <= 0 || elapsed === span) return fixed.plus(rest);
  return fixed.plus(roundCents(rest.times(elapsed).div(span)));
}

/** An installment of the current schedule that the re-amortization replaces. */
export interface RemainingPeriod {
  number: number;
  periodStart: LocalDate;
  dueDate: LocalDate;
}

export interface ReamortizationRequest {
  terms: ContractTerms;
  mode: PrepaymentMode;
  /** Principal left after the prepayment (positive). */
  balance: Money;
  /** The prepayment date, inside the first remaining period. */
  effectiveDate: LocalDate;
  /** The current installment first, then the later ones, oldest first. */
  periods: readonly RemainingPeriod[];
  /** Per-installment fee to keep on every remaining installment. */
  fee: Money;
  /** The level payment / principal per period in force, kept by REDUCE_TERM. */
  installmentAmount: Money | null;
  principalPerPeriod: Money | null;
}

export interface Reamortization {
  /**
   * The new schedule of the remaining installments. The first one's interest covers only the
   * rest of the current period on the new balance (what was accrued before the prepayment date
   * is settled by the prepayment itself).
   */
  installments: Installment[];
  installmentAmount: Money | null;
  principalPerPeriod: Money | null;
}

/** Re-amortizes the balance left after a prepayment over the remaining installments. */
export function reamortize(req: ReamortizationRequest): Reamortization {
  const first = req.periods[0];
  const balance = money(req.balance);
  if (!first || !balance.gt(0)) {
    throw new DomainError('NOTHING_TO_REAMORTIZE', { zh: '没有需要重新摊还的本金', en: 'There is no principal or period left to re-amortize' });
  }
  const grid = periodGrid(req.terms);
  const currentRate = first.number === 1 ? grid.firstRate : grid.regularRate;
  const whole = daysBetween(first.periodStart, first.dueDate);
  const remaining = Math.max(0, Math.min(whole, daysBetween(req.effectiveDate, first.dueDate)));
  const keepLevel = req.mode === 'REDUCE_TERM';
  const plan = amortize({
    method: req.terms.method,
    balance,
    count: req.periods.length,
    rate: grid.regularRate,
    firstInterest: whole > 0 ? periodInterest(balance, partialRate(currentRate, remaining, whole)) : money('0'),
    installmentAmount: keepLevel && req.installmentAmount ? money(req.installmentAmount) : null,
    principalPerPeriod: keepLevel && req.principalPerPeriod ? money(req.principalPerPeriod) : null,
  });
  const fee = money(req.fee);
  const installments: Installment[] = plan.rows.map((row, i) => {
    const period = req.periods[i] as RemainingPeriod;
    return {
      number: period.number,
      dueDate: period.dueDate,
      principal: formatCents(row.principal),
      interest: formatCents(row.interest),
      fee: formatCents(fee),
      total: formatCents(row.principal.plus(row.interest).plus(fee)),
      remainingPrincipal: formatCents(row.remaining),
    };
  });
  return {
    installments,
    installmentAmount: plan.installmentAmount ? formatCents(plan.installmentAmount) : null,
    principalPerPeriod: plan.principalPerPeriod ? formatCents(plan.principalPerPeriod) : null,
  };
}
