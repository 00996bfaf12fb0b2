// Money rules version 2, prepayment by actual days: money beyond what is due pays the current
// period's interest accrued to the day and then principal; it never takes a future installment's
// full interest, and paying part early then paying off costs exactly what paying off at once costs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../domain/dates.js';
import { balancesOf, entryProblem, type JournalEntry } from '../../../domain/ledger.js';
import { ZERO, money, toMoney } from '../../../domain/money.js';
import { OVERPAYMENT_HANDLINGS, type OverpaymentHandling } from '../../../domain/products.js';
import {
  amountOwed,
  applyCredit,
  applyPayment,
  isPaidOff,
  openAccount,
  outstandingPrincipal,
  payoffAmount,
  type AccountTerms,
  type LoanAccount,
} from '../../../domain/servicing-account.js';
import { DAY_COUNTS, REPAYMENT_METHODS, type DayCount, type Fee, type RepaymentMethod } from '../../../domain/types.js';

const terms = (
  rulesVersion: number,
  method: RepaymentMethod,
  principal = '12000.00',
  overpayment: OverpaymentHandling = 'PREPAY_REDUCE_TERM',
  annualRate = '0.1500',
): AccountTerms => ({
  principal,
  annualRate,
  termCount: 12,
  frequency: 'MONTHLY',
  method,
  fees: [],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment,
  rulesVersion,
});

let seq = 0;
const pay = (a: LoanAccount, amount: string, on: string) =>
  applyPayment(a, { paymentId: `p${++seq}`, channel: 'ONLINE', amount, receivedOn: on, externalRef: null });

/** What paying `x` on `on` and then paying off the same day costs, net of refunds, and whether the payoff closed the loan. */
function payThenPayOff(
  a: LoanAccount,
  x: string,
  on: string,
): { cost: string; closed: boolean; entries: JournalEntry[] } {
  const first = pay(a, x, on);
  const payoff = payoffAmount(first.account, on);
  const second = pay(first.account, payoff, on);
  const cost = money(x)
    .minus(money(first.allocation.toRefund))
    .plus(money(payoff))
    .minus(money(second.allocation.toRefund));
  return {
    cost: toMoney(cost),
    closed: isPaidOff(second.account),
    entries: [...first.entries, ...second.entries],
  };
}

