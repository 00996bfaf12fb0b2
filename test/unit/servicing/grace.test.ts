// The grace rule (contract: 宽限期内还清的，不计罚息和滞纳金，不视为逾期): within grace an unpaid installment
// is not overdue; after grace the loan's days past due and class count from the due date. Version 1's
// FROM_DUE_DATE figures stay what they were (the golden corpus locks them).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beyondGrace,
  daysPastDue,
  daysPastDueAfterGrace,
  graceEndsOn,
  overdueFrom,
} from '../../../domain/collections.js';
import { addDays } from '../../../domain/dates.js';
import {
  amountOwed,
  applyPayment,
  classificationOn,
  classificationUnder,
  daysPastDueOn,
  installmentInGrace,
  installmentStatus,
  oldestOverdue,
  openAccount,
  overdueInstallment,
  writeOff,
  type AccountTerms,
  type LoanAccount,
} from '../../../domain/servicing-account.js';

const terms = (graceDays: number): AccountTerms => ({
  principal: '12000.00',
  annualRate: '0.1200',
  termCount: 12,
  frequency: 'MONTHLY',
  method: 'EQUAL_INSTALLMENT',
  fees: [],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment: 'CARRY_FORWARD',
  rulesVersion: 1,
});

// Disbursed 2026-01-15: installment 1 of 1066.19 falls due 2026-02-15, installment 2 on 2026-03-15.
const account = (graceDays = 3): LoanAccount => openAccount('L', terms(graceDays), '2026-01-15');
const pay = (a: LoanAccount, amount: string, receivedOn: string) =>
  applyPayment(a, { paymentId: `p-${receivedOn}`, channel: 'ONLINE', amount, receivedOn, externalRef: null }).account;

describe('grace dates and days', () => {
  it('ends on due date + grace days; the installment is overdue from the day after', () => {
    expect(graceEndsOn('2026-02-15', 3)).toBe('2026-02-18');
    expect(overdueFrom('2026-02-15', 3)).toBe('2026-02-19');
    expect(overdueFrom('2026-02-15', 0)).toBe('2026-02-16');
    expect(graceEndsOn('2026-02-27', 3)).toBe('2026-03-02');
  });

  it('counts 0 within grace and every day since the due date after it', () => {
    expect([15, 16, 17, 18, 19, 20].map((d) => daysPastDueAfterGrace('2026-02-15', `2026-02-${d}`, 3))).toEqual([
      0, 0, 0, 0, 4, 5,
    ]);
    expect(daysPastDueAfterGrace(null, '2026-02-20', 3)).toBe(0);
    expect(beyondGrace(3, 3)).toBe(0);
    expect(beyondGrace(4, 3)).toBe(4);
  });

  it('is the plain count with no grace, and never more than it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 30 }), (late, grace) => {
        const today = addDays('2026-02-15', late);
        expect(daysPastDueAfterGrace('2026-02-15', today, 0)).toBe(daysPastDue('2026-02-15', today));
        const counted = daysPastDueAfterGrace('2026-02-15', today, grace);
        expect(counted === 0 || counted === late).toBe(true);
        expect(counted > 0).toBe(late > grace);
      }),
    );
  });
});

