import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import { Dec } from '../../../domain/money.js';
import { formatPercent, parseRateField, rate, toRate } from '../../../domain/rates.js';

describe('rates', () => {
  it('formats with the places asked for, half-up', () => {
    expect(toRate(new Dec('0.1200004'), 6)).toBe('0.120000');
    expect(toRate(new Dec('0.1200005'), 6)).toBe('0.120001');
    expect(toRate(new Dec('0.049'), 4)).toBe('0.0490');
    expect(toRate(new Dec('0.12345'), 4)).toBe('0.1235');
    expect(toRate('0.12', 4)).toBe('0.1200');
    expect(toRate(new Dec(1).div(3), 10)).toBe('0.3333333333');
  });

  it('never prints a negative zero', () => {
    expect(toRate(new Dec('-0.00000001'), 6)).toBe('0.000000');
    expect(toRate('-0.00001', 4)).toBe('0.0000');
    expect(toRate(new Dec('-0.00005'), 4)).toBe('-0.0001');
  });

  it('reads valid rate text and throws on anything else', () => {
    expect(rate('0.049').toString()).toBe('0.049');
    expect(rate('-0.01').isNeg()).toBe(true);
    expect(() => rate('12%')).toThrow(DomainError);
    expect(() => rate('1e-2')).toThrow(DomainError);
  });

  it('formats percentages with the places asked for', () => {
    expect(formatPercent('0.1200', 2)).toBe('12.00%');
    expect(formatPercent('0.2399', 2)).toBe('23.99%');
    expect(formatPercent('0.5', 0)).toBe('50%');
    expect(formatPercent('0.12345', 2)).toBe('12.35%');
    expect(formatPercent('0.0835', 1)).toBe('8.4%');
  });
});

describe('parseRateField', () => {
  it('normalizes to the places asked for and checks bounds', () => {
    expect(parseRateField('0.12', 'annualRate', 4)).toEqual({ ok: true, value: '0.1200' });
    expect(parseRateField('0.12', 'annualRate', 6)).toEqual({ ok: true, value: '0.120000' });
    expect(parseRateField('0.3', 'annualRate', 4, { max: '0.24' })).toMatchObject({
      ok: false,
      problems: [{ code: 'RATE_ABOVE_MAX', message: { zh: '不能高于 24.00%', en: 'must be at most 24.00%' } }],
    });
    expect(parseRateField('0.24', 'annualRate', 4, { max: '0.24' })).toEqual({ ok: true, value: '0.2400' });
    expect(parseRateField('0.05', 'annualRate', 4, { min: '0.06' })).toMatchObject({
      ok: false,
      problems: [{ code: 'RATE_BELOW_MIN' }],
    });
    expect(parseRateField('0', 'annualRate', 4)).toMatchObject({
      ok: false,
      problems: [{ code: 'RATE_NOT_POSITIVE' }],
    });
    expect(parseRateField('0', 'penaltyMarkup', 4, { allowZero: true })).toEqual({ ok: true, value: '0.0000' });
    expect(parseRateField('10', 'annualRate', 4)).toMatchObject({ ok: false, problems: [{ code: 'RATE_TOO_LARGE' }] });
  });

  it('refuses more decimals than the places, and anything not an unsigned decimal string', () => {
    expect(parseRateField('0.123456', 'annualRate', 4)).toMatchObject({
      ok: false,
      problems: [{ field: 'annualRate', code: 'INVALID_RATE_FORMAT' }],
    });
    expect(parseRateField('0.123456', 'annualRate', 6)).toEqual({ ok: true, value: '0.123456' });
    expect(parseRateField('0.5', 'share', 0)).toMatchObject({ ok: false, problems: [{ code: 'INVALID_RATE_FORMAT' }] });
    expect(parseRateField('1', 'share', 0)).toEqual({ ok: true, value: '1' });
    for (const bad of ['12%', '-0.1', '1e-2', ' 0.1', '.1', '0.', 0.12]) {
      expect(parseRateField(bad, 'annualRate', 4)).toMatchObject({
        ok: false,
        problems: [{ code: 'INVALID_RATE_FORMAT' }],
      });
    }
    for (const missing of [undefined, null, '']) {
      expect(parseRateField(missing, 'annualRate', 4)).toMatchObject({ ok: false, problems: [{ code: 'REQUIRED' }] });
    }
  });
});
