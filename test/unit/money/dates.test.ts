import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import {
  addDays,
  addMonths,
  civilFromDays,
  completedYears,
  daysBetween,
  days360,
  daysFromCivil,
  daysInMonth,
  fromEpochDay,
  isLeapYear,
  isRealDate,
  isValidLocalDate,
  parseLocalDateField,
  toCivilDate,
  toEpochDay,
} from '../../../domain/dates.js';

describe('calendar dates', () => {
  it('knows the epoch and leap years', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(fromEpochDay(-1)).toBe('1969-12-31');
    expect(toEpochDay('2000-03-01') - toEpochDay('2000-02-28')).toBe(2); // 2000 is a leap year
    expect(toEpochDay('1900-03-01') - toEpochDay('1900-02-28')).toBe(1); // 1900 is not
    expect(isLeapYear(2024)).toBe(true);
    expect(isLeapYear(2100)).toBe(false);
    expect(isLeapYear(2400)).toBe(true);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2026, 2)).toBe(28);
  });

  it('rejects impossible dates', () => {
    expect(isValidLocalDate('2026-02-30')).toBe(false);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
    expect(isValidLocalDate('2026-04-31')).toBe(false);
    expect(isValidLocalDate('2026-1-1')).toBe(false);
    expect(isValidLocalDate('20260101')).toBe(false);
  });

  it('anchors months on the start day: 31 Jan → 28/29 Feb → 31 Mar', () => {
    const anchored = (start: string, n: number) => Array.from({ length: n }, (_, k) => addMonths(start, k + 1));
    expect(anchored('2026-01-31', 4)).toEqual(['2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
    expect(anchored('2028-01-31', 2)).toEqual(['2028-02-29', '2028-03-31']);
    expect(anchored('2026-01-30', 2)).toEqual(['2026-02-28', '2026-03-30']);
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2026-02-28', 1, 31)).toBe('2026-03-31');
  });

  it('counts 30/360 bond-basis days', () => {
    expect(days360('2026-01-31', '2026-02-28')).toBe(28);
    expect(days360('2026-01-30', '2026-03-31')).toBe(60);
    expect(days360('2026-01-15', '2026-02-15')).toBe(30);
    expect(days360('2026-02-28', '2026-03-31')).toBe(33);
    expect(days360('2026-01-01', '2027-01-01')).toBe(360);
  });

  it('round-trips day numbers (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_000, max: 2_900_000 }), (n) => {
        const { year, month, day } = civilFromDays(n);
        expect(daysFromCivil(year, month, day)).toBe(n);
        expect(toEpochDay(fromEpochDay(n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it('adds days consistently with Date.UTC (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: -5000, max: 5000 }), (n, k) => {
        const date = fromEpochDay(n);
        const ms = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + k);
        expect(addDays(date, k)).toBe(new Date(ms).toISOString().slice(0, 10));
        expect(daysBetween(date, addDays(date, k))).toBe(k);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('reading dates', () => {
  it('reads a valid date into year, month and day, and throws on anything else', () => {
    expect(toCivilDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    for (const bad of ['2026-02-29', '2026-1-1', '', '0000-01-01']) {
      expect(() => toCivilDate(bad)).toThrow(DomainError);
    }
  });

  it('knows real days from year, month and day', () => {
    expect(isRealDate(2028, 2, 29)).toBe(true);
    expect(isRealDate(2026, 2, 29)).toBe(false);
    expect(isRealDate(2026, 4, 31)).toBe(false);
    expect(isRealDate(2026, 13, 1)).toBe(false);
    expect(isRealDate(0, 1, 1)).toBe(false);
    expect(isRealDate(2026, 1.5, 1)).toBe(false);
  });

  it('parses untrusted input into a date or a bilingual problem naming the field', () => {
    expect(parseLocalDateField('2026-12-01', 'startDate')).toEqual({ ok: true, value: '2026-12-01' });
    for (const bad of ['2026-02-30', '2026-2-3', 20261201, null, undefined, '2026-12-01T00:00:00Z']) {
      expect(parseLocalDateField(bad, 'startDate')).toEqual({
        ok: false,
        problems: [
          {
            field: 'startDate',
            code: 'INVALID_DATE',
            message: {
              zh: '日期无效，格式为 YYYY-MM-DD 且须为真实日期',
              en: 'must be a real calendar date as YYYY-MM-DD',
            },
          },
        ],
      });
    }
    const bounds = { minYear: 1900, maxYear: 2200 };
    expect(parseLocalDateField('1900-01-01', 'd', bounds).ok).toBe(true);
    expect(parseLocalDateField('2200-12-31', 'd', bounds).ok).toBe(true);
    expect(parseLocalDateField('1899-12-31', 'd', bounds)).toMatchObject({
      ok: false,
      problems: [{ code: 'DATE_OUT_OF_RANGE', message: { en: 'year must be between 1900 and 2200' } }],
    });
  });
});

describe('completed years', () => {
  it('counts birthdays that have passed, 29 February turning on 1 March in common years', () => {
    expect(completedYears('2000-06-15', '2026-06-14')).toBe(25);
    expect(completedYears('2000-06-15', '2026-06-15')).toBe(26);
    expect(completedYears('2004-02-29', '2026-02-28')).toBe(21);
    expect(completedYears('2004-02-29', '2026-03-01')).toBe(22);
    expect(completedYears('2004-02-29', '2028-02-29')).toBe(24);
    expect(() => completedYears('2004-02-30', '2026-01-01')).toThrow(DomainError);
  });
});
