import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AML_THRESHOLDS,
  amlLookbackStart,
  detectAml,
  earlyPayoffFindings,
  largeCashFindings,
  structuringFindings,
  type AmlPayment,
} from '../../../domain/aml-rules.js';
import { addDays } from '../../../domain/dates.js';
import { money, sum } from '../../../domain/money.js';

const T = AML_THRESHOLDS;
let seq = 0;
const pay = (customerId: string, amount: string, receivedOn: string, channel = 'CASH'): AmlPayment => ({
  paymentId: `p${++seq}`,
  customerId,
  loanId: `loan-${customerId}`,
  channel,
  amount,
  receivedOn,
});

describe('large-value cash (大额现金, 50,000 a day per customer)', () => {
  it('reports at exactly 50,000.00 summed over the day, not at 49,999.99', () => {
    const at = largeCashFindings(
      '2026-05-10',
      [pay('a', '30000.00', '2026-05-10'), pay('a', '20000.00', '2026-05-10')],
      T,
    );
    expect(at).toEqual([
      expect.objectContaining({ customerId: 'a', rule: 'LARGE_CASH_DAY', kind: 'LARGE_VALUE', amount: '50000.00' }),
    ]);
    expect(at[0]!.paymentIds).toHaveLength(2);
    const under = largeCashFindings(
      '2026-05-10',
      [pay('a', '30000.00', '2026-05-10'), pay('a', '19999.99', '2026-05-10')],
      T,
    );
    expect(under).toEqual([]);
  });

  it('counts cash only, on the day only, and each customer separately', () => {
    const found = largeCashFindings(
      '2026-05-10',
      [
        pay('a', '40000.00', '2026-05-10'),
        pay('a', '40000.00', '2026-05-10', 'BANK_TRANSFER'),
        pay('a', '40000.00', '2026-05-09'),
        pay('b', '10000.00', '2026-05-10'),
        pay('c', '60000.00', '2026-05-10', 'ONLINE'),
      ],
      T,
    );
    expect(found).toEqual([]);
  });

  it('property: reported exactly when the day’s cash sum reaches the threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3_000_000 }), { maxLength: 8 }), (cents) => {
        const payments = cents.map((c) => pay('x', (c / 100).toFixed(2), '2026-01-01'));
        const total = sum(payments.map((p) => money(p.amount)));
        const found = largeCashFindings('2026-01-01', payments, T);
        expect(found.length).toBe(total.gte(50000) ? 1 : 0);
        if (found.length) expect(money(found[0]!.amount).eq(total)).toBe(true);
      }),
    );
  });
});

describe('structuring (拆分交易): several cash repayments just under the threshold', () => {
  const day = '2026-05-10';
  it('drafts three just-under repayments within seven days, one on the day', () => {
    const found = structuringFindings(
      day,
      [pay('a', '49000.00', '2026-05-04'), pay('a', '48000.00', '2026-05-07'), pay('a', '45000.00', day)],
      T,
    );
    expect(found).toEqual([expect.objectContaining({ rule: 'STRUCTURING', kind: 'SUSPICIOUS', amount: '142000.00' })]);
  });

  it('ignores repayments outside the window, at or above the threshold, below the band, or none on the day', () => {
    expect(
      structuringFindings(
        day,
        [pay('a', '49000.00', '2026-05-03'), pay('a', '48000.00', '2026-05-07'), pay('a', '45000.00', day)],
        T,
      ),
    ).toEqual([]);
    expect(
      structuringFindings(
        day,
        [pay('a', '50000.00', '2026-05-05'), pay('a', '48000.00', '2026-05-07'), pay('a', '45000.00', day)],
        T,
      ),
    ).toEqual([]);
    expect(
      structuringFindings(
        day,
        [pay('a', '44999.99', '2026-05-05'), pay('a', '48000.00', '2026-05-07'), pay('a', '45000.00', day)],
        T,
      ),
    ).toEqual([]);
    expect(
      structuringFindings(
        day,
        [pay('a', '49000.00', '2026-05-05'), pay('a', '48000.00', '2026-05-07'), pay('a', '45000.00', '2026-05-08')],
        T,
      ),
    ).toEqual([]);
    expect(
      structuringFindings(
        day,
        [pay('a', '49000.00', '2026-05-05'), pay('a', '48000.00', '2026-05-07', 'ONLINE'), pay('a', '45000.00', day)],
        T,
      ),
    ).toEqual([]);
  });

  it('property: a finding names only just-under cash repayments in the window, at least the count, one on the day', () => {
    const payment = fc.record({
      customer: fc.constantFrom('a', 'b'),
      cents: fc.integer({ min: 4_000_000, max: 5_200_000 }),
      offset: fc.integer({ min: -10, max: 0 }),
      channel: fc.constantFrom('CASH', 'ONLINE'),
    });
    fc.assert(
      fc.property(fc.array(payment, { maxLength: 12 }), (raw) => {
        const payments = raw.map((r) => pay(r.customer, (r.cents / 100).toFixed(2), addDays(day, r.offset), r.channel));
        const byId = new Map(payments.map((p) => [p.paymentId, p]));
        for (const f of structuringFindings(day, payments, T)) {
          expect(f.paymentIds.length).toBeGreaterThanOrEqual(T.structuringCount);
          const named = f.paymentIds.map((id) => byId.get(id)!);
          expect(named.some((p) => p.receivedOn === day)).toBe(true);
          for (const p of named) {
            expect(p.customerId).toBe(f.customerId);
            expect(p.channel).toBe('CASH');
            expect(p.receivedOn >= amlLookbackStart(day) && p.receivedOn <= day).toBe(true);
            expect(money(p.amount).gte(45000) && money(p.amount).lt(50000)).toBe(true);
          }
        }
      }),
    );
  });
});

describe('early payoff (快进快出)', () => {
  const loan = (customerId: string, disbursedOn: string, paidOffOn: string) => ({
    customerId,
    loanId: `loan-${customerId}-${disbursedOn}`,
    principal: '20000.00',
    disbursedOn,
    paidOffOn,
  });
  it('drafts a payoff within 30 days of payout on the payoff day, not at 31 days', () => {
    expect(earlyPayoffFindings('2026-05-31', [loan('a', '2026-05-01', '2026-05-31')], T)).toEqual([
      expect.objectContaining({ rule: 'EARLY_PAYOFF', amount: '20000.00', loanIds: ['loan-a-2026-05-01'] }),
    ]);
    expect(earlyPayoffFindings('2026-06-01', [loan('a', '2026-05-01', '2026-06-01')], T)).toEqual([]);
    expect(earlyPayoffFindings('2026-05-30', [loan('a', '2026-05-01', '2026-05-31')], T)).toEqual([]);
  });
});

describe('detectAml', () => {
  it('is deterministic and one finding per customer and rule', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customer: fc.constantFrom('a', 'b', 'c'),
            cents: fc.integer({ min: 100, max: 6_000_000 }),
            offset: fc.integer({ min: -8, max: 0 }),
          }),
          { maxLength: 15 },
        ),
        (raw) => {
          const payments = raw.map((r) => pay(r.customer, (r.cents / 100).toFixed(2), addDays('2026-03-01', r.offset)));
          const a = detectAml('2026-03-01', { payments, payoffs: [] });
          const b = detectAml('2026-03-01', { payments: [...payments].reverse(), payoffs: [] });
          expect(b).toEqual(a);
          const keys = a.map((f) => `${f.customerId}:${f.rule}`);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
    );
  });
});
