import { describe, expect, it } from 'vitest';
import { parseMoneyField, toMoney } from '../../../domain/validation/amount.js';
import { formatPercent, parseRateField } from '../../../domain/validation/rate.js';

const codes = (value: unknown, bounds = {}) => {
  const result = parseMoneyField(value, 'amount', bounds);
  return result.ok ? [] : result.problems.map((p) => p.code);
};

describe('parseMoneyField', () => {
  it.each([
    ['1000', '1000.00'],
    ['1000.5', '1000.50'],
    ['0.01', '0.01'],
    ['007.10', '7.10'],
    ['999999999999.99', '999999999999.99'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(parseMoneyField(input, 'amount')).toEqual({ ok: true, value: expected });
  });

  it('rejects anything that is not a plain decimal string', () => {
    expect(codes(1000)).toEqual(['NOT_A_STRING']);
    expect(codes(undefined)).toEqual(['REQUIRED']);
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

  it('toMoney rounds half up to two decimals', () => {
    expect(toMoney('1.005')).toBe('1.01');
    expect(toMoney('2.675')).toBe('2.68');
    expect(toMoney('0.1')).toBe('0.10');
  });
});

describe('parseRateField', () => {
  it('normalizes to four decimals and checks bounds', () => {
    expect(parseRateField('0.12', 'annualRate')).toEqual({ ok: true, value: '0.1200' });
    expect(parseRateField('0.3', 'annualRate', { max: '0.24' })).toMatchObject({
      ok: false,
      problems: [{ code: 'RATE_ABOVE_MAX' }],
    });
    expect(parseRateField('0.05', 'annualRate', { min: '0.06' })).toMatchObject({
      ok: false,
      problems: [{ code: 'RATE_BELOW_MIN' }],
    });
    expect(parseRateField('0', 'annualRate')).toMatchObject({ ok: false, problems: [{ code: 'RATE_NOT_POSITIVE' }] });
    expect(parseRateField('12%', 'annualRate')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_RATE_FORMAT' }],
    });
    expect(parseRateField('0.123456', 'annualRate')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_RATE_FORMAT' }],
    });
  });

  it('formats percentages', () => {
    expect(formatPercent('0.1200')).toBe('12.00%');
    expect(formatPercent('0.2399')).toBe('23.99%');
    expect(formatPercent('0.5', 0)).toBe('50%');
  });
});
