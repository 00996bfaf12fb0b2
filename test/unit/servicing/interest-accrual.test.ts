// Daily interest accrual (domain/interest-accrual.ts): a period's interest is income day by day,
// held as accrued interest until the due date moves it to interest receivable; the days of an
// installment add up to its scheduled interest to the cent, a month's accrual is whole in that
// month, and prepayments, payoffs and write-offs leave nothing accrued that is not owed.
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../domain/dates.js';
import { accruedNotDue, monthStartsBetween, nextMonthStart } from '../../../domain/interest-accrual.js';
import { ledgerKeys } from '../../../domain/ledger.js';
import { money, sum, toMoney } from '../../../domain/money.js';
import { payoffAmount, payoffBreakdown, type AccountTerms } from '../../../domain/servicing-account.js';
import type { OverpaymentHandling } from '../../../domain/products.js';
import { AccrualBook } from './accrual-book.js';

const terms = (rulesVersion: number, overpayment: OverpaymentHandling = 'PREPAY_REDUCE_TERM'): AccountTerms => ({
  principal: '12000.00',
  annualRate: '0.1500',
  termCount: 12,
  frequency: 'MONTHLY',
  method: 'EQUAL_INSTALLMENT',
  fees: [{ kind: 'PER_INSTALLMENT', amount: '5.00' }],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment,
  rulesVersion,
});

const accruals = (book: AccrualBook) => book.entries.filter((e) => e.businessKey.startsWith('loan:L:accrual:'));
const accruedIncome = (book: AccrualBook) =>
  toMoney(
    sum(
      accruals(book).flatMap((e) =>
        e.lines
          .filter((l) => l.account === 'ACCRUED_INTEREST_RECEIVABLE')
          .map((l) => money(l.debit).minus(money(l.credit))),
      ),
    ),
  );

describe('month and day arithmetic', () => {
  it('cuts a span at each first of a month strictly inside it', () => {
    expect(monthStartsBetween('2026-01-15', '2026-03-10')).toEqual(['2026-02-01', '2026-03-01']);
    expect(monthStartsBetween('2026-01-15', '2026-02-01')).toEqual([]);
    expect(monthStartsBetween('2026-12-31', '2027-01-02')).toEqual(['2027-01-01']);
    expect(nextMonthStart('2026-12-31')).toBe('2027-01-01');
    expect(nextMonthStart('2026-02-01')).toBe('2026-03-01');
  });
});

