import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, validateAllocationOrder, type OwedAmounts } from '../../../domain/allocation.js';
import { DomainError } from '../../../domain/errors.js';
import { Dec } from '../../../domain/money.js';

const owed = (penalty: string, lateFee: string, fee: string, interest: string, principal: string): OwedAmounts => ({
  penalty,
  lateFee,
  fee,
  interest,
  principal,
});

describe('allocation waterfall', () => {
  const two = [
    { number: 1, owed: owed('3.00', '2.00', '5.00', '100.00', '790.00') },
    { number: 2, owed: owed('1.00', '0.00', '5.00', '90.00', '800.00') },
  ];

  it('default order PENALTY (penalty, then late fee) → FEE → INTEREST → PRINCIPAL, oldest installment first', () => {
    const r = allocate('950.00', two);
    expect(r.lines).toEqual([
      {
        number: 1,
        penalty: '3.00',
        lateFee: '2.00',
        fee: '5.00',
        interest: '100.00',
        principal: '790.00',
        total: '900.00',
      },
      {
        number: 2,
        penalty: '1.00',
        lateFee: '0.00',
        fee: '5.00',
        interest: '44.00',
        principal: '0.00',
        total: '50.00',
      },
    ]);
    expect(r).toMatchObject({ allocated: '950.00', remaining: '0.00' });
  });

  it('a partial payment stops where the money does', () => {
    const r = allocate('50.00', two);
    expect(r.lines).toEqual([
      {
        number: 1,
        penalty: '3.00',
        lateFee: '2.00',
        fee: '5.00',
        interest: '40.00',
        principal: '0.00',
        total: '50.00',
      },
    ]);
  });

  it('follows a configured order', () => {
    const r = allocate('800.00', two, ['PRINCIPAL', 'INTEREST', 'FEE', 'PENALTY']);
    expect(r.lines[0]).toMatchObject({ principal: '790.00', interest: '10.00', fee: '0.00', penalty: '0.00' });
  });

  it('returns what is left over and never takes more than is owed', () => {
    expect(allocate('5000.00', two)).toMatchObject({ allocated: '1796.00', remaining: '3204.00' });
  });

  it('refuses an order that does not name each component once', () => {
    expect(validateAllocationOrder(['PENALTY', 'FEE', 'INTEREST'])).toHaveLength(1);
    expect(validateAllocationOrder(['PENALTY', 'FEE', 'INTEREST', 'INTEREST'])[0]?.code).toBe(
      'INVALID_ALLOCATION_ORDER',
    );
    expect(validateAllocationOrder(['PRINCIPAL', 'FEE', 'INTEREST', 'PENALTY'])).toEqual([]);
    expect(() => allocate('1.00', two, ['FEE', 'FEE', 'FEE', 'FEE'])).toThrow(DomainError);
  });

  it('property: each component gets at most what is owed, and allocated + remaining = funds', () => {
    const amount = fc.integer({ min: 0, max: 1_000_000 }).map((c) => new Dec(c).div(100).toFixed(2));
    const orderArb = fc.shuffledSubarray(['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'] as const, {
      minLength: 4,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(amount, amount, amount, amount, amount), { maxLength: 6 }),
        amount,
        orderArb,
        (rows, funds, order) => {
          const items = rows.map((r, i) => ({ number: i + 1, owed: owed(...r) }));
          const result = allocate(funds, items, order);
          for (const line of result.lines) {
            const o = items[line.number - 1]!.owed;
            for (const key of ['penalty', 'lateFee', 'fee', 'interest', 'principal'] as const) {
              expect(new Dec(line[key]).lte(o[key])).toBe(true);
              expect(new Dec(line[key]).gte(0)).toBe(true);
            }
          }
          expect(new Dec(result.allocated).plus(result.remaining).toFixed(2)).toBe(funds);
          const totalOwed = items.reduce(
            (s, it) =>
              s
                .plus(it.owed.penalty)
                .plus(it.owed.lateFee)
                .plus(it.owed.fee)
                .plus(it.owed.interest)
                .plus(it.owed.principal),
            new Dec(0),
          );
          expect(new Dec(result.allocated).eq(Dec.min(totalOwed, funds))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
