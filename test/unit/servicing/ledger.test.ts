import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import {
  balancesOf,
  checkBankAgreement,
  checkDoubleEntry,
  checkLoanPositions,
  creditAppliedEntry,
  disbursementEntry,
  entryProblem,
  interestEntry,
  loanBalancesOf,
  reconcile,
  repaymentEntry,
  reversalOf,
  sameEntry,
  writeOffEntry,
  type JournalEntry,
  type LoanPosition,
  type PostedLine,
} from '../../../domain/ledger.js';

const lines = (...entries: JournalEntry[]): PostedLine[] => entries.flatMap((e) => e.lines.map((l) => ({ ...l, loanId: e.loanId })));
const payout = disbursementEntry({ loanId: 'L1', principal: '10000.00', upfrontFee: '100.00', disbursedOn: '2026-01-15', transferKey: 'loan:L1:disbursement' });

describe('journal entries', () => {
  it('posts the disbursement as principal receivable, the net payout from the bank and the upfront fee as income', () => {
    expect(payout.businessKey).toBe('loan:L1:disbursement');
    expect(payout.externalRef).toBe('loan:L1:disbursement');
    expect(payout.lines).toEqual([
      { account: 'LOAN_PRINCIPAL', debit: '10000.00', credit: '0.00' },
      { account: 'BANK', debit: '0.00', credit: '9900.00' },
      { account: 'FEE_INCOME', debit: '0.00', credit: '100.00' },
    ]);
    expect(entryProblem(payout)).toBeNull();
  });

  it('leaves zero lines out: a product without an upfront fee posts two lines', () => {
    const e = disbursementEntry({ loanId: 'L2', principal: '5000.00', upfrontFee: '0.00', disbursedOn: '2026-01-15', transferKey: 'k' });
    expect(e.lines.map((l) => l.account)).toEqual(['LOAN_PRINCIPAL', 'BANK']);
  });

  it('refuses an entry whose debits and credits differ, or a line that is both or neither', () => {
    const broken: JournalEntry = { ...payout, lines: [...payout.lines.slice(0, 2)] };
    expect(entryProblem(broken)?.en).toMatch(/does not balance: debits 10000.00, credits 9900.00/);
    const both: JournalEntry = { ...payout, lines: [{ account: 'BANK', debit: '1.00', credit: '1.00' }, { account: 'LOAN_PRINCIPAL', debit: '0.00', credit: '0.00' }] };
    expect(entryProblem(both)?.en).toMatch(/debit or a credit/);
    expect(() => repaymentEntry({ loanId: 'L1', paymentId: 'p', channel: 'CASH', amount: '100.00', receivedOn: '2026-02-15', allocated: { penalty: '0.00', fee: '0.00', interest: '50.00', principal: '60.00' }, toCredit: '0.00', toRefund: '0.00', externalRef: null })).toThrow(/does not balance/);
  });

  it('posts a repayment into the channel account and out of the receivables it paid, the rest to credit', () => {
    const e = repaymentEntry({ loanId: 'L1', paymentId: 'p1', channel: 'AUTO_DEBIT', amount: '1000.00', receivedOn: '2026-02-15', allocated: { penalty: '5.00', fee: '0.00', interest: '100.00', principal: '800.00' }, toCredit: '95.00', toRefund: '0.00', externalRef: 'dbt-key' });
    expect(e.businessKey).toBe('payment:p1');
    expect(e.lines).toEqual([
      { account: 'BANK', debit: '1000.00', credit: '0.00' },
      { account: 'PENALTY_RECEIVABLE', debit: '0.00', credit: '5.00' },
      { account: 'INTEREST_RECEIVABLE', debit: '0.00', credit: '100.00' },
      { account: 'LOAN_PRINCIPAL', debit: '0.00', credit: '800.00' },
      { account: 'BORROWER_CREDIT', debit: '0.00', credit: '95.00' },
    ]);
    const cash = repaymentEntry({ loanId: 'L1', paymentId: 'p2', channel: 'CASH', amount: '1.00', receivedOn: '2026-02-15', allocated: { penalty: '0.00', fee: '0.00', interest: '0.00', principal: '1.00' }, toCredit: '0.00', toRefund: '0.00', externalRef: null });
    expect(cash.lines[0]!.account).toBe('CASH_ON_HAND');
  });

  it('derives balances from lines on each account’s normal side', () => {
    const interest = interestEntry({ loanId: 'L1', installment: 1, amount: '100.00', on: '2026-02-15' });
    const paid = repaymentEntry({ loanId: 'L1', paymentId: 'p1', channel: 'BANK_TRANSFER', amount: '1000.00', receivedOn: '2026-02-15', allocated: { penalty: '0.00', fee: '0.00', interest: '100.00', principal: '850.00' }, toCredit: '50.00', toRefund: '0.00', externalRef: 'pay-1' });
    const used = creditAppliedEntry({ loanId: 'L1', sequence: 1, on: '2026-03-15', allocated: { penalty: '0.00', fee: '0.00', interest: '0.00', principal: '50.00' } });
    const b = balancesOf(lines(payout, interest, paid, used));
    expect(b.LOAN_PRINCIPAL).toBe('9100.00');
    expect(b.BANK).toBe('-8900.00');
    expect(b.INTEREST_INCOME).toBe('100.00');
    expect(b.FEE_INCOME).toBe('100.00');
    expect(b.BORROWER_CREDIT).toBe('0.00');
    expect(loanBalancesOf(lines(payout, interest, paid)).credit).toBe('50.00');
  });

  it('reverses an entry with its mirror image under its own key, and never reverses a reversal', () => {
    const r = reversalOf(payout, { on: '2026-01-16', reason: 'posted twice' });
    expect(r.businessKey).toBe('reversal:loan:L1:disbursement');
    expect(r.reversesKey).toBe(payout.businessKey);
    expect(balancesOf(lines(payout, r))).toEqual(balancesOf([]));
    expect(() => reversalOf(r, { on: '2026-01-16', reason: 'x' })).toThrow(/cannot itself be reversed/);
  });

  it('writes off every open receivable to losses', () => {
    const e = writeOffEntry({ loanId: 'L1', on: '2026-06-01', open: { penalty: '45.10', fee: '0.00', interest: '300.00', principal: '9100.00' } });
    expect(e.lines[0]).toEqual({ account: 'LOAN_LOSS', debit: '9445.10', credit: '0.00' });
    expect(entryProblem(e)).toBeNull();
  });

  it('tells a retry (same lines in any order) from a clash under one key', () => {
    expect(sameEntry(payout, { ...payout, lines: [...payout.lines].reverse(), memo: 'other words' })).toBe(true);
    expect(sameEntry(payout, disbursementEntry({ loanId: 'L1', principal: '10000.00', upfrontFee: '0.00', disbursedOn: '2026-01-15', transferKey: 'loan:L1:disbursement' }))).toBe(false);
  });

  it('keeps every generated repayment balanced (property)', () => {
    const text = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    const cents = fc.integer({ min: 0, max: 10_000_000 });
    fc.assert(
      fc.property(cents, cents, cents, cents, cents, (penalty, fee, interest, principal, credit) => {
        const total = penalty + fee + interest + principal + credit;
        fc.pre(total > 0);
        const e = repaymentEntry({
          loanId: 'L', paymentId: 'p', channel: 'ONLINE', amount: text(total), receivedOn: '2026-01-01',
          allocated: { penalty: text(penalty), fee: text(fee), interest: text(interest), principal: text(principal) },
          toCredit: text(credit), toRefund: '0.00', externalRef: null,
        });
        expect(entryProblem(e)).toBeNull();
        const debits = e.lines.reduce((t, l) => t.plus(l.debit), new Decimal(0));
        const credits = e.lines.reduce((t, l) => t.plus(l.credit), new Decimal(0));
        expect(debits.toFixed(2)).toBe(text(total));
        expect(credits.toFixed(2)).toBe(text(total));
      }),
    );
  });
});

