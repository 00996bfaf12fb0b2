import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, PROVINCE_CODES, validateIdNumber } from '../../../domain/validation/id-number.js';
import { formatLocalDate } from '../../../domain/dates.js';
import { makeId, TODAY } from './fixtures.js';

const codes = (value: unknown, asOf = TODAY) => {
  const result = validateIdNumber(value, asOf, 'applicant.idNumber');
  return result.ok ? [] : result.problems.map((p) => p.code);
};

describe('validateIdNumber', () => {
  it('accepts the GB 11643-1999 example with an X check character', () => {
    const result = validateIdNumber('11010519491231002X', TODAY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.birthDate).toBe('1949-12-31');
    expect(result.value.gender).toBe('FEMALE');
    expect(result.value.regionCode).toBe('110105');
    expect(result.value.age).toBe(76);
    expect(result.value.ageOn('2049-12-30')).toBe(99);
    expect(result.value.ageOn('2049-12-31')).toBe(100);
  });

  it('accepts a lowercase x and normalizes it', () => {
    const result = validateIdNumber(' 11010519491231002x ', TODAY);
    expect(result.ok && result.value.idNumber).toBe('11010519491231002X');
  });

  it('reads gender from the 17th digit', () => {
    const male = validateIdNumber(makeId('440304', '19850615', '123'), TODAY);
    const female = validateIdNumber(makeId('440304', '19850615', '124'), TODAY);
    expect(male.ok && male.value.gender).toBe('MALE');
    expect(female.ok && female.value.gender).toBe('FEMALE');
  });

  it('computes age in completed years', () => {
    const id = makeId('310101', '20080615', '011');
    const before = validateIdNumber(id, '2026-06-14');
    expect(before.ok && before.value.age).toBe(17);
    const on = validateIdNumber(id, '2026-06-15');
    expect(on.ok && on.value.age).toBe(18);
  });

  it('treats a 29 February birthday as passed on 1 March of common years', () => {
    const result = validateIdNumber(makeId('320102', '20000229', '031'), TODAY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.ageOn('2018-02-28')).toBe(17);
    expect(result.value.ageOn('2018-03-01')).toBe(18);
    expect(result.value.ageOn('2024-02-29')).toBe(24);
  });

  it('rejects a wrong check character', () => {
    expect(codes('110105194912310021')).toEqual(['INVALID_CHECKSUM']);
  });

  it('rejects 30 February and 29 February of a common year', () => {
    expect(codes(makeId('110105', '19990230', '001'))).toEqual(['INVALID_BIRTH_DATE']);
    expect(codes(makeId('110105', '19990229', '001'))).toEqual(['INVALID_BIRTH_DATE']);
    expect(codes(makeId('110105', '20000229', '001'))).toEqual([]);
    expect(codes(makeId('110105', '19001229', '001'))).toEqual([]);
    expect(codes(makeId('110105', '19000229', '001'))).toEqual(['INVALID_BIRTH_DATE']);
    expect(codes(makeId('110105', '19901301', '001'))).toEqual(['INVALID_BIRTH_DATE']);
    expect(codes(makeId('110105', '19900100', '001'))).toEqual(['INVALID_BIRTH_DATE']);
    expect(codes(makeId('110105', '18991231', '001'))).toEqual(['INVALID_BIRTH_DATE']);
  });

  it('rejects a birth date after asOf but accepts one on asOf', () => {
    expect(codes(makeId('110105', '20260616', '001'))).toEqual(['BIRTH_DATE_IN_FUTURE']);
    expect(codes(makeId('110105', '20260615', '001'))).toEqual([]);
  });

  it('rejects an unknown province code', () => {
    expect(codes(makeId('990105', '19900101', '001'))).toEqual(['INVALID_REGION']);
    expect(codes(makeId('100105', '19900101', '001'))).toEqual(['INVALID_REGION']);
  });

  it('reports every problem of a well-shaped number at once', () => {
    expect(codes('990105199902300010')).toEqual(['INVALID_REGION', 'INVALID_BIRTH_DATE', 'INVALID_CHECKSUM']);
  });

  it('rejects wrong lengths, shapes and types', () => {
    expect(codes('11010519491231002')).toEqual(['INVALID_LENGTH']);
    expect(codes('11010519491231002X1')).toEqual(['INVALID_LENGTH']);
    expect(codes('110105491231002')).toEqual(['INVALID_LENGTH']);
    expect(codes('1101051949123100X2')).toEqual(['INVALID_FORMAT']);
    expect(codes('11010519491231002Y')).toEqual(['INVALID_FORMAT']);
    expect(codes(110105194912310020)).toEqual(['NOT_A_STRING']);
    expect(codes(undefined)).toEqual(['REQUIRED']);
    expect(codes('')).toEqual(['REQUIRED']);
  });

  it('puts the field path, and both languages, on every problem', () => {
    const result = validateIdNumber('110105194912310021', TODAY, 'guarantor.idNumber');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ field: 'guarantor.idNumber', code: 'INVALID_CHECKSUM' });
    expect(result.problems[0]!.message.zh).toMatch(/身份证/);
    expect(result.problems[0]!.message.en).toMatch(/check digit/);
  });
});

describe('ID checksum properties', () => {
  const provinces = [...PROVINCE_CODES];
  const validFirst17 = fc
    .record({
      province: fc.constantFrom(...provinces),
      rest: fc.integer({ min: 0, max: 9999 }),
      date: fc.date({
        min: new Date('1930-01-01T00:00:00Z'),
        max: new Date('2026-06-15T00:00:00Z'),
        noInvalidDate: true,
      }),
      sequence: fc.integer({ min: 0, max: 999 }),
    })
    .map(({ province, rest, date, sequence }) => {
      const birth = formatLocalDate({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
      }).replaceAll('-', '');
      return `${province}${String(rest).padStart(4, '0')}${birth}${String(sequence).padStart(3, '0')}`;
    });

  it('a number built with the computed check character validates', () => {
    fc.assert(
      fc.property(validFirst17, (first17) => {
        const result = validateIdNumber(first17 + idNumberCheckChar(first17), TODAY);
        expect(result.ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('changing any one digit of the first 17 breaks the checksum', () => {
    fc.assert(
      fc.property(
        validFirst17,
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 1, max: 9 }),
        (first17, position, shift) => {
          const id = first17 + idNumberCheckChar(first17);
          const changed = String((Number(id[position]) + shift) % 10);
          const mutated = id.slice(0, position) + changed + id.slice(position + 1);
          const result = validateIdNumber(mutated, TODAY);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.problems.map((p) => p.code)).toContain('INVALID_CHECKSUM');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any other check character fails', () => {
    fc.assert(
      fc.property(validFirst17, fc.constantFrom(...'0123456789X'), (first17, check) => {
        fc.pre(check !== idNumberCheckChar(first17));
        expect(codes(first17 + check)).toEqual(['INVALID_CHECKSUM']);
      }),
      { numRuns: 300 },
    );
  });
});
