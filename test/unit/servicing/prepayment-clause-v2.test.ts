// The prepayment clause of a version 2 contract states how interest to the day is counted. A
// borrower who prepays twice in one period must be able to get the engine's interest from the
// clause's own formula, not only for the first prepayment of a period.
import { describe, expect, it } from 'vitest';
import { prepaymentClauseV2 } from '../../../domain/contract-money-clauses.js';
import { money, roundCents, toMoney } from '../../../domain/money.js';
import { applyPayment, openAccount, type AccountTerms, type LoanAccount } from '../../../domain/servicing-account.js';

const TERMS: AccountTerms = {
  principal: '8000.00',
  annualRate: '0.1500',
  termCount: 12,
  frequency: 'MONTHLY',
  method: 'EQUAL_INSTALLMENT',
  fees: [],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment: 'PREPAY_REDUCE_TERM',
  rulesVersion: 2,
};

let seq = 0;
const pay = (a: LoanAccount, amount: string, on: string) =>
  applyPayment(a, { paymentId: `p${++seq}`, channel: 'ONLINE', amount, receivedOn: on, externalRef: null });

describe('version 2 prepayment clause', () => {
  it('states a formula that gives the interest the engine takes on a second prepayment in the same period', () => {
    const text = prepaymentClauseV2('PREPAY_REDUCE_TERM', false).replace(/<[^>]+>/g, '');
    // Paid out 2026-01-15; the first period runs 31 days to 2026-02-15 at 15% / 12 = 1.25%.
    const a = openAccount('L', TERMS, '2026-01-15');
    const first = pay(a, '3000.00', '2026-01-25'); // day 10: 8,000 × 1.25% × 10 / 31 = 32.26
    expect(first.allocation).toMatchObject({ interest: '32.26', principal: '2967.74' });
    const second = pay(first.account, '1000.00', '2026-02-04'); // day 20
    // The engine: the first 10 days on 8,000.00, the next 10 on the 5,032.26 left.
    const byBalance = roundCents(money('5032.26').times('0.0125').times(10).div(31));
    expect(second.allocation.interest).toBe(toMoney(byBalance)); // 20.29

    // What the clause said at first: 当期应还利息 × days since the period start ÷ days of the period,
    // with 当期应还利息 the period's interest as re-amortized after the first prepayment (74.87),
    // less what was already paid: 74.87 × 20 / 31 − 32.26 = 16.04, not the engine's 20.29.
    const asWorded = roundCents(money(first.account.installments[0]!.interest).times(20).div(31)).minus('32.26');
    expect(toMoney(asWorded)).not.toBe(second.allocation.interest);
    // So the clause must state the engine's rule: each day's interest on the principal then unpaid.
    expect(text).toContain('当期每日的利息为当日未还本金按当期利率计算的一期利息 ÷ 当期天数');
    expect(text).not.toContain('当期应还利息 × 自上一还款日（首期为放款日）起至还款当日的天数 ÷ 当期天数');
  });
});
