import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLuhnValid, luhnCheckDigit, validateBankCard } from '../../../domain/validation/bank-card.js';
import { creditCodeCheckChar, validateLicenseNumber } from '../../../domain/validation/business-license.js';
import { normalizePhone, validatePhone } from '../../../domain/validation/phone.js';
import { CARD } from './fixtures.js';

describe('validatePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    ['+8613800138000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['86-138-0013-8000', '13800138000'],
    ['8613800138000', '13800138000'],
    [' 138-0013-8000 ', '13800138000'],
  ])('accepts %s as %s', (input, expected) => {
    expect(validatePhone(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    '12800138000',
    '1380013800',
    '138001380001',
    '23800138000',
    '+85213800138000',
    '1380013800a',
    '+1 13800138000',
    '010-12345678',
  ])('rejects %s', (input) => {
    const result = validatePhone(input, 'applicant.phone');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([expect.objectContaining({ field: 'applicant.phone', code: 'INVALID_PHONE' })]);
  });

  it('rejects missing and non-string values', () => {
    expect(validatePhone(undefined)).toMatchObject({ ok: false, problems: [{ code: 'REQUIRED' }] });
    expect(validatePhone(13800138000)).toMatchObject({ ok: false, problems: [{ code: 'NOT_A_STRING' }] });
  });

  it('every 1[3-9] + 9 digits number normalizes to itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }), (second, rest) => {
        const phone = `1${second}${String(rest).padStart(9, '0')}`;
        expect(normalizePhone(phone)).toBe(phone);
        expect(normalizePhone(`+86 ${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`)).toBe(phone);
      }),
    );
  });
});

describe('validateBankCard', () => {
  it('accepts Luhn-valid numbers of 13 to 19 digits, ignoring spaces and dashes', () => {
    expect(validateBankCard('4111111111111111')).toEqual({ ok: true, value: '4111111111111111' });
    expect(validateBankCard('4222222222222')).toEqual({ ok: true, value: '4222222222222' });
    expect(validateBankCard(`${CARD.slice(0, 4)} ${CARD.slice(4, 8)}-${CARD.slice(8)}`)).toEqual({
      ok: true,
      value: CARD,
    });
    expect(CARD).toHaveLength(19);
  });

  it('rejects a wrong check digit', () => {
    expect(validateBankCard('4111111111111112', 'bankAccount.cardNumber')).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'bankAccount.cardNumber', code: 'INVALID_CARD_CHECKSUM' })],
    });
  });

  it('rejects too short, too long and non-digit numbers', () => {
    expect(validateBankCard('41111111111')).toMatchObject({ ok: false, problems: [{ code: 'INVALID_CARD_FORMAT' }] });
    expect(validateBankCard('41111111111111111111')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_CARD_FORMAT' }],
    });
    expect(validateBankCard('4111a11111111111')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_CARD_FORMAT' }],
    });
    expect(validateBankCard(4111111111111111)).toMatchObject({ ok: false, problems: [{ code: 'NOT_A_STRING' }] });
    expect(validateBankCard('')).toMatchObject({ ok: false, problems: [{ code: 'REQUIRED' }] });
  });

  const partials = fc.stringMatching(/^\d{11,18}$/);

  it('appending the Luhn check digit always validates', () => {
    fc.assert(
      fc.property(partials, (partial) => {
        const card = partial + luhnCheckDigit(partial);
        expect(isLuhnValid(card)).toBe(true);
        expect(validateBankCard(card)).toEqual({ ok: true, value: card });
      }),
      { numRuns: 500 },
    );
  });

  it('changing any one digit always fails', () => {
    fc.assert(
      fc.property(partials, fc.nat(), fc.integer({ min: 1, max: 9 }), (partial, at, shift) => {
        const card = partial + luhnCheckDigit(partial);
        const position = at % card.length;
        const mutated =
          card.slice(0, position) + String((Number(card[position]) + shift) % 10) + card.slice(position + 1);
        expect(isLuhnValid(mutated)).toBe(false);
        expect(validateBankCard(mutated).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('validateLicenseNumber', () => {
  it('accepts a valid unified social credit code', () => {
    expect(validateLicenseNumber('91350100M000100Y43')).toEqual({ ok: true, value: '91350100M000100Y43' });
    expect(validateLicenseNumber('92110105ma01abcd23')).toEqual({ ok: true, value: '92110105MA01ABCD23' });
  });

  it('rejects a wrong check character and a bad shape', () => {
    expect(validateLicenseNumber('91350100M000100Y44')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_LICENSE_CHECKSUM' }],
    });
    expect(validateLicenseNumber('91350100M000100I43')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_LICENSE_NUMBER' }],
    });
    expect(validateLicenseNumber('9135010')).toMatchObject({
      ok: false,
      problems: [{ code: 'INVALID_LICENSE_NUMBER' }],
    });
  });

  it('the computed check character always validates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^9[1-3]\d{6}[0-9A-HJ-NPQRTUWXY]{9}$/), (first17) => {
        expect(validateLicenseNumber(first17 + creditCodeCheckChar(first17)).ok).toBe(true);
      }),
    );
  });
});
