// The lending-account record: built from the account state, checked field by field before it is sent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountStateOn, type AccountHistory } from '../../../domain/credit-reporting/account-state.js';
import {
  buildRecord,
  recordIdFor,
  submissionLines,
  type LendingAccountRecord,
} from '../../../domain/credit-reporting/record.js';
import { validateRecord } from '../../../domain/credit-reporting/record-validation.js';
import { disputeDueOn, disputeOverdue, disputeReasonProblems } from '../../../domain/credit-reporting/disputes.js';
import { addDays } from '../../../domain/dates.js';
import { idNumberCheckChar } from '../../../domain/validation/id-number.js';
import { APPLICANT_ID } from '../origination/fixtures.js';

const history: AccountHistory = {
  openDate: '2026-01-15',
  amount: '3000.00',
  installments: [
    {
      number: 1,
      dueDate: '2026-02-15',
      principal: '1500.00',
      amountDue: '1560.00',
      paidPrincipal: '1500.00',
      paidAmount: '1560.00',
      paidOn: '2026-02-15',
    },
    {
      number: 2,
      dueDate: '2026-03-15',
      principal: '1500.00',
      amountDue: '1530.00',
      paidPrincipal: '0.00',
      paidAmount: '0.00',
      paidOn: null,
    },
  ],
  repayments: [{ receivedOn: '2026-02-15', amount: '1560.00' }],
  events: [],
};
const account = {
  loanId: 'loan-20260115-0123456789',
  loanType: 'PERSONAL_CONSUMER' as const,
  openDate: '2026-01-15',
  amount: '3000.00',
  frequency: 'MONTHLY' as const,
  idNumber: APPLICANT_ID,
  name: '王小明',
};
const record = (date = '2026-03-20') => buildRecord(account, accountStateOn(history, date));
const fields = (r: LendingAccountRecord) => validateRecord(r).map((p) => `${p.field}:${p.code}`);

describe('buildRecord', () => {
  it('fills the basics and the performance of the day', () => {
    const r = record();
    expect(r.recordId).toBe(recordIdFor(account.loanId, '2026-03-20'));
    expect(r.basics).toMatchObject({
      accountType: 'D1',
      currency: 'CNY',
      frequencyCode: '03',
      idType: '10',
      maturityDate: '2026-03-15',
      installmentCount: 2,
    });
    expect(r.performance).toMatchObject({
      balance: '1500.00',
      overdueAmount: '1530.00',
      overdueDays: 5,
      overduePeriods: 1,
      statusCode: '1',
      accountStatus: 'OVERDUE',
      accountStatusCode: '2',
      fiveLevelClass: 'SPECIAL_MENTION',
      fiveLevelCode: '2',
      lastPaymentDate: '2026-02-15',
      lastPaymentAmount: '1560.00',
    });
    expect(fields(r)).toEqual([]);
  });

  it('a correction names the record it replaces', () => {
    const r = buildRecord(account, accountStateOn(history, '2026-03-20'), {
      recordType: 'CORRECTION',
      correctsRecordId: 'x',
    });
    expect(r.recordId).toBe(`${account.loanId}:2026-03-20:CORRECTION:1`);
    expect(fields(r)).toEqual([]);
    expect(fields({ ...r, correctsRecordId: null })).toEqual(['correctsRecordId:INVALID_REFERENCE']);
  });

  it('writes one JSON line per record', () => {
    const text = submissionLines([record('2026-03-20'), record('2026-03-21')]);
    expect(text.split('\n')).toHaveLength(3);
    expect(JSON.parse(text.split('\n')[0]!).recordId).toBe(record('2026-03-20').recordId);
    expect(submissionLines([])).toBe('');
  });
});

