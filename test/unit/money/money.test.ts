import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import {
  Dec,
  addMoney,
  formatCents,
  isMoneyText,
  money,
  roundCents,
  subtractMoney,
  sumMoney,
  toMoney,
  toRate,
  truncateCents,
} from '../../../domain/money.js';

describe('money', () => {
  it('rounds half-up to the cent, never to whole units', () => {
    expect(toMoney(new Dec('1.005'))).toBe('1.01');
    expect(toMoney(new Dec('1.004999'))).toBe('1.00');
    expect(toMoney(new Dec('2.675'))).toBe('2.68'); // 2.675 is 2.67499… as a float
    expect(toMoney(new Dec('-1.005'))).toBe('-1.01');
    expect(toMoney(new Dec('1234567.891'))).toBe('1234567.89');
    expect(roundCents(new Dec('0.125')).toFixed(2)).toBe('0.13');
    expect(truncateCents(new Dec('0.129')).toFixed(2)).toBe('0.12');
  });

  it('never prints -0.00', () => {
    expect(toMoney(new Dec('-0.001'))).toBe('0.00');
    expect(formatCents(new Dec('-0'))).toBe('0.00');
  });

  it('formats whole cents with exactly two decimals', () => {
    expect(formatCents(new Dec('100'))).toBe('100.00');
    expect(formatCents(new Dec('92.1'))).toBe('92.10');
    expect(formatCents(new Dec('0.05'))).toBe('0.05');
    expect(formatCents(new Dec('123456789012.34'))).toBe('123456789012.34');
  });

  it('is exact where floats are not', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(sumMoney(['0.10', '0.20', '0.30'])).toBe('0.60');
    expect(subtractMoney('1.00', '0.90')).toBe('0.10');
  });

  it('reads only decimal money text', () => {
    expect(isMoneyText('100')).toBe(true);
    expect(isMoneyText('100.5')).toBe(true);
    expect(isMoneyText('100.50')).toBe(true);
    expect(isMoneyText('100.505')).toBe(false);
    expect(isMoneyText('1e5')).toBe(false);
    expect(isMoneyText(' 1')).toBe(false);
    expect(isMoneyText(100)).toBe(false);
    expect(() => money('abc')).toThrow(DomainError);
  });

  it('formats rates with six decimals by default', () => {
    expect(toRate(new Dec('0.1200004'))).toBe('0.120000');
    expect(toRate(new Dec('0.1200005'))).toBe('0.120001');
    expect(toRate(new Dec('0.049'), 4)).toBe('0.0490');
  });

  it('uses a private Decimal clone with 40 digits', () => {
    expect(Dec.precision).toBe(40);
    expect(new Dec(1).div(3).toString()).toBe('0.3333333333333333333333333333333333333333');
    expect(new Dec('1e-30').toString()).toBe('0.000000000000000000000000000001');
  });
});
