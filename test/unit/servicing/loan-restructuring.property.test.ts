// 展期 / 重组 over random loans, payments and effective dates: the outstanding principal is carried
// exactly, the new installments sum to it, arrears are neither capitalised nor forgiven, the APR of
// every accepted plan is within the cap, the ledger stays equal to the account (daily accrual
// included), and paying every installment of the new schedule when due pays the loan off.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { judgeApr } from '../../../domain/apr-cap.js';
import { addDays, compareDates } from '../../../domain/dates.js';
import { DomainError } from '../../../domain/errors.js';
import { balancesOf } from '../../../domain/ledger.js';
import { money, sum, toMoney } from '../../../domain/money.js';
import { planRestructuring } from '../../../domain/loan-restructuring.js';
import { rate } from '../../../domain/rates.js';
import {
  accrue,
  amountOwed,
  firstUnsettled,
  isPaidOff,
  outstandingPrincipal,
  owedOn,
} from '../../../domain/servicing-account.js';
import { REPAYMENT_METHODS } from '../../../domain/types.js';
import { AccrualBook } from './accrual-book.js';

const scenario = fc.record({
  rulesVersion: fc.constantFrom(1, 2),
  method: fc.constantFrom(...REPAYMENT_METHODS),
  termCount: fc.integer({ min: 1, max: 12 }),
  principal: fc.integer({ min: 1_000, max: 80_000 }),
  fee: fc.constantFrom(0, 5),
  paidOnTime: fc.integer({ min: 0, max: 6 }),
  daysAfter: fc.integer({ min: 0, max: 200 }),
  kind: fc.constantFrom('EXTENSION' as const, 'RESTRUCTURING' as const),
  installmentCount: fc.integer({ min: 1, max: 36 }),
  rateBp: fc.integer({ min: 600, max: 2400 }),
});

it('carries the principal exactly and keeps the ledger equal to the account', { timeout: 180_000 }, () => {
  let accepted = 0;
  fc.assert(
    fc.property(scenario, (s) => {
      const disbursedOn = '2026-01-31';
      const fees = s.fee > 0 ? [{ kind: 'PER_INSTALLMENT' as const, amount: `${s.fee}.00` }] : [];
      const book = new AccrualBook(
        {
          principal: `${s.principal}.00`,
          annualRate: '0.1500',
          termCount: s.termCount,
          frequency: 'MONTHLY',
          method: s.method,
          fees,
          dayCount: 'ACT/365',
          penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
          chargesCap: '0.3600',
          allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
          overpayment: 'CARRY_FORWARD',
          rulesVersion: s.rulesVersion,
        },
        disbursedOn,
      );
      let today = disbursedOn;
      for (let k = 0; k < s.paidOnTime; k += 1) {
        const next = firstUnsettled(book.account);
        if (!next) break;
        today = next.dueDate;
        book.touch(today);
        book.pay(amountOwed(book.account, next.number, today), today, today);
      }
      if (isPaidOff(book.account)) return;
      const effectiveOn = addDays(today, s.daysAfter);
      book.touch(effectiveOn);
      const before = book.account;
      const annualRate = (s.kind === 'EXTENSION' ? rate('0.1500') : rate(String(s.rateBp / 10_000))).toFixed(4);
      const product = {
        minRate: '0.0600',
        maxRate: '0.2400',
        maxTerm: 36,
        aprCap: '0.2400',
        fees,
        dayCount: 'ACT/365' as const,
      };
      let plan;
      try {
        plan = planRestructuring(
          before,
          { kind: s.kind, installmentCount: s.installmentCount, annualRate },
          effectiveOn,
          product,
        );
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        return;
      }
      accepted += 1;
      const after = plan.account;
      // The outstanding principal is carried exactly, and the new installments sum to what moved.
      expect(outstandingPrincipal(after)).toBe(outstandingPrincipal(before));
      const fresh = after.installments.filter((i) => i.number >= plan.record.firstNumber);
      expect(fresh).toHaveLength(plan.installmentCount);
      expect(toMoney(sum(fresh.map((i) => money(i.principal))))).toBe(plan.outstandingPrincipal);
      for (const i of fresh) expect(money(i.principal).gte(0) && money(i.interest).gte(0)).toBe(true);
      // Numbers run on, due dates strictly increase.
      after.installments.forEach((i, k) => expect(i.number).toBe(k + 1));
      for (let k = 1; k < after.installments.length; k += 1)
        expect(compareDates(after.installments[k - 1]!.dueDate, after.installments[k]!.dueDate)).toBeLessThan(0);
      // Arrears are neither capitalised nor forgiven: what was due by E is still owed.
      const posted = accrue(before, effectiveOn).account;
      const owedBefore = posted.installments
        .filter((i) => compareDates(i.dueDate, effectiveOn) <= 0)
        .map((i) => owedOn(i).interest.plus(owedOn(i).fee).plus(owedOn(i).penalty));
      expect(toMoney(sum(owedBefore))).toBe(
        toMoney(money(plan.arrears.interest).plus(money(plan.arrears.fee)).plus(money(plan.arrears.penalty))),
      );
      // The APR of what was accepted is within the cap.
      const apr = judgeApr(
        { fees, dayCount: 'ACT/365', aprCap: product.aprCap },
        {
          amount: plan.outstandingPrincipal,
          annualRate,
          termCount: s.installmentCount,
          method: s.method,
          frequency: 'MONTHLY',
        },
        plan.startsOn,
      );
      expect(apr.aboveCap).toBe(false);
      book.apply({ account: after, entries: plan.entries, changed: plan.changed }, effectiveOn);
      const b = book.balances();
      expect(b.LOAN_PRINCIPAL).toBe(outstandingPrincipal(after));
      // Paying every installment when due (arrears at once) pays the loan off; the ledger agrees.
      today = effectiveOn;
      for (let guard = 0; guard < 80 && !isPaidOff(book.account); guard += 1) {
        const next = firstUnsettled(book.account)!;
        if (compareDates(next.dueDate, today) > 0) today = next.dueDate;
        book.touch(today);
        const owed = amountOwed(book.account, next.number, today);
        if (money(owed).gt(0)) book.pay(owed, today, today);
      }
      expect(isPaidOff(book.account)).toBe(true);
      const end = balancesOf(book.lines());
      expect(end.LOAN_PRINCIPAL).toBe('0.00');
      expect(end.INTEREST_RECEIVABLE).toBe('0.00');
      expect(end.FEE_RECEIVABLE).toBe('0.00');
      expect(end.PENALTY_RECEIVABLE).toBe('0.00');
      expect(end.ACCRUED_INTEREST_RECEIVABLE).toBe('0.00');
    }),
    { numRuns: 200, seed: 20261207 },
  );
  expect(accepted).toBeGreaterThan(50);
});
