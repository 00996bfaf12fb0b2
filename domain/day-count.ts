// Day-count conventions: how many years a span of days is, for a product's DayCount.
//   ACT/365 — actual days / 365 (every year, leap or not, has 365 days: "ACT/365 Fixed").
//   ACT/360 — actual days / 360 (the PBoC convention 日利率 = 年利率 ÷ 360).
//   30/360  — 30/360 bond-basis days / 360.
import { days360, daysBetween } from './dates.js';
import { Dec } from './money.js';
import type { DayCount, LocalDate } from './types.js';

export const DEFAULT_DAY_COUNT: DayCount = 'ACT/365';

/** Days in the year the convention divides by. */
export function yearBasis(dayCount: DayCount): number {
  return dayCount === 'ACT/365' ? 365 : 360;
}

/** Days from `from` to `to` as the convention counts them. */
export function dayCountDays(from: LocalDate, to: LocalDate, dayCount: DayCount): number {
  return dayCount === '30/360' ? days360(from, to) : daysBetween(from, to);
}

/** The span from `from` to `to` in years under the convention. */
export function yearFraction(from: LocalDate, to: LocalDate, dayCount: DayCount): Dec {
  return new Dec(dayCountDays(from, to, dayCount)).div(yearBasis(dayCount));
}
