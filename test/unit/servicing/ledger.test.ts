import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import {
  balancesOf,
  creditAppliedEntry,
  disbursementEntry,
  drawnFromAccrued,
  entryProblem,
  interestAccrualEntry,
  interestEntry,
  loanBalancesOf,
  repaymentEntry,
  reversalOf,
  sameEntry,
  writeOffEntry,
  type JournalEntry,
  type PostedLine,
} from '../../../domain/ledger.js';

const lines = (...entries: JournalEntry[]): PostedLine[] =>
  entries.flatMap((e) => e.lines.map((l) => ({ ...l, loanId: e.loanId })));
const payout = disbursementEntry({
  loanId: 'L1',
  principal: '10000.00',
  upfrontFee: '100.00',
  disbursedOn: '2026-01-15',
  transferKey: 'loan:L1:disbursement',
});

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
    const e = disbursementEntry({
      loanId: 'L2',
      principal: '5000.00',
      upfrontFee: '0.00',
      disbursedOn: '2026-01-15',
      transferKey: 'k',
    });
    expect(e.lines.map((l) => l.account)).toEqual(['LOAN_PRINCIPAL', 'BANK']);
  });

  it('refuses an entry whose debits and credits differ, or a line that is both or neither', () => {
    const broken: JournalEntry = { ...payout, lines: [...payout.lines.slice(0, 2)] };
    expect(entryProblem(broken)?.en).toMatch(/does not balance: debits 10000.00, credits 9900.00/);
    const both: JournalEntry = {
      ...payout,
      lines: [
        { account: 'BANK', debit: '1.00', credit: '1.00' },
        { account: 'LOAN_PRINCIPAL', debit: '0.00', credit: '0.00' },
      ],
    };
    expect(entryProblem(both)?.en).toMatch(/debit or a credit/);
    expect(() =>
      repaymentEntry({
        loanId: 'L1',
        paymentId: 'p',
        channel: 'CASH',
        amount: '100.00',
        receivedOn: '2026-02-15',
        allocated: { penalty: '0.00', fee: '0.00', interest: '50.00', principal: '60.00' },
        toCredit: '0.00',
        toRefund: '0.00',
        externalRef: null,
      }),
    ).toThrow(/does not balance/);
  });

  it('posts a repayment into the channel account and out of the receivables it paid, the rest to credit', () => {
    const e = repaymentEntry({
      loanId: 'L1',
      paymentId: 'p1',
      channel: 'AUTO_DEBIT',
      amount: '1000.00',
      receivedOn: '2026-02-15',
      allocated: { penalty: '5.00', fee: '0.00', interest: '100.00', principal: '800.00' },
      toCredit: '95.00',
      toRefund: '0.00',
      externalRef: 'dbt-key',
    });
    expect(e.businessKey).toBe('payment:p1');
    expect(e.lines).toEqual([
      { account: 'BANK', debit: '1000.00', credit: '0.00' },
      { account: 'PENALTY_RECEIVABLE', debit: '0.00', credit: '5.00' },
      { account: 'INTEREST_RECEIVABLE', debit: '0.00', credit: '100.00' },
      { account: 'LOAN_PRINCIPAL', debit: '0.00', credit: '800.00' },
      { account: 'BORROWER_CREDIT', debit: '0.00', credit: '95.00' },
    ]);
    const cash = repaymentEntry({
      loanId: 'L1',
      paymentId: 'p2',
      channel: 'CASH',
      amount: '1.00',
      receivedOn: '2026-02-15',
      allocated: { penalty: '0.00', fee: '0.00', interest: '0.00', principal: '1.00' },
      toCredit: '0.00',
      toRefund: '0.00',
      externalRef: null,
    });
    expect(cash.lines[0]!.account).toBe('CASH_ON_HAND');
  });

  it('derives balances from lines on each account’s normal side', () => {
    const interest = interestEntry({ loanId: 'L1', installment: 1, amount: '100.00', on: '2026-02-15' });
    const paid = repaymentEntry({
      loanId: 'L1',
      paymentId: 'p1',
      channel: 'BANK_TRANSFER',
      amount: '1000.00',
      receivedOn: '2026-02-15',
      allocated: { penalty: '0.00', fee: '0.00', interest: '100.00', principal: '850.00' },
      toCredit: '50.00',
      toRefund: '0.00',
      externalRef: 'pay-1',
    });
    const used = creditAppliedEntry({
      loanId: 'L1',
      sequence: 1,
      on: '2026-03-15',
      allocated: { penalty: '0.00', fee: '0.00', interest: '0.00', principal: '50.00' },
    });
    const b = balancesOf(lines(payout, interest, paid, used));
    expect(b.LOAN_PRINCIPAL).toBe('9100.00');
    expect(b.BANK).toBe('-8900.00');
    expect(b.INTEREST_INCOME).toBe('100.00');
    expect(b.FEE_INCOME).toBe('100.00');
    expect(b.BORROWER_CREDIT).toBe('0.00');
    expect(loanBalancesOf(lines(payout, interest, paid)).credit).toBe('50.00');
  });

  it('reports interest accrued day by day and not yet due as the loan’s accrued interest, apart from interest due', () => {
    const accrued = [1, 2, 3].map((d) =>
      interestAccrualEntry({ loanId: 'L1', through: `2026-01-1${d}`, repeat: 0, amount: new Decimal('3.33') }),
    );
    const takenBack = interestAccrualEntry({
      loanId: 'L1',
      through: '2026-01-14',
      repeat: 0,
      amount: new Decimal('-0.99'),
    });
    expect(loanBalancesOf(lines(payout, ...accrued, takenBack))).toMatchObject({
      principal: '10000.00',
      interest: '0.00',
      accruedInterest: '9.00',
    });
    // At the due date the accrued part moves to interest due; only the rest is new income.
    const due = drawnFromAccrued(
      interestEntry({ loanId: 'L1', installment: 1, amount: '100.00', on: '2026-02-15' }),
      new Decimal('9.00'),
    );
    const after = loanBalancesOf(lines(payout, ...accrued, takenBack, due));
    expect(after).toMatchObject({ interest: '100.00', accruedInterest: '0.00' });
    expect(balancesOf(lines(payout, ...accrued, takenBack, due)).INTEREST_INCOME).toBe('100.00');
  });

  it('reverses an entry with its mirror image under its own key, and never reverses a reversal', () => {
    const r = reversalOf(payout, { on: '2026-01-16', reason: 'posted twice' });
    expect(r.businessKey).toBe('reversal:loan:L1:disbursement');
    expect(r.reversesKey).toBe(payout.businessKey);
    expect(balancesOf(lines(payout, r))).toEqual(balancesOf([]));
    expect(() => reversalOf(r, { on: '2026-01-16', reason: 'x' })).toThrow(/cannot itself be reversed/);
  });

  it('writes off every open receivable to losses', () => {
    const e = writeOffEntry({
      loanId: 'L1',
      on: '2026-06-01',
      open: { penalty: '45.10', fee: '0.00', interest: '300.00', principal: '9100.00' },
    });
    expect(e.lines[0]).toEqual({ account: 'LOAN_LOSS', debit: '9445.10', credit: '0.00' });
    expect(entryProblem(e)).toBeNull();
  });

  it('tells a retry (same lines in any order) from a clash under one key', () => {
    expect(sameEntry(payout, { ...payout, lines: [...payout.lines].reverse(), memo: 'other words' })).toBe(true);
    expect(
      sameEntry(
        payout,
        disbursementEntry({
          loanId: 'L1',
          principal: '10000.00',
          upfrontFee: '0.00',
          disbursedOn: '2026-01-15',
          transferKey: 'loan:L1:disbursement',
        }),
      ),
    ).toBe(false);
  });

  it('keeps every generated repayment balanced (property)', () => {
    const text = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
    const cents = fc.integer({ min: 0, max: 10_000_000 });
    fc.assert(
      fc.property(cents, cents, cents, cents, cents, (penalty, fee, interest, principal, credit) => {
        const total = penalty + fee + interest + principal + credit;
        fc.pre(total > 0);
        const e = repaymentEntry({
          loanId: 'L',
          paymentId: 'p',
          channel: 'ONLINE',
          amount: text(total),
          receivedOn: '2026-01-01',
          allocated: { penalty: text(penalty), fee: text(fee), interest: text(interest), principal: text(principal) },
          toCredit: text(credit),
          toRefund: '0.00',
          externalRef: null,
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