describe('reconciliation checks', () => {
  const position = (over: Partial<LoanPosition> = {}): LoanPosition => ({
    loanId: 'L1',
    status: 'ACTIVE',
    ledger: { principal: '9100.00', interest: '0.00', fees: '0.00', penalty: '0.00', credit: '0.00', refundDue: '0.00' },
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
    expect(checkLoanPositions([position({ scheduleOutstandingPrincipal: '9000.00' })]).map((f) => f.code)).toEqual(['PRINCIPAL_MISMATCH']);
    expect(checkLoanPositions([position({ projectedOutstandingPrincipal: '9200.00' })]).map((f) => f.code)).toEqual(['PROJECTION_MISMATCH']);
    expect(checkLoanPositions([position({ paymentsTotal: '1100.00' })]).map((f) => f.code)).toEqual(['PAYMENTS_MISMATCH']);
    expect(checkLoanPositions([position({ ledger: { ...position().ledger, credit: '-1.00' } })]).map((f) => f.code)).toEqual(['NEGATIVE_BALANCE']);
  });

  it('expects no principal left on a written-off loan', () => {
    const off = position({ status: 'WRITTEN_OFF', ledger: { ...position().ledger, principal: '0.00' }, projectedOutstandingPrincipal: '0.00', writtenOffPrincipal: '9100.00' });
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
      { businessKey: 'loan:L1:disbursement', loanId: 'L1', kind: 'DISBURSEMENT' as const, externalRef: 'loan:L1:disbursement', channel: null, amount: '9900.00' },
      { businessKey: 'payment:loan:L1:installment:1:debit:1', loanId: 'L1', kind: 'REPAYMENT' as const, externalRef: 'loan:L1:installment:1:debit:1', channel: 'AUTO_DEBIT' as const, amount: '1000.00' },
      { businessKey: 'payment:pay_1', loanId: 'L1', kind: 'REPAYMENT' as const, externalRef: 'pay_1', channel: 'BANK_TRANSFER' as const, amount: '50.00' },
    ];
    expect(checkBankAgreement(bank, entries)).toEqual([]);
    expect(checkBankAgreement(bank, entries.slice(1)).map((f) => f.code)).toEqual(['TRANSFER_WITHOUT_ENTRY']);
    expect(checkBankAgreement({ ...bank, debits: [] }, entries).map((f) => f.code)).toEqual(['ENTRY_WITHOUT_DEBIT']);
    expect(checkBankAgreement(bank, [...entries, { ...entries[0]!, businessKey: 'dup' }]).map((f) => f.code)).toEqual(['DUPLICATE_BANK_ENTRY']);
    expect(checkBankAgreement(bank, [{ ...entries[0]!, amount: '9800.00' }, ...entries.slice(1)]).map((f) => f.code)).toEqual(['AMOUNT_MISMATCH']);
    expect(checkBankAgreement(bank, [...entries, { businessKey: 'payment:ghost', loanId: 'L1', kind: 'REPAYMENT', externalRef: 'ghost', channel: 'BANK_TRANSFER', amount: '5.00' }]).map((f) => f.code)).toEqual(['ENTRY_WITHOUT_INCOMING']);
  });

  it('reports clean only when no check finds anything', () => {
    const report = reconcile({ checkedAt: '2026-01-01T00:00:00.000Z', entries: [{ businessKey: 'a', loanId: 'L1', debits: '1.00', credits: '1.00' }], loans: [position()], bank: { transfers: [], debits: [], incoming: [] }, bankEntries: [] });
    expect(report).toMatchObject({ clean: true, findings: [], totals: { debits: '1.00', credits: '1.00' } });
    const dirty = reconcile({ checkedAt: '2026-01-01T00:00:00.000Z', entries: [], loans: [position({ paymentsTotal: '0.00' })], bank: { transfers: [], debits: [], incoming: [] }, bankEntries: [] });
    expect(dirty.clean).toBe(false);
  });
});
