import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_NUMBERS,
  chartOrder,
  closeProblem,
  nextPeriod,
  parsePeriodField,
  periodBounds,
  periodOf,
  postingDate,
} from '../../../domain/chart-of-accounts.js';
import { ACCOUNTS, ACCOUNT_KIND, ENTRY_KINDS } from '../../../domain/ledger.js';

const migrations = new URL('../../../db/migrations/', import.meta.url);
const migration = readdirSync(migrations)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => readFileSync(new URL(f, migrations), 'utf8'))
  .join('\n');

describe('chart of accounts', () => {
  it('gives every account a distinct numeric code whose first digit is its kind', () => {
    const codes = ACCOUNTS.map((a) => ACCOUNT_NUMBERS[a]);
    expect(new Set(codes).size).toBe(ACCOUNTS.length);
    for (const a of ACCOUNTS) {
      expect(ACCOUNT_NUMBERS[a]).toMatch(/^\d{4}(\d{2})?$/);
      const first = ACCOUNT_NUMBERS[a][0];
      const expected = { ASSET: '1', CONTRA_ASSET: '1', LIABILITY: '2', EQUITY: '4', INCOME: '6', EXPENSE: '6' }[
        ACCOUNT_KIND[a]
      ];
      expect(first, a).toBe(expected);
    }
    expect(chartOrder()[0]).toBe('CASH_ON_HAND');
    expect(chartOrder().at(-1)).toBe('LOAN_LOSS');
  });

  it('stores the same codes and entry kinds in the database as the domain names', () => {
    for (const a of ACCOUNTS) expect(migration, a).toContain(`('${a}', '${ACCOUNT_NUMBERS[a]}')`);
    for (const k of ENTRY_KINDS) expect(migration, k).toContain(`'${k}'`);
  });
});

describe('periods', () => {
  it('reads YYYY-MM and names the field otherwise', () => {
    expect(parsePeriodField('2026-11', 'period')).toEqual({ ok: true, value: '2026-11' });
    for (const bad of ['2026-13', '2026-1', '2026-00', '26-11', '2026-11-01', 202611, undefined]) {
      const r = parsePeriodField(bad, 'period');
      expect(r.ok, String(bad)).toBe(false);
      if (!r.ok) expect(r.problems[0]!.field).toBe('period');
    }
  });

  it('bounds months, leap Februaries included', () => {
    expect(periodBounds('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(periodBounds('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodBounds('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(nextPeriod('2026-12')).toBe('2027-01');
  });

  it('closes only a month that has ended', () => {
    expect(closeProblem('2026-11', '2026-12-01')).toBeNull();
    expect(closeProblem('2026-11', '2026-11-30')).not.toBeNull();
    expect(closeProblem('2026-12', '2026-11-15')).not.toBeNull();
  });

  it('moves a date in a closed month to the first day of the first open month after it', () => {
    const closed = new Set(['2026-10', '2026-11']);
    expect(postingDate('2026-10-15', closed)).toBe('2026-12-01');
    expect(postingDate('2026-11-30', closed)).toBe('2026-12-01');
    expect(postingDate('2026-12-05', closed)).toBe('2026-12-05');
    expect(postingDate('2026-09-30', closed)).toBe('2026-09-30');
  });

  it('never lands in a closed month, and never earlier than asked (property)', () => {
    const month = fc.record({ y: fc.integer({ min: 2000, max: 2040 }), m: fc.integer({ min: 1, max: 12 }) });
    const p = ({ y, m }: { y: number; m: number }) => `${y}-${String(m).padStart(2, '0')}`;
    fc.assert(
      fc.property(fc.array(month, { maxLength: 30 }), month, fc.integer({ min: 1, max: 28 }), (closedList, at, day) => {
        const closed = new Set(closedList.map(p));
        const date = `${p(at)}-${String(day).padStart(2, '0')}`;
        const landed = postingDate(date, closed);
        expect(closed.has(periodOf(landed))).toBe(false);
        expect(landed >= date).toBe(true);
        if (!closed.has(periodOf(date))) expect(landed).toBe(date);
        else expect(landed.endsWith('-01')).toBe(true);
      }),
    );
  });
});
