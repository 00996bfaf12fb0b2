import { describe, expect, it } from 'vitest';
import {
  checkBankAgreement,
  checkDoubleEntry,
  checkLoanPositions,
  reconcile,
  type LoanPosition,
} from '../../../domain/reconciliation.js';

describe('reconciliation checks', () => {
  const position = (over: Partial<LoanPosition> = {}): LoanPosition => ({
    loanId: 'L1',
    status: 'ACTIVE',
    ledger: {
      principal: '9100.00',
      interest: '0.00',
      accruedInterest: '0.00',
      fees: '0.00',
      penalty: '0.00',
      credit: '0.00',
      refundDue: '0.00',
    },
    disbursedPrincipal: '10000.00',
    scheduleOutstandingPrincipal: '9100.00',
    schedulePaidPrincipal: '900.00',
    projectedOutstandingPrincipal: '9100.00',
    paymentsTotal: '1000.00',
    ledgerPaymentsTotal: '1000.00',
    writtenOffPrincipal: '0.00',
    ...over,
  });

  it('finds unbalanced entries and an unbalanced ledger', () => {
    const findings = checkDoubleEntry([
      { businessKey: 'a', loanId: 'L1', debits: '10.00', credits: '10.00' },
      { businessKey: 'b', loanId: 'L1', debits: '10.00', credits: '9.99' },
    ]);
    expect(findings.map((f) => f.code)).toEqual(['ENTRY_UNBALANCED', 'LEDGER_UNBALANCED']);
    expect(findings[0]!.ref).toBe('b');
  });

  it('accepts a loan whose ledger, schedule, payments and projection agree', () => {
    expect(checkLoanPositions([position()])).toEqual([]);
  });

  it('names each disagreement about a loan', () => {
    expect(checkLoanPositions([position({ scheduleOutstandingPrincipal: '9000.00' })]).map((f) => f.code)).toEqual([
      'PRINCIPAL_MISMATCH',
    ]);
    expect(checkLoanPositions([position({ projectedOutstandingPrincipal: '9200.00' })]).map((f) => f.code)).toEqual([
      'PROJECTION_MISMATCH',
    ]);
    expect(checkLoanPositions([position({ paymentsTotal: '1100.00' })]).map((f) => f.code)).toEqual([
      'PAYMENTS_MISMATCH',
    ]);
    expect(
      checkLoanPositions([position({ ledger: { ...position().ledger, credit: '-1.00' } })]).map((f) => f.code),
    ).toEqual(['NEGATIVE_BALANCE']);
  });

  it('expects no principal left on a written-off loan', () => {
    const off = position({
      status: 'WRITTEN_OFF',
      ledger: { ...position().ledger, principal: '0.00' },
      projectedOutstandingPrincipal: '0.00',
      writtenOffPrincipal: '9100.00',
    });
    expect(checkLoanPositions([off])).toEqual([]);
  });

  it('matches bank transfers, debits and incoming payments one to one with the ledger', () => {
    const bank = {
      transfers: [
        { idempotencyKey: 'loan:L1:disbursement', status: 'SUCCEEDED' as const, amount: '9900.00' },
        { idempotencyKey: 'loan:L2:disbursement', status: 'FAILED' as const, amount: '500.00' },
      ],
      debits: [{ idempotencyKey: 'loan:L1:installment:1:debit:1', status: 'SUCCEEDED' as const, amount: '1000.00' }],
      incoming: [{ paymentId: 'pay_1', amount: '50.00' }],
    };
    const entries = [
      {
        businessKey: 'loan:L1:disbursement',
        loanId: 'L1',
        kind: 'DISBURSEMENT' as const,
        externalRef: 'loan:L1:disbursement',
        channel: null,
        amount: '9900.00',
      },
      {
        businessKey: 'payment:loan:L1:installment:1:debit:1',
        loanId: 'L1',
        kind: 'REPAYMENT' as const,
        externalRef: 'loan:L1:installment:1:debit:1',
        channel: 'AUTO_DEBIT' as const,
        amount: '1000.00',
      },
      {
        businessKey: 'payment:pay_1',
        loanId: 'L1',
        kind: 'REPAYMENT' as const,
        externalRef: 'pay_1',
        channel: 'BANK_TRANSFER' as const,
        amount: '50.00',
      },
    ];
    expect(checkBankAgreement(bank, entries)).toEqual([]);
    expect(checkBankAgreement(bank, entries.slice(1)).map((f) => f.code)).toEqual(['TRANSFER_WITHOUT_ENTRY']);
    expect(checkBankAgreement({ ...bank, debits: [] }, entries).map((f) => f.code)).toEqual(['ENTRY_WITHOUT_DEBIT']);
    expect(checkBankAgreement(bank, [...entries, { ...entries[0]!, businessKey: 'dup' }]).map((f) => f.code)).toEqual([
      'DUPLICATE_BANK_ENTRY',
    ]);
    expect(
      checkBankAgreement(bank, [{ ...entries[0]!, amount: '9800.00' }, ...entries.slice(1)]).map((f) => f.code),
    ).toEqual(['AMOUNT_MISMATCH']);
    expect(
      checkBankAgreement(bank, [
        ...entries,
        {
          businessKey: 'payment:ghost',
          loanId: 'L1',
          kind: 'REPAYMENT',
          externalRef: 'ghost',
          channel: 'BANK_TRANSFER',
          amount: '5.00',
        },
      ]).map((f) => f.code),
    ).toEqual(['ENTRY_WITHOUT_INCOMING']);
  });

  it('reports clean only when no check finds anything', () => {
    const report = reconcile({
      checkedAt: '2026-01-01T00:00:00.000Z',
      entries: [{ businessKey: 'a', loanId: 'L1', debits: '1.00', credits: '1.00' }],
      loans: [position()],
      bank: { transfers: [], debits: [], incoming: [] },
      bankEntries: [],
    });
    expect(report).toMatchObject({ clean: true, findings: [], totals: { debits: '1.00', credits: '1.00' } });
    const dirty = reconcile({
      checkedAt: '2026-01-01T00:00:00.000Z',
      entries: [],
      loans: [position({ paymentsTotal: '0.00' })],
      bank: { transfers: [], debits: [], incoming: [] },
      bankEntries: [],
    });
    expect(dirty.clean).toBe(false);
  });
});
