import { fail, ok, problem, type Result } from '../errors.js';
import type { Rate } from '../types.js';
import { Dec, type DecimalValue } from './amount.js';

const RATE_TEXT = /^\d+(\.\d{1,4})?$/;

export interface RateBounds {
  min?: Rate;
  max?: Rate;
  allowZero?: boolean;
}

/** Formats a rate as a decimal fraction with four places, e.g. "0.1200". */
export function toRate(value: DecimalValue): Rate {
  return new Dec(value).toFixed(4, Dec.ROUND_HALF_UP);
}

/** "0.1235" → "12.35%". */
export function formatPercent(rate: Rate, places = 2): string {
  return `${new Dec(rate).times(100).toFixed(places, Dec.ROUND_HALF_UP)}%`;
}

/**
 * Reads a rate (a decimal fraction, "0.12" for 12%) from untrusted input: at most four
 * decimals, below 10 (1000%), within bounds. Returns it with four decimals.
 */
export function parseRateField(value: unknown, field: string, bounds: RateBounds = {}): Result<Rate> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '必填', 'is required'));
  }
  if (typeof value !== 'string' || !RATE_TEXT.test(value)) {
    return fail(
      problem(
        field,
        'INVALID_RATE_FORMAT',
        '利率须为小数字符串，例如 "0.12" 表示 12%',
        'must be a decimal string such as "0.12" for 12%',
      ),
    );
  }
  const rate = new Dec(value);
  if (rate.gte(10)) return fail(problem(field, 'RATE_TOO_LARGE', '利率过大', 'is too large'));
  if (rate.isZero() && !bounds.allowZero) {
    return fail(problem(field, 'RATE_NOT_POSITIVE', '利率必须大于零', 'must be greater than zero'));
  }
  if (bounds.min !== undefined && rate.lt(bounds.min)) {
    return fail(
      problem(
        field,
        'RATE_BELOW_MIN',
        `不能低于 ${formatPercent(bounds.min)}`,
        `must be at least ${formatPercent(bounds.min)}`,
      ),
    );
  }
  if (bounds.max !== undefined && rate.gt(bounds.max)) {
    return fail(
      problem(
        field,
        'RATE_ABOVE_MAX',
        `不能高于 ${formatPercent(bounds.max)}`,
        `must be at most ${formatPercent(bounds.max)}`,
      ),
    );
  }
  return ok(toRate(rate));
}