describe('money rules version 2: prepayment by actual days', () => {
  it('charges no interest for 0 days: 3,000 paid on the payout day of an 8,000 loan is all principal', () => {
    const v1 = pay(openAccount('L', terms(1, 'EQUAL_INSTALLMENT', '8000.00'), '2026-01-15'), '3000.00', '2026-01-15');
    const v2 = pay(openAccount('L', terms(2, 'EQUAL_INSTALLMENT', '8000.00'), '2026-01-15'), '3000.00', '2026-01-15');
    expect(v1.allocation.interest).toBe('100.00');
    expect(v2.allocation).toMatchObject({ interest: '0.00', principal: '3000.00', prepaidPrincipal: '3000.00' });
    expect(outstandingPrincipal(v2.account)).toBe('5000.00');
    expect(payoffAmount(v2.account, '2026-01-15')).toBe('5000.00');
  });

  it('takes only the interest accrued to the day, then principal, and re-amortizes the rest', () => {
    const a = openAccount('L', terms(2, 'EQUAL_INSTALLMENT', '8000.00'), '2026-01-15');
    // 10 of the 31 days of the first period: 100.00 × 10 / 31 = 32.26.
    const p = pay(a, '3000.00', '2026-01-25');
    expect(p.allocation).toMatchObject({ interest: '32.26', principal: '2967.74', reamortized: 'REDUCE_TERM' });
    expect(p.entries.map((e) => `${e.businessKey} ${e.kind}`)).toEqual([
      `loan:L:interest:1:accrued:p${seq} INTEREST`,
      `payment:p${seq} REPAYMENT`,
    ]);
    const first = p.account.installments[0]!;
    // The period keeps its due date; its interest is what accrued to the day plus the rest of the
    // period on the reduced principal: 5,032.26 × 1.25% × 21 / 31 = 42.61.
    expect(first).toMatchObject({ dueDate: '2026-02-15', interest: '74.87', paidInterest: '32.26' });
    expect(p.account.installments.length).toBeLessThan(12);
    expect(p.account.installmentAmount).toBe(a.installmentAmount);
    // On the due date the rest of the interest becomes receivable and the receivable is never negative.
    const due = applyCredit(p.account, '2026-02-15');
    const interestEntry = due.entries.find((e) => e.businessKey === 'loan:L:interest:1');
    expect(interestEntry?.lines[0]).toMatchObject({ account: 'INTEREST_RECEIVABLE', debit: '42.61' });
    expect(amountOwed(due.account, 1, '2026-02-15')).toBe(
      toMoney(money(first.principal).minus(money(first.paidPrincipal)).plus(money('42.61'))),
    );
  });

  it('keeps the term and lowers the installment under PREPAY_REDUCE_INSTALLMENT', () => {
    const a = openAccount('L', terms(2, 'EQUAL_INSTALLMENT', '8000.00', 'PREPAY_REDUCE_INSTALLMENT'), '2026-01-15');
    const p = pay(a, '3000.00', '2026-01-25');
    expect(p.account.installments).toHaveLength(12);
    expect(money(p.account.installmentAmount!).lt(money(a.installmentAmount!))).toBe(true);
    expect(p.allocation.reamortized).toBe('REDUCE_INSTALLMENT');
  });

  it('keeps money beyond what is due as credit under CARRY_FORWARD, and refunds it under REFUND, taking no interest ahead', () => {
    for (const overpayment of ['CARRY_FORWARD', 'REFUND'] as const) {
      const p = pay(
        openAccount('L', terms(2, 'EQUAL_INSTALLMENT', '8000.00', overpayment), '2026-01-15'),
        '3000.00',
        '2026-01-25',
      );
      expect(p.allocation).toMatchObject({ interest: '0.00', principal: '0.00' });
      expect(overpayment === 'CARRY_FORWARD' ? p.allocation.toCredit : p.allocation.toRefund).toBe('3000.00');
    }
  });

  it('the 12,000 cases of the issue: paying part and then paying off costs nothing extra under version 2', () => {
    // Installments paid on their due dates; 3,000 paid on day 109 (2026-05-04), then the payoff.
    const extra = (version: number, method: RepaymentMethod) => {
      let a = openAccount('L', terms(version, method), '2026-01-15');
      const on = addDays('2026-01-15', 109);
      for (const i of [...a.installments])
        if (i.dueDate < on) a = pay(a, amountOwed(a, i.number, i.dueDate), i.dueDate).account;
      const once = money(payoffAmount(a, on));
      const split = payThenPayOff(a, '3000.00', on);
      expect(split.closed).toBe(true);
      return toMoney(money(split.cost).minus(once));
    };
    const v1 = REPAYMENT_METHODS.map((m) => extra(1, m));
    expect(v1.every((e) => money(e).gt(0))).toBe(true);
    expect(v1[REPAYMENT_METHODS.indexOf('BULLET')]).toBe('1262.47');
    expect(REPAYMENT_METHODS.map((m) => extra(2, m))).toEqual(['0.00', '0.00', '0.00', '0.00']);
  });

  it('property: for every method, paying X and then paying off on the same day costs what paying off at once costs, to the cent', () => {
    const scenario = fc.record({
      method: fc.constantFrom<RepaymentMethod>(...REPAYMENT_METHODS),
      dayCount: fc.constantFrom<DayCount>(...DAY_COUNTS),
      overpayment: fc.constantFrom<OverpaymentHandling>(...OVERPAYMENT_HANDLINGS),
      principal: fc.integer({ min: 1000, max: 200000 }),
      ratePermille: fc.integer({ min: 10, max: 240 }),
      termCount: fc.integer({ min: 1, max: 24 }),
      fee: fc.constantFrom(0, 0, 5, 12.5),
      disbursedOn: fc.integer({ min: 0, max: 3650 }).map((d) => addDays('2024-01-01', d)),
      /** Installments paid on time before the prepayment day. */
      day: fc.integer({ min: 0, max: 800 }),
      late: fc.boolean(),
      fraction: fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    });
    fc.assert(
      fc.property(scenario, (s) => {
        const fees: Fee[] = s.fee > 0 ? [{ kind: 'PER_INSTALLMENT', amount: s.fee.toFixed(2) }] : [];
        let a = openAccount(
          'L',
          {
            ...terms(2, s.method, `${s.principal}.00`, s.overpayment, (s.ratePermille / 1000).toFixed(4)),
            termCount: s.termCount,
            dayCount: s.dayCount,
            fees,
          },
          s.disbursedOn,
        );
        const last = a.installments[a.installments.length - 1]!.dueDate;
        const on = addDays(s.disbursedOn, s.day % Math.max(1, 1 + daysFrom(s.disbursedOn, last)));
        // Pay installments due before the day, on time; with `late`, leave the last one of them unpaid.
        const due = a.installments.filter((i) => i.dueDate < on);
        for (const [k, i] of due.entries()) {
          if (s.late && k === due.length - 1) break;
          a = pay(a, amountOwed(a, i.number, i.dueDate), i.dueDate).account;
        }
        const once = money(payoffAmount(a, on));
        fc.pre(once.gt('0.01'));
        const x = toMoney(once.times(s.fraction).toDecimalPlaces(2, 1).plus(ZERO));
        fc.pre(money(x).gt(0) && money(x).lt(once));
        const atOnce = pay(a, toMoney(once), on);
        expect(isPaidOff(atOnce.account)).toBe(true);
        expect(atOnce.allocation.toRefund).toBe('0.00');
        const split = payThenPayOff(a, x, on);
        expect(split.closed).toBe(true);
        expect(split.cost).toBe(toMoney(once));
        for (const e of split.entries) expect(entryProblem(e)).toBeNull();
      }),
      { numRuns: 400, seed: 20261206 },
    );
  });

  it('keeps every receivable non-negative in the ledger across a prepayment, the due dates after it and the payoff', () => {
    for (const method of REPAYMENT_METHODS) {
      let a = openAccount('L', terms(2, method), '2026-01-15');
      const lines: JournalEntry['lines'] = [];
      const post = (entries: JournalEntry[]) => lines.push(...entries.flatMap((e) => e.lines));
      const p = pay(a, '2500.00', '2026-01-29');
      post(p.entries);
      a = p.account;
      for (const i of a.installments.filter((x) => x.dueDate < '2026-05-02')) {
        const paid = pay(a, amountOwed(a, i.number, i.dueDate), i.dueDate);
        post(paid.entries);
        a = paid.account;
        const b = balancesOf(lines.map((l) => ({ ...l, loanId: 'L' })));
        for (const acct of ['INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'] as const)
          expect(money(b[acct]).isNeg(), `${method} ${acct} ${b[acct]}`).toBe(false);
      }
      const off = pay(a, payoffAmount(a, '2026-05-02'), '2026-05-02');
      post(off.entries);
      expect(isPaidOff(off.account)).toBe(true);
      const b = balancesOf(lines.map((l) => ({ ...l, loanId: 'L' })));
      expect([b.INTEREST_RECEIVABLE, b.FEE_RECEIVABLE, b.PENALTY_RECEIVABLE]).toEqual(['0.00', '0.00', '0.00']);
    }
  });
});

function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
}
