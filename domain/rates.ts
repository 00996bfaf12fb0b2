// Rates: decimal fractions as text ("0.12" is 12%), decimal.js values inside. The one rate
// library of the repository. Every function that writes a rate takes its number of decimal
// places, because two precisions are in use and must never be confused:
//   6 places  rates the engine computes: APR and the effective annual rate (apr.ts), as quotes,
//             offers and contracts show them;
//   4 places  rates people set or read: product rates and caps, a reviewer's rate, the rate band
//             and the ratios of the credit assessment (DTI, LTV).
// The conventions of parsers, guards, readers and formatters are those of money.ts (see its header).
import { DomainError, fail, ok, problem, type Result } from './errors.js';
import { Dec, ZERO, isDecimalText } from './money.js';
import type { Rate } from './types.js';

/** Reads a rate already known to be valid ("0.049"). Throws DomainError INVALID_RATE otherwise. */
export function rate(value: Rate): Dec {
  if (!isDecimalText(value)) {
    throw new DomainError('INVALID_RATE', {
      zh: `利率格式不正确：${String(value)}`,
      en: `Malformed rate: ${String(value)}`,
    });
  }
  return new Dec(value);
}

/** Formats a rate as a decimal fraction with `places` decimals, half-up; never "-0.000000". */
export function toRate(value: Dec | string, places: number): Rate {
  const rounded = (typeof value === 'string' ? new Dec(value) : value).toDecimalPlaces(places, Dec.ROUND_HALF_UP);
  return rounded.isZero() ? ZERO.toFixed(places) : rounded.toFixed(places);
}

/** A rate as a percentage with `places` decimals, half-up: ("0.1235", 2) → "12.35%". */
export function formatPercent(value: Rate, places: number): string {
  return `${new Dec(value).times(100).toFixed(places, Dec.ROUND_HALF_UP)}%`;
}

// ---- untrusted input --------------------------------------------------------------------

export interface RateBounds {
  min?: Rate;
  max?: Rate;
  allowZero?: boolean;
}

const rateTexts = new Map<number, RegExp>();

/** Unsigned decimal text with at most `places` decimals. */
function rateText(places: number): RegExp {
  let pattern = rateTexts.get(places);
  if (!pattern) {
    pattern = new RegExp(places > 0 ? `^\\d+(\\.\\d{1,${places}})?$` : '^\\d+$');
    rateTexts.set(places, pattern);
  }
  return pattern;
}

/**
 * Reads a rate (a decimal fraction, "0.12" for 12%) from untrusted input: at most `places`
 * decimals, below 10 (1000%), positive (unless `allowZero`), within bounds inclusive. Returns it
 * with exactly `places` decimals.
 */
export function parseRateField(value: unknown, field: string, places: number, bounds: RateBounds = {}): Result<Rate> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '必填', 'is required'));
  }
  if (typeof value !== 'string' || !rateText(places).test(value)) {
    return fail(
      problem(
        field,
        'INVALID_RATE_FORMAT',
        '利率须为小数字符串，例如 "0.12" 表示 12%',
        'must be a decimal string such as "0.12" for 12%',
      ),
    );
  }
  const parsed = new Dec(value);
  if (parsed.gte(10)) return fail(problem(field, 'RATE_TOO_LARGE', '利率过大', 'is too large'));
  if (parsed.isZero() && !bounds.allowZero) {
    return fail(problem(field, 'RATE_NOT_POSITIVE', '利率必须大于零', 'must be greater than zero'));
  }
  if (bounds.min !== undefined && parsed.lt(bounds.min)) {
    return fail(
      problem(
        field,
        'RATE_BELOW_MIN',
        `不能低于 ${formatPercent(bounds.min, 2)}`,
        `must be at least ${formatPercent(bounds.min, 2)}`,
      ),
    );
  }
  if (bounds.max !== undefined && parsed.gt(bounds.max)) {
    return fail(
      problem(
        field,
        'RATE_ABOVE_MAX',
        `不能高于 ${formatPercent(bounds.max, 2)}`,
        `must be at most ${formatPercent(bounds.max, 2)}`,
      ),
    );
  }
  return ok(toRate(parsed, places));
}