describe('validateRecord', () => {
  it('refuses a wrong ID check digit and a malformed ID number', () => {
    const first17 = APPLICANT_ID.slice(0, 17);
    const wrong = first17 + (idNumberCheckChar(first17) === '1' ? '2' : '1');
    const r = record();
    expect(fields({ ...r, basics: { ...r.basics, idNumber: wrong } })).toEqual(['basics.idNumber:INVALID_CHECKSUM']);
    expect(fields({ ...r, basics: { ...r.basics, idNumber: '12345' } })).toEqual(['basics.idNumber:INVALID_FORMAT']);
  });

  it('refuses amounts not in cents, negative or absurd', () => {
    const r = record();
    expect(fields({ ...r, basics: { ...r.basics, amount: '3000.5' } })).toEqual(['basics.amount:INVALID_AMOUNT']);
    expect(fields({ ...r, performance: { ...r.performance, balance: '-1.00' } })).toEqual([
      'performance.balance:INVALID_AMOUNT',
    ]);
    expect(fields({ ...r, basics: { ...r.basics, amount: '0.00' } })).toEqual(['basics.amount:NOT_POSITIVE']);
  });

  it('refuses unreal dates and dates out of order', () => {
    const r = record();
    expect(fields({ ...r, reportDate: '2026-02-30' })).toEqual(['reportDate:INVALID_DATE']);
    expect(fields({ ...r, basics: { ...r.basics, openDate: '2026-03-21' } })).toContain(
      'basics.openDate:AFTER_REPORT_DATE',
    );
    expect(fields({ ...r, basics: { ...r.basics, maturityDate: '2026-01-01' } })).toEqual([
      'basics.maturityDate:BEFORE_OPEN_DATE',
    ]);
    expect(fields({ ...r, performance: { ...r.performance, lastPaymentDate: '2026-04-01' } })).toEqual([
      'performance.lastPaymentDate:AFTER_REPORT_DATE',
    ]);
  });

  it('refuses figures that disagree with the account status', () => {
    const r = record();
    expect(fields({ ...r, performance: { ...r.performance, statusCode: '3' } })).toEqual([
      'performance.statusCode:INCONSISTENT_STATUS',
    ]);
    expect(fields({ ...r, performance: { ...r.performance, overdueAmount: '0.00' } })).toEqual([
      'performance.overdueAmount:INCONSISTENT_OVERDUE',
    ]);
    expect(
      fields({
        ...r,
        performance: {
          ...r.performance,
          accountStatus: 'CLOSED',
          accountStatusCode: '3',
          statusCode: 'C',
          overdueDays: 0,
          overdueAmount: '0.00',
        },
      }),
    ).toEqual(['performance.balance:INCONSISTENT_STATUS']);
    expect(fields({ ...r, performance: { ...r.performance, lastPaymentAmount: null } })).toEqual([
      'performance.lastPaymentAmount:INCOMPLETE_PAYMENT',
    ]);
    expect(fields({ ...r, basics: { ...r.basics, name: ' ' } })).toEqual(['basics.name:INVALID_NAME']);
  });

  it('every problem speaks Chinese and English', () => {
    const r = record();
    const bad = { ...r, reportDate: 'x', basics: { ...r.basics, idNumber: '1', amount: 'x', name: '' } };
    for (const p of validateRecord(bad)) {
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en.length).toBeGreaterThan(0);
    }
  });

  it('property: every record the builder makes from any date is valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (offset) => {
        expect(fields(record(addDays('2026-01-15', offset)))).toEqual([]);
      }),
    );
  });
});

describe('disputes', () => {
  it('are answered within 20 days; overdue only while open after the due date', () => {
    expect(disputeDueOn('2026-12-20')).toBe('2027-01-09');
    expect(disputeOverdue({ status: 'OPEN', dueOn: '2027-01-09' }, '2027-01-09')).toBe(false);
    expect(disputeOverdue({ status: 'OPEN', dueOn: '2027-01-09' }, '2027-01-10')).toBe(true);
    expect(disputeOverdue({ status: 'RESOLVED', dueOn: '2027-01-09' }, '2030-01-10')).toBe(false);
    expect(disputeReasonProblems('错')).toHaveLength(1);
    expect(disputeReasonProblems('第二期已按时还款，却被报为逾期')).toEqual([]);
  });
});
