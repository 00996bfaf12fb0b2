import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sumMoney } from '../../../domain/money.js';
import {
  aprBandOf,
  borrowerKindOf,
  daysPastDueAt,
  overdueBucketOf,
  regulatoryMonthlyReport,
  termBandOf,
  type LoanAtMonthEnd,
} from '../../../domain/regulatory-statistics.js';
import { regulatoryReportRows } from '../../../domain/regulatory-statistics-table.js';
import { LOAN_TYPES } from '../../../domain/types.js';

const base: LoanAtMonthEnd = {
  loanId: 'a',
  loanType: 'PERSONAL_CONSUMER',
  disbursedOn: '2026-01-10',
  disbursedPrincipal: '10000.00',
  maturityDate: '2026-07-10',
  apr: '0.1200',
  outstandingPrincipal: '8000.00',
  oldestUnpaidDueDate: null,
  writtenOffOn: null,
  writtenOffAmount: '0.00',
  recoveriesInMonth: 0,
  recoveredInMonth: '0.00',
};
const loan = (over: Partial<LoanAtMonthEnd>): LoanAtMonthEnd => ({ ...base, ...over });
const march = (loans: LoanAtMonthEnd[], asOf = '2026-03-31') =>
  regulatoryMonthlyReport({ month: '2026-03', from: '2026-03-01', to: '2026-03-31', asOf, loans });

describe('bands', () => {
  it('puts each bound in the band below it', () => {
    expect(aprBandOf('0.1540')).toBe('UP_TO_4LPR');
    expect(aprBandOf('0.1541')).toBe('LPR4_TO_24');
    expect(aprBandOf('0.2400')).toBe('LPR4_TO_24');
    expect(aprBandOf('0.2401')).toBe('P24_TO_36');
    expect(aprBandOf('0.3600')).toBe('P24_TO_36');
    expect(aprBandOf('0.3601')).toBe('OVER_36');
    expect(aprBandOf('0.1300', '0.1200')).toBe('LPR4_TO_24');
  });

  it('bands terms by the months from payout to maturity', () => {
    expect(termBandOf('2026-01-31', '2026-04-30')).toBe('UP_TO_3M');
    expect(termBandOf('2026-01-31', '2026-05-01')).toBe('M3_TO_6M');
    expect(termBandOf('2026-01-10', '2026-07-10')).toBe('M3_TO_6M');
    expect(termBandOf('2026-01-10', '2027-01-10')).toBe('M6_TO_12M');
    expect(termBandOf('2026-01-10', '2027-01-11')).toBe('Y1_TO_3Y');
    expect(termBandOf('2026-01-10', '2029-01-11')).toBe('OVER_3Y');
  });

  it('buckets days past due', () => {
    expect([0, 1, 30, 31, 90, 91, 180, 181, 360, 361].map(overdueBucketOf)).toEqual([
      null,
      'D1_30',
      'D1_30',
      'D31_90',
      'D31_90',
      'D91_180',
      'D91_180',
      'D181_360',
      'D181_360',
      'OVER_360',
    ]);
  });

  it('names the borrower kind from the loan type', () => {
    expect(borrowerKindOf('INDIVIDUAL_BUSINESS')).toBe('INDIVIDUAL_BUSINESS');
    expect(borrowerKindOf('FARMER')).toBe('FARMER');
    expect(borrowerKindOf('COLLATERAL')).toBe('INDIVIDUAL');
  });

  it('counts days past due from the oldest installment unpaid on the day', () => {
    expect(daysPastDueAt({ oldestUnpaidDueDate: null }, '2026-03-31')).toBe(0);
    expect(daysPastDueAt({ oldestUnpaidDueDate: '2026-03-31' }, '2026-03-31')).toBe(0);
    expect(daysPastDueAt({ oldestUnpaidDueDate: '2026-03-30' }, '2026-03-31')).toBe(1);
  });
});

