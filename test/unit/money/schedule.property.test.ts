// Properties of schedules over many random loans: all four methods × all frequencies × day
// counts, principal 100.00 … 5,000,000.00, rates 0 … 0.36, terms 1 … 360.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annualPercentageRate } from '../../../domain/apr.js';
import { addDays, daysInMonth, fromEpochDay, toCivilDate, toEpochDay } from '../../../domain/dates.js';
import { Dec } from '../../../domain/money.js';
import { buildSchedule, type ScheduleTerms } from '../../../domain/schedule.js';
import { DAY_COUNTS, FREQUENCIES, REPAYMENT_METHODS } from '../../../domain/types.js';

const cents = (text: string) => new Dec(text);
const PERIOD_DAYS = { BIWEEKLY: 14, WEEKLY: 7, DAILY: 1 } as const;

const loanArb = (minCents = 10_000) =>
  fc.record({
    principal: fc.integer({ min: minCents, max: 500_000_000 }).map((c) => new Dec(c).div(100).toFixed(2)),
    annualRate: fc.oneof(
      fc.constant('0'),
      fc.integer({ min: 0, max: 360_000 }).map((m) => new Dec(m).div(1_000_000).toString()),
    ),
    termCount: fc.integer({ min: 1, max: 360 }),
    method: fc.constantFrom(...REPAYMENT_METHODS),
    frequency: fc.constantFrom(...FREQUENCIES),
    dayCount: fc.constantFrom(...DAY_COUNTS),
    startDate: fc.integer({ min: toEpochDay('2000-01-01'), max: toEpochDay('2060-12-31') }).map(fromEpochDay),
  }) satisfies fc.Arbitrary<ScheduleTerms>;

/** The regular due date k periods after the start, computed independently of schedule.ts. */
function expectedDueDate(start: string, frequency: keyof typeof PERIOD_DAYS | 'MONTHLY', k: number): string {
  if (frequency !== 'MONTHLY') return addDays(start, k * PERIOD_DAYS[frequency]);
  const { year, month, day } = toCivilDate(start);
  const index = year * 12 + month - 1 + k;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const d = Math.min(day, daysInMonth(y, m));
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Generous timeouts: the machine running the suite may be busy.
const SLOW = { timeout: 120_000 };

describe('schedule properties', () => {
  it(
    'principal sums exactly, nothing is negative, the balance reaches zero at the last installment and not before',
    SLOW,
    () => {
      fc.assert(
        fc.property(loanArb(), (terms) => {
          const s = buildSchedule(terms);
          const rows = s.installments;
          expect(rows).toHaveLength(terms.method === 'BULLET' ? 1 : terms.termCount);
          let total = new Dec(0);
          for (const [i, r] of rows.entries()) {
            for (const v of [r.principal, r.interest, r.fee, r.total, r.remainingPrincipal]) {
              expect(v).toMatch(/^\d+\.\d{2}$/);
            }
            total = total.plus(r.principal);
            expect(cents(r.total).eq(cents(r.principal).plus(r.interest).plus(r.fee))).toBe(true);
            const remaining = cents(r.remainingPrincipal);
            if (i < rows.length - 1) expect(remaining.gt(0)).toBe(true);
            else expect(remaining.isZero()).toBe(true);
            expect(remaining.eq(cents(terms.principal).minus(total))).toBe(true);
          }
          expect(total.toFixed(2)).toBe(terms.principal);
          expect(cents(rows.at(-1)!.principal).gt(0)).toBe(true);
        }),
        { numRuns: 400 },
      );
    },
  );

  it('due dates are strictly increasing, anchored to the start day, and the term ends on time', SLOW, () => {
    fc.assert(
      fc.property(loanArb(), (terms) => {
        const rows = buildSchedule(terms).installments;
        const offset = terms.method === 'BULLET' ? terms.termCount - 1 : 0;
        rows.forEach((r, i) => {
          expect(r.dueDate).toBe(expectedDueDate(terms.startDate, terms.frequency, i + 1 + offset));
          if (i > 0) expect(toEpochDay(r.dueDate)).toBeGreaterThan(toEpochDay(rows[i - 1]!.dueDate));
        });
        expect(rows.at(-1)!.dueDate).toBe(expectedDueDate(terms.startDate, terms.frequency, terms.termCount));
      }),
      { numRuns: 300 },
    );
  });

  it('EQUAL_INSTALLMENT totals are equal except the last', SLOW, () => {
    fc.assert(
      fc.property(
        loanArb().map((t) => ({ ...t, method: 'EQUAL_INSTALLMENT' as const })),
        (terms) => {
          const s = buildSchedule(terms);
          const level = s.installmentAmount!;
          s.installments.slice(0, -1).forEach((r) => expect(r.total).toBe(level));
        },
      ),
      { numRuns: 300 },
    );
  });

  it(
    'each period’s interest is the outstanding balance × period rate, rounded half-up (monthly: annual / 12)',
    SLOW,
    () => {
      fc.assert(
        fc.property(
          loanArb()
            .map((t) => ({ ...t, frequency: 'MONTHLY' as const }))
            .filter((t) => t.method !== 'BULLET'),
          (terms) => {
            const rows = buildSchedule(terms).installments;
            let balance = cents(terms.principal);
            for (const r of rows) {
              const exact = balance.times(terms.annualRate).div(12);
              expect(r.interest).toBe(exact.toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2));
              balance = balance.minus(r.principal);
            }
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it('APR equals the nominal rate to 4 decimals without fees on regular periods', SLOW, () => {
    // Cent rounding of each period's interest moves the IRR by up to ~0.005 / principal per
    // period, so the 4-decimal equality is asserted from 100,000.00 up.
    fc.assert(
      fc.property(loanArb(10_000_000), (terms) => {
        const { apr } = annualPercentageRate(buildSchedule(terms));
        expect(Math.abs(Number(apr) - Number(terms.annualRate))).toBeLessThanOrEqual(0.00005);
      }),
      { numRuns: 300 },
    );
  });
});
