import { Decimal } from 'decimal.js';
import { fail, ok, problem, type FieldProblem, type Result } from '../errors.js';
import type { Money } from '../types.js';

/** Decimal for origination arithmetic: a private clone so no other module's settings leak in. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
export type Dec = Decimal;
export type DecimalValue = Decimal.Value;

/** Formats to a money string with exactly two decimals, rounding half up. */
export function toMoney(value: DecimalValue): Money {
  return new Dec(value).toFixed(2, Dec.ROUND_HALF_UP);
}

const MONEY_TEXT = /^\d+(\.\d{1,2})?$/;
/** Amounts at or above one trillion yuan are never legitimate here and would overflow the capital-numeral writer. */
const MONEY_LIMIT = new Dec('1000000000000');

export interface MoneyBounds {
  min?: Money;
  max?: Money;
  /** Accept "0.00" (existing liens, for example). Default false: money fields must be positive. */
  allowZero?: boolean;
}

/** True when the text is a money amount as the API accepts it: digits, at most two decimals. */
export function isMoneyText(value: unknown): value is string {
  return typeof value === 'string' && MONEY_TEXT.test(value);
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
  if (!MONEY_TEXT.test(value)) {
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