describe('the account under the grace rule', () => {
  it('within grace: no overdue installment, 0 days past due, NORMAL; the old rule said 关注 from day 1', () => {
    const a = account();
    for (const day of ['2026-02-16', '2026-02-17', '2026-02-18']) {
      expect(installmentInGrace(a, day)?.number).toBe(1);
      expect(overdueInstallment(a, day, 'AFTER_GRACE')).toBeNull();
      expect(daysPastDueOn(a, day, 'AFTER_GRACE')).toBe(0);
      expect(classificationUnder(a, day, 'AFTER_GRACE')).toBe('NORMAL');
      expect(overdueInstallment(a, day, 'FROM_DUE_DATE')?.number).toBe(1);
      expect(classificationUnder(a, day, 'FROM_DUE_DATE')).toBe('SPECIAL_MENTION');
    }
    expect(installmentInGrace(a, '2026-02-15')).toBeNull();
  });

  it('after grace: overdue from the day after, days past due from the due date, classed by them', () => {
    const a = account();
    expect(installmentInGrace(a, '2026-02-19')).toBeNull();
    expect(overdueInstallment(a, '2026-02-19', 'AFTER_GRACE')?.number).toBe(1);
    expect(daysPastDueOn(a, '2026-02-19', 'AFTER_GRACE')).toBe(4);
    expect(classificationUnder(a, '2026-02-19', 'AFTER_GRACE')).toBe('SPECIAL_MENTION');
    // 2026-05-17 is 91 days after 2026-02-15: 次级 under either rule.
    expect(daysPastDueOn(a, '2026-05-17', 'AFTER_GRACE')).toBe(91);
    expect(classificationUnder(a, '2026-05-17', 'AFTER_GRACE')).toBe('SUBSTANDARD');
  });

  it('a loan paid on the last day of grace was never overdue', () => {
    const paid = pay(account(), '1066.19', '2026-02-18');
    expect(paid.installments[0]!.paidOn).toBe('2026-02-18');
    for (const day of ['2026-02-18', '2026-02-19', '2026-03-01']) {
      expect(overdueInstallment(paid, day, 'AFTER_GRACE')).toBeNull();
      expect(classificationUnder(paid, day, 'AFTER_GRACE')).toBe('NORMAL');
    }
  });

  it('a partial payment within grace leaves the rest due, and overdue once grace ends', () => {
    const part = pay(account(), '500.00', '2026-02-17');
    expect(installmentInGrace(part, '2026-02-18')?.number).toBe(1);
    expect(daysPastDueOn(part, '2026-02-19', 'AFTER_GRACE')).toBe(4);
  });

  it('judges the oldest unpaid installment: a later one in grace after the older is paid keeps the loan NORMAL', () => {
    const a = account();
    // Installment 1 paid 23 days late with its charges; installment 2 falls due 2026-03-15.
    const caught = pay(a, amountOwed(a, 1, '2026-03-10'), '2026-03-10');
    expect(caught.installments[0]!.paidOn).toBe('2026-03-10');
    expect(installmentInGrace(caught, '2026-03-17')?.number).toBe(2);
    expect(classificationUnder(caught, '2026-03-17', 'AFTER_GRACE')).toBe('NORMAL');
    expect(classificationUnder(caught, '2026-03-19', 'AFTER_GRACE')).toBe('SPECIAL_MENTION');
  });

  it('with no grace days, both rules agree', () => {
    const a = account(0);
    for (const day of ['2026-02-15', '2026-02-16', '2026-03-20', '2026-06-01']) {
      expect(installmentInGrace(a, day)).toBeNull();
      expect(daysPastDueOn(a, day, 'AFTER_GRACE')).toBe(daysPastDueOn(a, day, 'FROM_DUE_DATE'));
      expect(classificationUnder(a, day, 'AFTER_GRACE')).toBe(classificationUnder(a, day, 'FROM_DUE_DATE'));
    }
  });

  it('FROM_DUE_DATE is version 1 as it was: classificationOn and the oldest overdue installment', () => {
    const a = account();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), (days) => {
        const day = addDays('2026-02-01', days);
        expect(classificationUnder(a, day, 'FROM_DUE_DATE')).toBe(classificationOn(a, day));
        expect(overdueInstallment(a, day, 'FROM_DUE_DATE')).toBe(oldestOverdue(a, day));
        expect(daysPastDueOn(a, day, 'FROM_DUE_DATE')).toBe(daysPastDue(oldestOverdue(a, day)?.dueDate ?? null, day));
      }),
    );
  });

  it('a written-off loan is LOSS with 0 days past due under either rule', () => {
    const off = writeOff(account(), '2026-06-01').account;
    for (const rule of ['AFTER_GRACE', 'FROM_DUE_DATE'] as const) {
      expect(classificationUnder(off, '2026-06-02', rule)).toBe('LOSS');
      expect(daysPastDueOn(off, '2026-06-02', rule)).toBe(0);
    }
  });
});

describe('installment status on the schedule', () => {
  it('is GRACE within the grace days, OVERDUE after them', () => {
    const first = account().installments[0]!;
    expect(installmentStatus(first, '2026-02-15', 3)).toBe('DUE');
    expect(installmentStatus(first, '2026-02-16', 3)).toBe('GRACE');
    expect(installmentStatus(first, '2026-02-18', 3)).toBe('GRACE');
    expect(installmentStatus(first, '2026-02-19', 3)).toBe('OVERDUE');
    expect(installmentStatus(first, '2026-02-16')).toBe('OVERDUE');
  });
});
