import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancesOf, entryProblem, type PostedLine } from '../../../domain/ledger.js';
import { Dec, money } from '../../../domain/money.js';
import {
  DEFAULT_PROVISION_RATES,
  parseProvisionRates,
  provisionEntry,
  provisionFor,
  provisionMove,
} from '../../../domain/provisions.js';
import { LOAN_CLASSES, type LoanClass } from '../../../domain/types.js';

const rates = DEFAULT_PROVISION_RATES;

describe('provision by five-category class', () => {
  it('holds 1% / 2% / 25% / 50% / 100% of outstanding principal by default, to the cent half-up', () => {
    expect(LOAN_CLASSES.map((c) => provisionFor('200000.00', c, rates))).toEqual([
      '2000.00',
      '4000.00',
      '50000.00',
      '100000.00',
      '200000.00',
    ]);
    expect(provisionFor('1234.50', 'NORMAL', rates)).toBe('12.35');
    expect(provisionFor('0.00', 'LOSS', rates)).toBe('0.00');
  });

  it('is first set when never set, moves on a class change, stays otherwise, is released when no principal is left', () => {
    const base = { previousClass: 'NORMAL' as LoanClass, classification: 'NORMAL' as LoanClass, rates };
    expect(provisionMove({ ...base, held: '0.00', outstandingPrincipal: '10000.00' })).toBe('100.00');
    expect(provisionMove({ ...base, held: '100.00', outstandingPrincipal: '8000.00' })).toBeNull();
    expect(
      provisionMove({ ...base, classification: 'SUBSTANDARD', held: '100.00', outstandingPrincipal: '8000.00' }),
    ).toBe('1900.00');
    expect(
      provisionMove({
        ...base,
        previousClass: 'SUBSTANDARD',
        classification: 'NORMAL',
        held: '2000.00',
        outstandingPrincipal: '6000.00',
      }),
    ).toBe('-1940.00');
    expect(provisionMove({ ...base, held: '100.00', outstandingPrincipal: '0.00' })).toBe('-100.00');
    expect(provisionMove({ ...base, held: '0.00', outstandingPrincipal: '0.00' })).toBeNull();
  });

  it('posts balanced entries: a charge to PROVISION_EXPENSE, a release back, under loan:<id>:provision:<n>', () => {
    const charge = provisionEntry({
      loanId: 'L',
      sequence: 1,
      on: '2026-12-01',
      delta: '100.00',
      classification: 'NORMAL',
    });
    expect(charge.businessKey).toBe('loan:L:provision:1');
    expect(charge.lines).toEqual([
      { account: 'PROVISION_EXPENSE', debit: '100.00', credit: '0.00' },
      { account: 'LOAN_LOSS_RESERVE', debit: '0.00', credit: '100.00' },
    ]);
    const release = provisionEntry({
      loanId: 'L',
      sequence: 2,
      on: '2026-12-02',
      delta: '-40.00',
      classification: 'NORMAL',
    });
    expect(entryProblem(release)).toBeNull();
    const lines: PostedLine[] = [...charge.lines, ...release.lines].map((l) => ({ ...l, loanId: 'L' }));
    expect(balancesOf(lines).LOAN_LOSS_RESERVE).toBe('60.00');
    expect(balancesOf(lines).PROVISION_EXPENSE).toBe('60.00');
    expect(() =>
      provisionEntry({ loanId: 'L', sequence: 3, on: '2026-12-02', delta: '0.00', classification: 'NORMAL' }),
    ).toThrow();
  });

  it('after any sequence of class changes and repayments, the reserve held equals the rate of the last class times the principal at the last move (property)', () => {
    const step = fc.record({
      classification: fc.constantFrom(...LOAN_CLASSES),
      repaid: fc.integer({ min: 0, max: 5_000_00 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_00, max: 1_000_000_00 }),
        fc.array(step, { maxLength: 40 }),
        (start, steps) => {
          let outstanding = new Dec(start).div(100);
          let previous: LoanClass = 'NORMAL';
          let held = new Dec(0);
          let lastTarget = new Dec(0);
          for (const s of [...steps, { classification: 'NORMAL' as LoanClass, repaid: start }]) {
            outstanding = Dec.max(0, outstanding.minus(new Dec(s.repaid).div(100)));
            const delta = provisionMove({
              held: held.toFixed(2),
              previousClass: previous,
              classification: s.classification,
              outstandingPrincipal: outstanding.toFixed(2),
              rates,
            });
            if (delta !== null) {
              held = held.plus(money(delta));
              lastTarget = money(provisionFor(outstanding.toFixed(2), s.classification, rates));
              expect(held.eq(lastTarget)).toBe(true);
            }
            expect(held.isNeg()).toBe(false);
            previous = s.classification;
          }
          // Paid off at the end: nothing is held.
          expect(held.isZero()).toBe(true);
        },
      ),
    );
  });
});

describe('provision rates from finance or risk', () => {
  it('takes every class as a fraction from 0 to 1', () => {
    const r = parseProvisionRates({
      NORMAL: '0.015',
      SPECIAL_MENTION: '0.03',
      SUBSTANDARD: '0.3',
      DOUBTFUL: '0.6',
      LOSS: '1',
    });
    expect(r).toEqual({
      ok: true,
      value: { NORMAL: '0.0150', SPECIAL_MENTION: '0.0300', SUBSTANDARD: '0.3000', DOUBTFUL: '0.6000', LOSS: '1.0000' },
    });
  });

  it('names the field of each problem', () => {
    const fields = (input: unknown) => {
      const r = parseProvisionRates(input);
      return r.ok ? [] : r.problems.map((p) => p.field);
    };
    expect(fields({ ...DEFAULT_PROVISION_RATES, LOSS: '1.5' })).toEqual(['rates.LOSS']);
    expect(fields({ ...DEFAULT_PROVISION_RATES, DOUBTFUL: 'half' })).toEqual(['rates.DOUBTFUL']);
    expect(fields({ ...DEFAULT_PROVISION_RATES, WATCH: '0.1' })).toEqual(['rates.WATCH']);
    const { NORMAL: _n, ...noNormal } = DEFAULT_PROVISION_RATES;
    expect(fields(noNormal)).toEqual(['rates.NORMAL']);
    expect(fields({ ...DEFAULT_PROVISION_RATES, SUBSTANDARD: '0.01' })).toEqual(['rates.SUBSTANDARD']);
    expect(fields('all')).toEqual(['rates']);
  });
});
