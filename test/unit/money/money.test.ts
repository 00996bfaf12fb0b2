import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import {
  Dec,
  addMoney,
  formatCents,
  isMoneyText,
  isUnsignedMoneyText,
  money,
  parseMoneyField,
  roundCents,
  subtractMoney,
  sumMoney,
  toMoney,
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

  it('formats text the same way as a decimal', () => {
    expect(toMoney('1.005')).toBe('1.01');
    expect(toMoney('2.675')).toBe('2.68');
    expect(toMoney('0.1')).toBe('0.10');
    expect(toMoney('-0.001')).toBe('0.00');
    for (const text of ['0', '12.345', '-7.125', '999999999999.995', '0.004999']) {
      expect(toMoney(text)).toBe(toMoney(new Dec(text)));
    }
  });

  it('tells signed from unsigned money text', () => {
    expect(isMoneyText('-5.00')).toBe(true);
    expect(isUnsignedMoneyText('-5.00')).toBe(false);
    for (const text of ['5', '5.5', '5.50', '0.00']) expect(isUnsignedMoneyText(text)).toBe(true);
    for (const bad of ['5.505', '1e5', ' 5', '5.', '.5', 5]) expect(isUnsignedMoneyText(bad)).toBe(false);
  });

  it('uses a private Decimal clone with 40 digits', () => {
    expect(Dec.precision).toBe(40);
    expect(new Dec(1).div(3).toString()).toBe('0.3333333333333333333333333333333333333333');
    expect(new Dec('1e-30').toString()).toBe('0.000000000000000000000000000001');
  });
});

describe('parseMoneyField', () => {
  const codes = (value: unknown, bounds = {}) => {
    const result = parseMoneyField(value, 'amount', bounds);
    return result.ok ? [] : result.problems.map((p) => p.code);
  };

  it.each([
    ['1000', '1000.00'],
    ['1000.5', '1000.50'],
    ['0.01', '0.01'],
    ['007.10', '7.10'],
    ['999999999999.99', '999999999999.99'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(parseMoneyField(input, 'amount')).toEqual({ ok: true, value: expected });
  });

  it('rejects anything that is not a plain unsigned decimal string', () => {
    expect(codes(1000)).toEqual(['NOT_A_STRING']);
    expect(codes(undefined)).toEqual(['REQUIRED']);
    expect(codes(null)).toEqual(['REQUIRED']);
    expect(codes('')).toEqual(['REQUIRED']);
    for (const bad of ['1,000.00', '-5.00', '1.234', '1e5', ' 100', '100.', '.5', 'abc', '１００']) {
      expect(codes(bad)).toEqual(['INVALID_AMOUNT_FORMAT']);
    }
  });

  it('requires a positive amount unless zero is allowed', () => {
    expect(codes('0.00')).toEqual(['AMOUNT_NOT_POSITIVE']);
    expect(parseMoneyField('0', 'liens', { allowZero: true })).toEqual({ ok: true, value: '0.00' });
  });

  it('enforces bounds inclusively', () => {
    const bounds = { min: '1000.00', max: '50000.00' };
    expect(codes('1000.00', bounds)).toEqual([]);
    expect(codes('50000.00', bounds)).toEqual([]);
    expect(codes('999.99', bounds)).toEqual(['AMOUNT_BELOW_MIN']);
    expect(codes('50000.01', bounds)).toEqual(['AMOUNT_ABOVE_MAX']);
    expect(parseMoneyField('1', 'amount', { min: '1000', max: '2000' })).toMatchObject({
      ok: false,
      problems: [{ message: { zh: '金额不能低于 1000.00 元', en: 'must be at least 1000.00' } }],
    });
  });

  it('refuses absurdly large amounts', () => {
    expect(codes('1000000000000.00')).toEqual(['AMOUNT_TOO_LARGE']);
  });

  it('gives bilingual messages with the field path', () => {
    const result = parseMoneyField('1.234', 'applicant.monthlyIncome');
    expect(result).toMatchObject({
      ok: false,
      problems: [{ field: 'applicant.monthlyIncome', message: { zh: expect.any(String), en: expect.any(String) } }],
    });
  });
});
