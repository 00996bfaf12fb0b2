// Calendar arithmetic on "YYYY-MM-DD" strings, done on integer day numbers (days since
// 1970-01-01, proleptic Gregorian) with Howard Hinnant's days-from-civil algorithms.
// No Date objects, no clock, no time zone: safe inside Temporal workflows. The one date library
// of the repository (schedules, servicing, ages from ID numbers, report ranges).
// The conventions of parsers, guards and readers are those of money.ts (see its header):
// parseLocalDateField for untrusted input, isValidLocalDate as a guard, toCivilDate for a date
// already known to be valid (it throws DomainError INVALID_DATE otherwise).
import { DomainError, fail, ok, problem, type Result } from './errors.js';
import type { LocalDate } from './types.js';

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return MONTH_DAYS[month - 1] ?? 0;
}

/** True when year, month and day (whole numbers) name a day of the calendar, from year 1. */
export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** The civil date of the text, or null if it is not a real calendar day ("2026-02-30"). */
function civilDateOrNull(value: unknown): CivilDate | null {
  if (typeof value !== 'string') return null;
  const match = DATE_TEXT.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return isRealDate(year, month, day) ? { year, month, day } : null;
}

export function isValidLocalDate(value: unknown): value is LocalDate {
  return civilDateOrNull(value) !== null;
}

/** Year, month and day of a date already known to be valid; throws DomainError INVALID_DATE otherwise. */
export function toCivilDate(value: LocalDate): CivilDate {
  const parsed = civilDateOrNull(value);
  if (!parsed) {
    throw new DomainError('INVALID_DATE', {
      zh: `日期无效：${String(value)}`,
      en: `Not a calendar date: ${String(value)}`,
    });
  }
  return parsed;
}

export function formatLocalDate({ year, month, day }: CivilDate): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 for a civil date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (inverse of daysFromCivil). */
export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function toEpochDay(date: LocalDate): number {
  const { year, month, day } = toCivilDate(date);
  return daysFromCivil(year, month, day);
}

export function fromEpochDay(dayNumber: number): LocalDate {
  return formatLocalDate(civilFromDays(dayNumber));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return toEpochDay(a) - toEpochDay(b);
}

/**
 * `months` calendar months after `date`, on day `anchorDay` (default: the day of `date`),
 * clamped to the month's last day: from an anchor of 31 January, +1 is 28/29 February and
 * +2 is 31 March. Always count from the anchor, never from a previous clamped result.
 */
export function addMonths(date: LocalDate, months: number, anchorDay?: number): LocalDate {
  const { year, month, day } = toCivilDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  return formatLocalDate({ year: y, month: m, day: Math.min(anchorDay ?? day, daysInMonth(y, m)) });
}

/**
 * Days between two dates under 30/360 bond basis (ISDA 2006 §4.16(f)): a day 31 at the start
 * counts as 30, and a day 31 at the end counts as 30 when the start day is 30 or 31.
 */
export function days360(from: LocalDate, to: LocalDate): number {
  const a = toCivilDate(from);
  const b = toCivilDate(to);
  const d1 = a.day === 31 ? 30 : a.day;
  const d2 = b.day === 31 && d1 >= 30 ? 30 : b.day;
  return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1);
}

/** Completed years of age on `asOf`. Someone born on 29 February turns a year older on 1 March in common years. */
export function completedYears(birthDate: LocalDate, asOf: LocalDate): number {
  const birth = toCivilDate(birthDate);
  const on = toCivilDate(asOf);
  let years = on.year - birth.year;
  if (on.month < birth.month || (on.month === birth.month && on.day < birth.day)) years -= 1;
  return years;
}

// ---- untrusted input --------------------------------------------------------------------

export interface DateBounds {
  /** Earliest year accepted, inclusive. */
  minYear?: number;
  /** Latest year accepted, inclusive. */
  maxYear?: number;
}

/** Reads a date field from untrusted input: "YYYY-MM-DD", a real calendar day, its year within bounds. */
export function parseLocalDateField(value: unknown, field: string, bounds: DateBounds = {}): Result<LocalDate> {
  const parsed = civilDateOrNull(value);
  if (!parsed) {
    return fail(
      problem(
        field,
        'INVALID_DATE',
        '日期无效，格式为 YYYY-MM-DD 且须为真实日期',
        'must be a real calendar date as YYYY-MM-DD',
      ),
    );
  }
  const { minYear = 1, maxYear = 9999 } = bounds;
  if (parsed.year < minYear || parsed.year > maxYear) {
    return fail(
      problem(
        field,
        'DATE_OUT_OF_RANGE',
        `年份须在 ${minYear} 至 ${maxYear} 之间`,
        `year must be between ${minYear} and ${maxYear}`,
      ),
    );
  }
  return ok(value as LocalDate);
}