describe('the monthly report', () => {
  it('adds up a known book', () => {
    const r = march([
      loan({ loanId: 'current' }),
      loan({
        loanId: 'late',
        loanType: 'FARMER',
        apr: '0.2000',
        outstandingPrincipal: '5000.00',
        oldestUnpaidDueDate: '2026-02-10', // 49 days at 31 March
      }),
      loan({
        loanId: 'new',
        loanType: 'INDIVIDUAL_BUSINESS',
        disbursedOn: '2026-03-05',
        disbursedPrincipal: '3000.00',
        outstandingPrincipal: '3000.00',
        maturityDate: '2027-03-05',
        apr: '0.3000',
      }),
      loan({ loanId: 'paid', outstandingPrincipal: '0.00' }),
      loan({
        loanId: 'written',
        outstandingPrincipal: '0.00',
        writtenOffOn: '2026-03-20',
        writtenOffAmount: '6200.50',
        recoveriesInMonth: 2,
        recoveredInMonth: '150.00',
      }),
      loan({ loanId: 'later', disbursedOn: '2026-04-01' }),
    ]);
    expect(r.monthEnded).toBe(true);
    expect(r.balance).toEqual({ loans: 3, principal: '16000.00' });
    expect(r.byLoanType.find((b) => b.loanType === 'PERSONAL_CONSUMER')).toMatchObject({
      loans: 1,
      principal: '8000.00',
    });
    expect(r.byBorrowerKind).toEqual([
      { borrowerKind: 'INDIVIDUAL', loans: 1, principal: '8000.00' },
      { borrowerKind: 'INDIVIDUAL_BUSINESS', loans: 1, principal: '3000.00' },
      { borrowerKind: 'FARMER', loans: 1, principal: '5000.00' },
    ]);
    expect(r.byClass.find((b) => b.classification === 'SPECIAL_MENTION')).toMatchObject({
      loans: 1,
      principal: '5000.00',
    });
    expect(r.byClass.find((b) => b.classification === 'NORMAL')).toMatchObject({ loans: 2, principal: '11000.00' });
    expect(r.byTermBand.find((b) => b.termBand === 'M6_TO_12M')).toMatchObject({ loans: 1, principal: '3000.00' });
    expect(r.newLoans).toEqual({ loans: 1, principal: '3000.00' });
    expect(r.aprDistribution.find((b) => b.aprBand === 'P24_TO_36')).toMatchObject({
      newLoans: 1,
      newPrincipal: '3000.00',
      outstandingLoans: 1,
    });
    expect(r.overdue).toMatchObject({ loans: 1, principal: '5000.00' });
    expect(r.overdue.byBucket.find((b) => b.bucket === 'D31_90')).toMatchObject({ loans: 1 });
    expect(r.writeOffs).toEqual({ loans: 1, amount: '6200.50' });
    expect(r.recoveries).toEqual({ payments: 2, loans: 1, amount: '150.00' });
  });

  it('counts only write-offs dated in the month', () => {
    const r = march([loan({ outstandingPrincipal: '0.00', writtenOffOn: '2026-02-27', writtenOffAmount: '10.00' })]);
    expect(r.writeOffs).toEqual({ loans: 0, amount: '0.00' });
  });

  it('classes a loan by an override approved by month-end unless its days past due say worse', () => {
    const r = march([
      loan({ loanId: 'held', overrideClass: 'SUBSTANDARD' }),
      loan({ loanId: 'worse', overrideClass: 'SPECIAL_MENTION', oldestUnpaidDueDate: '2025-12-01' }),
      loan({ loanId: 'lifted', overrideClass: 'COMPUTED' }),
    ]);
    const count = (c: string) => r.byClass.find((b) => b.classification === c)!.loans;
    expect(count('SUBSTANDARD')).toBe(2);
    expect(count('NORMAL')).toBe(1);
    expect(count('SPECIAL_MENTION')).toBe(0);
  });

  it('says a month not over is taken as of the day asked', () => {
    expect(march([], '2026-03-15').monthEnded).toBe(false);
  });

  it('splits the balance the same way in every breakdown (property)', () => {
    const arbLoan = fc.record({
      loanId: fc.uuid(),
      loanType: fc.constantFrom(...LOAN_TYPES),
      disbursedOn: fc.constantFrom('2025-06-01', '2026-01-31', '2026-03-01', '2026-03-31'),
      disbursedPrincipal: fc.integer({ min: 1, max: 10_000_000 }).map((c) => (c / 100).toFixed(2)),
      maturityDate: fc.constantFrom('2026-04-30', '2026-09-30', '2027-06-30', '2031-01-01'),
      apr: fc.integer({ min: 0, max: 5000 }).map((bp) => (bp / 10000).toFixed(4)),
      outstandingPrincipal: fc.integer({ min: 0, max: 10_000_000 }).map((c) => (c / 100).toFixed(2)),
      oldestUnpaidDueDate: fc.option(fc.constantFrom('2024-01-01', '2025-12-01', '2026-03-01', '2026-03-31')),
      writtenOffOn: fc.constant(null),
      writtenOffAmount: fc.constant('0.00'),
      recoveriesInMonth: fc.constant(0),
      recoveredInMonth: fc.constant('0.00'),
    });
    fc.assert(
      fc.property(fc.array(arbLoan, { maxLength: 30 }), (loans) => {
        const r = march(loans);
        const total = (xs: Array<{ loans: number; principal: string }>) => ({
          loans: xs.reduce((n, x) => n + x.loans, 0),
          principal: sumMoney(xs.map((x) => x.principal)),
        });
        for (const split of [r.byLoanType, r.byTermBand, r.byClass, r.byBorrowerKind])
          expect(total(split)).toEqual(r.balance);
        expect(total(r.overdue.byBucket)).toEqual({ loans: r.overdue.loans, principal: r.overdue.principal });
        const held = r.aprDistribution.map((b) => ({ loans: b.outstandingLoans, principal: b.outstandingPrincipal }));
        expect(total(held)).toEqual(r.balance);
        const normal = r.byClass.find((b) => b.classification === 'NORMAL')!;
        expect(normal.loans + r.overdue.loans).toBe(r.balance.loans);
      }),
    );
  });

  it('writes one CSV row per figure with Chinese headings', () => {
    const rows = regulatoryReportRows(march([loan({})]), 'zh');
    expect(rows[0]).toEqual(['项目分类', '项目', '笔数', '金额（元）']);
    expect(rows).toContainEqual(['贷款余额', '合计', 1, '8000.00']);
    expect(rows).toContainEqual(['余额-按五级分类', '正常', 1, '8000.00']);
    expect(regulatoryReportRows(march([]), 'en')[0]).toEqual(['Section', 'Item', 'Count', 'Amount (CNY)']);
  });
});
