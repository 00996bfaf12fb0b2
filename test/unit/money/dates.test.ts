import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  civilFromDays,
  daysBetween,
  days360,
  daysFromCivil,
  daysInMonth,
  fromEpochDay,
  isLeapYear,
  isValidLocalDate,
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
