import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ratio, shareOf } from '../../../domain/ratio.js';

describe('report ratios', () => {
  it('divides money to four decimals, rounding half up', () => {
    expect(ratio('1.00', '3.00')).toBe('0.3333');
    expect(ratio('2.00', '3.00')).toBe('0.6667');
    expect(ratio('3.00', '160.00')).toBe('0.0188');
    expect(ratio('0.01', '200.00')).toBe('0.0001');
    expect(ratio('0.01', '200.01')).toBe('0.0000');
    expect(ratio('50000.00', '50000.00')).toBe('1.0000');
    expect(ratio('0.00', '12.34')).toBe('0.0000');
  });

  it('has no ratio when the denominator is zero', () => {
    expect(ratio('5.00', '0.00')).toBeNull();
    expect(shareOf(3, 0)).toBeNull();
    expect(shareOf(0, 0)).toBeNull();
  });

  it('agrees with exact rational rounding for any amounts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.bigInt({ min: 1n, max: 10n ** 14n }), (a, b) => {
        const money = (cents: bigint) => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
        // round(a / b, 4) half up, in integers: floor((2 * 10^4 * a + b) / (2b))
        const expected = (2n * 10_000n * a + b) / (2n * b);
        const text = `${expected / 10_000n}.${String(expected % 10_000n).padStart(4, '0')}`;
        expect(ratio(money(a), money(b))).toBe(text);
      }),
    );
  });

  it('gives shares of counts the same way', () => {
    expect(shareOf(1, 3)).toBe('0.3333');
    expect(shareOf(7, 7)).toBe('1.0000');
  });

  it('rounds shares of counts exactly, half up, as every rate of the dashboard is', () => {
    expect(shareOf(3, 160)).toBe('0.0188');
    expect(shareOf(0, 4)).toBe('0.0000');
    expect(shareOf(1, 2)).toBe('0.5000');
  });
});
