// Money: every amount is a decimal.js value inside, and a string with exactly two decimals outside
// ("1234.56"). No JS floats touch money. The one money library of the repository: the repayment
// engine, origination, contracts, the api and the workflows all use it (rates are in rates.ts,
// dates in dates.ts).
//
// The same conventions hold in money.ts, rates.ts and dates.ts:
//   parse…Field(value: unknown, field, …) → Result   untrusted input (a request body, a form). Never
//                                                    throws; each problem names the field in Chinese
//                                                    and English. The only functions for such input.
//   is…Text(value: unknown) / isValid…               type guards; never throw.
//   money(text), rate(text), toCivilDate(text)       read text that is already valid (workflow state,
//                                                    product parameters): throw DomainError if it is
//                                                    not, because that is a bug, not bad input.
//   toMoney, toRate(value, places), formatPercent    format; a rate always names its decimal places.
import { Decimal } from 'decimal.js';
import { DomainError, fail, ok, problem, type FieldProblem, type Result } from './errors.js';
import type { Money } from './types.js';

/**
 * A private Decimal constructor: 40 significant digits, half-up, and no exponent notation in
 * toString. A clone, so no other module's Decimal settings leak in or out.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Dec = Decimal;

export const ZERO = new Dec(0);
export const ONE = new Dec(1);
export const CENT = new Dec('0.01');
export const ZERO_MONEY: Money = '0.00';

/** Signed decimal text with at most two decimals, e.g. "100", "-3.5", "1234.56". */
const MONEY_TEXT = /^-?\d+(\.\d{1,2})?$/;
/** Unsigned decimal text with at most two decimals: an amount as a request or a contract states it. */
const UNSIGNED_MONEY_TEXT = /^\d+(\.\d{1,2})?$/;
/** Signed decimal text, any number of decimals, no exponent. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** Signed money text (a balance may be negative): "100", "-3.5", "1234.56". */
export function isMoneyText(value: unknown): value is Money {
  return typeof value === 'string' && MONEY_TEXT.test(value);
}

/** Money text without a sign: "100", "3.5", "1234.56", never "-1.00". */
export function isUnsignedMoneyText(value: unknown): value is Money {
  return typeof value === 'string' && UNSIGNED_MONEY_TEXT.test(value);
}

export function isDecimalText(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_TEXT.test(value);
}

/** Reads a money string (at most two decimals). Throws DomainError INVALID_MONEY otherwise. */
export function money(value: Money): Dec {
  if (!isMoneyText(value)) {
    throw new DomainError('INVALID_MONEY', {
      zh: `金额格式不正确：${String(value)}`,
      en: `Malformed money amount: ${String(value)}`,
    });
  }
  return new Dec(value);
}

/** Half-up to the cent: the only rounding the engine applies to money. */
export function roundCents(value: Dec): Dec {
  return value.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** Towards zero to the cent; used only where half-up would end a schedule early (see schedule.ts). */
export function truncateCents(value: Dec): Dec {
  return value.toDecimalPlaces(2, Dec.ROUND_DOWN);
}

/** Formats as money, rounding half-up to the cent; never "-0.00". Text is read as a decimal first. */
export function toMoney(value: Dec | string): Money {
  const rounded = roundCents(typeof value === 'string' ? new Dec(value) : value);
  return rounded.isZero() ? ZERO_MONEY : rounded.toFixed(2);
}

/**
 * Formats a value that is already a whole number of cents (no rounding needed): cheaper than
 * toMoney on hot paths. The Dec clone never uses exponent notation, so toString is plain digits.
 */
export function formatCents(value: Dec): Money {
  if (value.isZero()) return ZERO_MONEY;
  const text = value.toString();
  const dot = text.indexOf('.');
  if (dot < 0) return `${text}.00`;
  const decimals = text.length - dot - 1;
  if (decimals === 2) return text;
  if (decimals === 1) return `${text}0`;
  return toMoney(value);
}

/**
 * x^n for a whole n ≥ 0 by square-and-multiply at the working precision. Faster than
 * Decimal#pow, which carries extra guard words; the rounding error after the ~2·log2(n)
 * products stays near 1e-38 relative, far below anything money or an APR can show.
 */
export function powInt(x: Dec, n: number): Dec {
  let result = ONE;
  let base = x;
  let k = n;
  while (k > 0) {
    if (k & 1) result = result === ONE ? base : result.times(base);
    k >>= 1;
    if (k > 0) base = base.times(base);
  }
  return result;
}

export function sum(values: readonly Dec[]): Dec {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

export function sumMoney(values: readonly Money[]): Money {
  return toMoney(sum(values.map(money)));
}

export function addMoney(a: Money, b: Money): Money {
  return toMoney(money(a).plus(money(b)));
}

export function subtractMoney(a: Money, b: Money): Money {
  return toMoney(money(a).minus(money(b)));
}

export function minDec(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b;
}

/** a − b, but never below zero. */
export function shortfall(a: Dec, b: Dec): Dec {
  return a.greaterThan(b) ? a.minus(b) : ZERO;
}

// ---- untrusted input --------------------------------------------------------------------

/** Amounts at or above one trillion yuan are never legitimate here and would overflow the capital-numeral writer. */
const MONEY_LIMIT = new Dec('1000000000000');

export interface MoneyBounds {
  min?: Money;
  max?: Money;
  /** Accept "0.00" (existing liens, for example). Default false: money fields must be positive. */
  allowZero?: boolean;
}

/**
 * Reads a money field from untrusted input: a string of digits with at most two decimals,
 * positive (unless `allowZero`), within `min`/`max` inclusive. Returns it with two decimals.
 */
export function parseMoneyField(value: unknown, field: string, bounds: MoneyBounds = {}): Result<Money> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '必填', 'is required'));
  }
  if (typeof value !== 'string') {
    return fail(
      problem(field, 'NOT_A_STRING', '金额须以字符串表示，例如 "1000.00"', 'must be a string such as "1000.00"'),
    );
  }
  if (!isUnsignedMoneyText(value)) {
    return fail(
      problem(
        field,
        'INVALID_AMOUNT_FORMAT',
        '金额格式不正确，最多两位小数，例如 "1000.00"',
        'must be a number with at most two decimals, e.g. "1000.00"',
      ),
    );
  }
  const amount = new Dec(value);
  if (amount.gte(MONEY_LIMIT)) {
    return fail(problem(field, 'AMOUNT_TOO_LARGE', '金额过大', 'is too large'));
  }
  if (amount.isZero() && !bounds.allowZero) {
    return fail(problem(field, 'AMOUNT_NOT_POSITIVE', '金额必须大于零', 'must be greater than zero'));
  }
  const problems: FieldProblem[] = [];
  if (bounds.min !== undefined && amount.lt(bounds.min)) {
    problems.push(
      problem(
        field,
        'AMOUNT_BELOW_MIN',
        `金额不能低于 ${toMoney(bounds.min)} 元`,
        `must be at least ${toMoney(bounds.min)}`,
      ),
    );
  }
  if (bounds.max !== undefined && amount.gt(bounds.max)) {
    problems.push(
      problem(
        field,
        'AMOUNT_ABOVE_MAX',
        `金额不能高于 ${toMoney(bounds.max)} 元`,
        `must be at most ${toMoney(bounds.max)}`,
      ),
    );
  }
  return problems.length > 0 ? fail(...problems) : ok(toMoney(amount));
}
