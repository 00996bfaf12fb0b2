// Interest accrued within a period, for payoffs and prepayments.
//
// ACCRUAL within the current period is pro-rata by actual days of the period's scheduled
// interest: accrued(d) = fixed + round(rest × days(from, d) / days(from, due)), where `fixed` is
// interest already settled for the period before `from` (by an earlier prepayment in the same
// period; 0 otherwise, with `from` the period start) and `rest` the remainder of the period's
// interest. This is what a payoff charges for the current period (see servicing-account.ts,
// which also re-amortizes the schedule after a principal prepayment).
import { daysBetween } from './dates.js';
import type { Dec } from './money.js';
import { money, roundCents } from './money.js';
import type { LocalDate, Money } from './types.js';

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
export function accruedInterestDec(period: PeriodAccrual, asOf: LocalDate): Dec {
  const fixed = money(period.interestFixed);
  const rest = money(period.interest).minus(fixed);
  const span = daysBetween(period.accrualFrom, period.dueDate);
  const elapsed = Math.min(span, Math.max(0, daysBetween(period.accrualFrom, asOf)));
  if (span <= 0 || elapsed === span) return fixed.plus(rest);
  return fixed.plus(roundCents(rest.times(elapsed).div(span)));
}
