// Ratios the reports show, as decimal strings to four places.
import type { Money } from './types.js';

/** a / b to four decimals, rounded half up, from two-decimal money strings; null when b is zero. Exact: in cents. */
export function ratio(a: Money, b: Money): string | null {
  const cents = (m: Money) => BigInt(m.replace('.', ''));
  const denominator = cents(b);
  if (denominator === 0n) return null;
  const scaled = (cents(a) * 100_000n) / denominator; // five decimals, then round half up to four
  const rounded = (scaled + 5n) / 10n;
  return `${rounded / 10_000n}.${String(rounded % 10_000n).padStart(4, '0')}`;
}

/** part / whole of two counts, as ratio() gives it; null when whole is zero. */
export function shareOf(part: number, whole: number): string | null {
  return ratio(`${part}.00`, `${whole}.00`);
}
