// Money and rate arithmetic for the repayment engine. Every amount is a decimal.js value
// inside, and a string with exactly two decimals outside ("1234.56"). No JS floats touch money.
import { Decimal } from 'decimal.js';
import { DomainError } from './errors.js';
import type { Money, Rate } from './types.js';

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
/** Signed decimal text, any number of decimals, no exponent. */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export function isMoneyText(value: unknown): value is Money {
  return typeof value === 'string' && MONEY_TEXT.test(value);
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

/** Reads a rate given as a decimal fraction ("0.049"). Throws DomainError INVALID_RATE otherwise. */
export function rate(value: Rate): Dec {
  if (!isDecimalText(value)) {
    throw new DomainError('INVALID_RATE', {
      zh: `利率格式不正确：${String(value)}`,
      en: `Malformed rate: ${String(value)}`,
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

/** Formats as money, rounding half-up to the cent; never "-0.00". */
export function toMoney(value: Dec): Money {
  const rounded = roundCents(value);
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

/** Formats a rate as a decimal fraction with `places` decimals (default 6), half-up. */
export function toRate(value: Dec, places = 6): Rate {
  const rounded = value.toDecimalPlaces(places, Dec.ROUND_HALF_UP);
  return rounded.isZero() ? ZERO.toFixed(places) : rounded.toFixed(places);
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
