// The chart of accounts finance files with: every ledger account's numeric code (after the
// accounting standards' chart for financial enterprises: 1xxx assets, 2xxx liabilities, 4xxx
// equity, 6xxx income and expenses; six digits for a sub-account), and the accounting periods
// (calendar months) the ledger closes. Pure: the migrations (0014_ledger_close.sql and those
// adding accounts after it) store the same codes, and a unit test holds the two together.
import { ACCOUNTS, type Account } from './ledger.js';
import { addMonths, daysInMonth, isValidLocalDate } from './dates.js';
import { fail, ok, problem, type Result } from './errors.js';
import type { LocalDate } from './types.js';

export const ACCOUNT_NUMBERS: Readonly<Record<Account, string>> = {
  CASH_ON_HAND: '1001',
  BANK: '1002',
  PAYMENT_GATEWAY: '1012',
  INTEREST_RECEIVABLE: '1132',
  ACCRUED_INTEREST_RECEIVABLE: '113201',
  FEE_RECEIVABLE: '122101',
  PENALTY_RECEIVABLE: '122102',
  LOAN_PRINCIPAL: '1303',
  LOAN_LOSS_RESERVE: '1304',
  BORROWER_CREDIT: '224101',
  REFUND_PAYABLE: '224102',
  FUNDING_CAPITAL: '4001',
  INTEREST_INCOME: '6011',
  FEE_INCOME: '6021',
  PENALTY_INCOME: '6051',
  PROVISION_EXPENSE: '6701',
  LOAN_LOSS: '6711',
  RECOVERY_INCOME: '630101',
};

/** The accounts in chart order (by code). */
export function chartOrder(): Account[] {
  return [...ACCOUNTS].sort((a, b) => ACCOUNT_NUMBERS[a].localeCompare(ACCOUNT_NUMBERS[b]));
}

/** An accounting period: a calendar month, "YYYY-MM". */
export type Period = string;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is Period {
  return typeof value === 'string' && PERIOD.test(value) && value >= '1900-01';
}

/** Reads a period from untrusted input, naming the field when it is not one. */
export function parsePeriodField(value: unknown, field: string): Result<Period> {
  if (value === undefined || value === null || value === '')
    return fail(problem(field, 'REQUIRED', '必填', 'is required'));
  if (!isPeriod(value))
    return fail(
      problem(field, 'INVALID_PERIOD', '会计期间须为 YYYY-MM 格式的月份', 'must be a month in the form YYYY-MM'),
    );
  return ok(value);
}

/** The period a date falls in. */
export function periodOf(date: LocalDate): Period {
  return date.slice(0, 7);
}

/** The first and last day of a period. */
export function periodBounds(period: Period): { from: LocalDate; to: LocalDate } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return { from: `${period}-01`, to: `${period}-${String(daysInMonth(y, m)).padStart(2, '0')}` };
}

/** The period after this one. */
export function nextPeriod(period: Period): Period {
  return periodOf(addMonths(`${period}-01`, 1));
}

/**
 * Where an entry dated `date` lands: its own date while its period is open, else the first day of
 * the first open period after it (the database's trigger does the same on every insert).
 */
export function postingDate(date: LocalDate, closed: ReadonlySet<Period>): LocalDate {
  if (!isValidLocalDate(date)) throw new RangeError(`not a date: ${String(date)}`);
  let period = periodOf(date);
  if (!closed.has(period)) return date;
  while (closed.has(period)) period = nextPeriod(period);
  return `${period}-01`;
}

/** Why a period may not be closed on `today`, or null: only a month that has ended closes. */
export function closeProblem(period: Period, today: LocalDate): { zh: string; en: string } | null {
  if (periodBounds(period).to >= today)
    return {
      zh: `会计期间 ${period} 尚未结束，不能结账`,
      en: `Period ${period} has not ended yet; only a past month can be closed`,
    };
  return null;
}
