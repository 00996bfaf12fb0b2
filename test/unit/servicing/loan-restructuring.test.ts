// 展期 / 重组: the new schedule from the outstanding balance at the effective date (domain/loan-restructuring.ts).
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import { money, sum, toMoney } from '../../../domain/money.js';
import { planRestructuring, extensionLimit, type RestructureProduct } from '../../../domain/loan-restructuring.js';
import {
  accrue,
  applyPayment,
  classificationOn,
  openAccount,
  outstandingPrincipal,
  type AccountTerms,
  type LoanAccount,
} from '../../../domain/servicing-account.js';

const terms: AccountTerms = {
  principal: '12000.00',
  annualRate: '0.1200',
  termCount: 12,
  frequency: 'MONTHLY',
  method: 'EQUAL_INSTALLMENT',
  fees: [],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment: 'CARRY_FORWARD',
  rulesVersion: 2,
};

const product: RestructureProduct = {
  minRate: '0.0600',
  maxRate: '0.2000',
  maxTerm: 36,
  aprCap: '0.2400',
  fees: [],
  dayCount: 'ACT/365',
};

const pay = (a: LoanAccount, id: string, amount: string, on: string) =>
  applyPayment(a, { paymentId: id, channel: 'BANK_TRANSFER', amount, receivedOn: on, externalRef: null }).account;

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('planRestructuring', () => {
  it('extends a current loan: the current period runs out as it was, the rest of the principal over more installments', () => {
    let a = openAccount('L', terms, '2026-01-15');
    a = pay(a, 'p1', a.installments[0]!.principal === '0.00' ? '0.00' : '1066.19', '2026-02-15');
    const before = outstandingPrincipal(a);
    const plan = planRestructuring(
      a,
      { kind: 'EXTENSION', installmentCount: 18, annualRate: '0.1200' },
      '2026-03-01',
      product,
    );
    const current = plan.account.installments[1]!;
    // Installment 2's period (02-15 → 03-15) has begun: it keeps its interest and due date, gives up its principal.
    expect(current).toMatchObject({ number: 2, dueDate: '2026-03-15', principal: '0.00' });
    expect(current.interest).toBe(a.installments[1]!.interest);
    expect(plan.startsOn).toBe('2026-03-15');
    expect(plan.outstandingPrincipal).toBe(before);
    expect(plan.installmentCount).toBe(18);
    expect(plan.account.installments).toHaveLength(2 + 18);
    expect(plan.account.installments[2]).toMatchObject({ number: 3, dueDate: '2026-04-15' });
    expect(plan.newMaturityDate).toBe('2027-09-15');
    expect(outstandingPrincipal(plan.account)).toBe(before);
    expect(toMoney(sum(plan.account.installments.slice(2).map((i) => money(i.principal))))).toBe(before);
    expect(plan.record).toMatchObject({ kind: 'EXTENSION', countsAsRestructuring: false, classBefore: 'NORMAL' });
    // An extension of a loan not in difficulty is no restructuring: classification stays by days past due.
    expect(classificationOn(plan.account, '2026-03-02')).toBe('NORMAL');
  });

  it('restructures an overdue loan: principal of the arrears moves, their interest and penalty stay due', () => {
    const a = openAccount('L', terms, '2026-01-15');
    const on = '2026-04-20'; // installments 1–3 unpaid, 3 is 5 days late
    const posted = accrue(a, on).account;
    const arrearsInterest = toMoney(sum(posted.installments.slice(0, 3).map((i) => money(i.interest))));
    const plan = planRestructuring(
      a,
      { kind: 'RESTRUCTURING', installmentCount: 24, annualRate: '0.1000' },
      on,
      product,
    );
    expect(plan.outstandingPrincipal).toBe('12000.00');
    expect(plan.arrears.interest).toBe(arrearsInterest);
    expect(money(plan.arrears.penalty).gt(0)).toBe(true);
    for (const i of plan.account.installments.slice(0, 3)) expect(i.principal).toBe('0.00');
    expect(plan.account.installments[3]).toMatchObject({ number: 4, dueDate: '2026-05-15', principal: '0.00' });
    expect(plan.account.installments).toHaveLength(4 + 24);
    expect(plan.record).toMatchObject({
      kind: 'RESTRUCTURING',
      countsAsRestructuring: true,
      classBefore: 'SPECIAL_MENTION',
    });
    expect(plan.account.terms.annualRate).toBe('0.1000');
    // Overdue in the observation period: at least 次级 while the arrears are unpaid.
    expect(classificationOn(plan.account, '2026-04-22')).toBe('SUBSTANDARD');
  });

  it('an extension of an overdue loan counts as a restructuring', () => {
    const a = openAccount('L', terms, '2026-01-15');
    const plan = planRestructuring(
      a,
      { kind: 'EXTENSION', installmentCount: 20, annualRate: '0.1200' },
      '2026-02-20',
      product,
    );
    expect(plan.record.countsAsRestructuring).toBe(true);
  });

  it('names the field it refuses', () => {
    const a = openAccount('L', terms, '2026-01-15');
    const ask = (t: Partial<Parameters<typeof planRestructuring>[1]>, p = product) =>
      refusal(() =>
        planRestructuring(
          a,
          { kind: 'RESTRUCTURING', installmentCount: 12, annualRate: '0.1200', ...t },
          '2026-02-01',
          p,
        ),
      );
    expect(ask({ installmentCount: 0 })).toMatchObject({
      code: 'INVALID_INSTALLMENT_COUNT',
      field: 'installmentCount',
    });
    expect(ask({ installmentCount: 37 })).toMatchObject({ field: 'installmentCount' });
    expect(ask({ annualRate: '0.2500' })).toMatchObject({ code: 'RATE_OUT_OF_RANGE', field: 'annualRate' });
    expect(ask({ annualRate: 'abc' })).toMatchObject({ code: 'INVALID_RATE', field: 'annualRate' });
    expect(ask({ kind: 'EXTENSION', annualRate: '0.1000' })).toMatchObject({ code: 'EXTENSION_KEEPS_RATE' });
    expect(ask({ kind: 'EXTENSION', installmentCount: 5 })).toMatchObject({ code: 'EXTENSION_NOT_LONGER' });
    expect(ask({ kind: 'EXTENSION', installmentCount: 30 })).toMatchObject({ code: 'EXTENSION_TOO_LONG' });
    expect(ask({ annualRate: '0.2000' }, { ...product, aprCap: '0.1500' })).toMatchObject({
      code: 'APR_ABOVE_CAP',
      field: 'annualRate',
    });
    expect(ask({ kind: 'NONE' as never })).toMatchObject({ field: 'kind' });
  });

  it('refuses a loan paid off or written off', () => {
    let a = openAccount('L', { ...terms, termCount: 1 }, '2026-01-15');
    a = pay(a, 'p', '12120.00', '2026-02-15');
    expect(
      refusal(() =>
        planRestructuring(
          a,
          { kind: 'RESTRUCTURING', installmentCount: 3, annualRate: '0.1200' },
          '2026-02-16',
          product,
        ),
      ),
    ).toMatchObject({ code: 'NOT_IN_SERVICING' });
  });

  it('limits extensions by 《贷款通则》 art. 12: short term by its term, medium by half, long by 3 years', () => {
    expect(extensionLimit('2026-01-15', '2027-01-15')).toBe('2028-01-15');
    expect(extensionLimit('2026-01-15', '2029-01-15')).toBe(
      // half of 1096 days is 548
      '2030-07-17',
    );
    expect(extensionLimit('2026-01-15', '2036-01-15')).toBe('2039-01-15');
  });

  it('counts extension limits from the original maturity over every extension', () => {
    const a = openAccount('L', terms, '2026-01-15');
    const first = planRestructuring(
      a,
      { kind: 'EXTENSION', installmentCount: 20, annualRate: '0.1200' },
      '2026-01-20',
      product,
    );
    expect(first.newMaturityDate).toBe('2027-10-15');
    expect(
      refusal(() =>
        planRestructuring(
          first.account,
          { kind: 'EXTENSION', installmentCount: 24, annualRate: '0.1200' },
          '2026-01-25',
          product,
        ),
      ),
    ).toMatchObject({ code: 'EXTENSION_TOO_LONG' });
  });
});