describe('daily accrual over a period', () => {
  it('posts one entry a day whose sum is the installment interest to the cent, then moves it to receivable', () => {
    const book = new AccrualBook(terms(2), '2026-01-15');
    const first = book.account.installments[0]!;
    expect(first.dueDate).toBe('2026-02-15');
    for (let day = '2026-01-16'; day <= first.dueDate; day = addDays(day, 1)) book.touch(day);
    const daily = accruals(book);
    expect(daily).toHaveLength(31);
    expect(daily[0]!.businessKey).toBe(ledgerKeys.dailyAccrual('L', '2026-01-15'));
    expect(daily.at(-1)!.effectiveOn).toBe('2026-02-14');
    const amounts = daily.map((e) => money(e.lines[0]!.debit));
    // 150.00 over 31 days: each day 4.83 or 4.84 (the rounding residue spread), nothing left over.
    expect(first.interest).toBe('150.00');
    expect(toMoney(sum(amounts))).toBe(first.interest);
    for (const a of amounts) expect(a.minus('4.84').abs().lte('0.01')).toBe(true);
    const b = book.balances();
    expect(b.ACCRUED_INTEREST_RECEIVABLE).toBe('0.00');
    expect(b.INTEREST_RECEIVABLE).toBe(first.interest);
    expect(b.INTEREST_INCOME).toBe(first.interest);
    // The due-date entry books no new income: it moves what accrued.
    const due = book.entries.find((e) => e.businessKey === ledgerKeys.interest('L', 1))!;
    expect(due.lines).toEqual([
      { account: 'INTEREST_RECEIVABLE', debit: first.interest, credit: '0.00' },
      { account: 'ACCRUED_INTEREST_RECEIVABLE', debit: '0.00', credit: first.interest },
    ]);
  });

  it('splits a long sleep at each month end, so every month holds its own days', () => {
    const book = new AccrualBook(terms(2), '2026-01-15');
    book.touch('2026-03-10');
    const daily = accruals(book);
    expect(daily.map((e) => e.effectiveOn)).toEqual(['2026-01-31', '2026-02-28', '2026-03-09']);
    const [i1, i2] = book.account.installments;
    // January: 16 of installment 1's 31 days.
    expect(daily[0]!.lines[0]!.debit).toBe(toMoney(money(i1!.interest).times(17).div(31).toDecimalPlaces(2)));
    expect(accruedIncome(book)).toBe(
      toMoney(money(i1!.interest).plus(money(i2!.interest).times(23).div(28).toDecimalPlaces(2))),
    );
    // Installment 1 fell due on the way: all of it receivable, installment 2's days still accrued.
    const b = book.balances();
    expect(b.INTEREST_RECEIVABLE).toBe(i1!.interest);
    expect(b.ACCRUED_INTEREST_RECEIVABLE).toBe(accruedNotDue(book.accrual));
    expect(money(b.ACCRUED_INTEREST_RECEIVABLE).gt(0)).toBe(true);
  });

  it('a second posting on the same day gets its own key', () => {
    const book = new AccrualBook(terms(1), '2026-01-15');
    book.touch('2026-01-25');
    book.pay('3000.00', '2026-01-25');
    const keys = accruals(book).map((e) => e.businessKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('prepayment, payoff and write-off', () => {
  it('version 2: a payoff on day 20 takes exactly the interest accrued to the day, and nothing stays accrued', () => {
    const book = new AccrualBook(terms(2), '2026-01-15');
    for (let day = '2026-01-16'; day <= '2026-02-04'; day = addDays(day, 1)) book.touch(day);
    const quote = payoffBreakdown(book.account, '2026-02-04');
    expect(quote.interest).toBe(accruedNotDue(book.accrual));
    book.pay(payoffAmount(book.account, '2026-02-04'), '2026-02-04');
    const b = book.balances();
    expect([b.LOAN_PRINCIPAL, b.INTEREST_RECEIVABLE, b.ACCRUED_INTEREST_RECEIVABLE]).toEqual(['0.00', '0.00', '0.00']);
    expect(b.INTEREST_INCOME).toBe(quote.interest);
  });

  it('version 2: a prepayment mid-period, then the period runs on at the lower principal', () => {
    const book = new AccrualBook(terms(2), '2026-01-15');
    for (let day = '2026-01-16'; day <= '2026-01-25'; day = addDays(day, 1)) book.touch(day);
    book.pay('4000.00', '2026-01-25');
    for (let day = '2026-01-26'; day <= '2026-02-15'; day = addDays(day, 1)) book.touch(day);
    const first = book.account.installments[0]!;
    const b = book.balances();
    expect(b.ACCRUED_INTEREST_RECEIVABLE).toBe('0.00');
    expect(b.INTEREST_INCOME).toBe(first.interest);
    expect(b.INTEREST_RECEIVABLE).toBe(toMoney(money(first.interest).minus(money(first.paidInterest))));
  });

  it('version 1: a payoff dated back three days takes back what accrued after it', () => {
    const book = new AccrualBook(terms(1), '2026-01-15');
    for (let day = '2026-01-16'; day <= '2026-02-01'; day = addDays(day, 1)) book.touch(day);
    const before = accruedNotDue(book.accrual);
    book.pay(payoffAmount(book.account, '2026-01-29'), '2026-01-29', '2026-02-01');
    const b = book.balances();
    expect(b.ACCRUED_INTEREST_RECEIVABLE).toBe('0.00');
    expect(money(b.INTEREST_INCOME).lt(money(before))).toBe(true);
    expect(accruals(book).at(-1)!.lines[0]!.account).toBe('INTEREST_INCOME');
  });

  it('a write-off takes back interest accrued and not due', () => {
    const book = new AccrualBook(terms(2), '2026-01-15');
    book.touch('2026-02-15');
    book.touch('2026-05-20');
    expect(money(book.balances().ACCRUED_INTEREST_RECEIVABLE).gt(0)).toBe(true);
    book.writeOff('2026-05-20');
    const b = book.balances();
    expect([b.ACCRUED_INTEREST_RECEIVABLE, b.INTEREST_RECEIVABLE, b.LOAN_PRINCIPAL]).toEqual(['0.00', '0.00', '0.00']);
  });
});
