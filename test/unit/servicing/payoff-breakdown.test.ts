// The payoff's breakdown (the payoffQuote query and GET /v1/loans/{id}/payoff): its parts add up to
// the payoff amount under each money rules version, overdue or not, with credit. Under version 2,
// paying that amount on the day closes the loan with nothing refunded (version 1's payoff leaves out
// the current period's fee, which closing charges: docs/operations/money-rules.md).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../domain/dates.js';
import { money, toMoney } from '../../../domain/money.js';
import {
  applyPayment,
  isPaidOff,
  openAccount,
  payoffAmount,
  payoffBreakdown,
  type AccountTerms,
  type LoanAccount,
  type PayoffBreakdown,
} from '../../../domain/servicing-account.js';
import { REPAYMENT_METHODS, type RepaymentMethod } from '../../../domain/types.js';

const terms = (rulesVersion: number, method: RepaymentMethod): AccountTerms => ({
  principal: '12000.00',
  annualRate: '0.1500',
  termCount: 12,
  frequency: 'MONTHLY',
  method,
  fees: [{ kind: 'PER_INSTALLMENT', amount: '2.00' }],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment: 'CARRY_FORWARD',
  rulesVersion,
});

let seq = 0;
const pay = (a: LoanAccount, amount: string, on: string) =>
  applyPayment(a, { paymentId: `p${++seq}`, channel: 'ONLINE', amount, receivedOn: on, externalRef: null });

function sumOf(b: PayoffBreakdown): string {
  const gross = money(b.principal).plus(b.interest).plus(b.fees).plus(b.penalty).plus(b.lateFees);
  return toMoney(gross.minus(b.credit).isNegative() ? money('0') : gross.minus(b.credit));
}

describe('payoff breakdown', () => {
  it('adds up to the payoff amount by version, method and day, and closes a version 2 loan when paid', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2),
        fc.constantFrom(...REPAYMENT_METHODS),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('0.00', '50.00', '300.00'),
        (version, method, day, early) => {
          let a = openAccount('L', terms(version, method), '2026-01-10');
          if (early !== '0.00') a = pay(a, early, '2026-01-12').account;
          const on = addDays('2026-01-10', day);
          const b = payoffBreakdown(a, on);
          expect(b.amount).toBe(payoffAmount(a, on));
          expect(sumOf(b)).toBe(b.amount);
          if (version === 1) return;
          const closing = pay(a, b.amount, on);
          expect(isPaidOff(closing.account)).toBe(true);
          expect(closing.allocation.toRefund).toBe('0.00');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names penalty interest and the late fee of an overdue installment apart', () => {
    const a = openAccount('L', terms(2, 'EQUAL_INSTALLMENT'), '2026-01-10');
    const due = a.installments[0]!.dueDate;
    const b = payoffBreakdown(a, addDays(due, 20));
    // The cap leaves the late fee only the room penalty interest has not taken.
    expect(money(b.lateFees).gt(0)).toBe(true);
    expect(money(b.lateFees).lte('20.00')).toBe(true);
    expect(money(b.penalty).gt(0)).toBe(true);
    expect(b.principal).toBe('12000.00');
    expect(sumOf(b)).toBe(b.amount);
    // A part payment settles penalty interest before the late fee.
    const partly = pay(a, b.penalty, addDays(due, 20)).account;
    expect(payoffBreakdown(partly, addDays(due, 20))).toMatchObject({ penalty: '0.00', lateFees: b.lateFees });
  });
});
