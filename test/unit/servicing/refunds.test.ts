// Refund rules (domain/refunds.ts), the refund's journal entry, the product's approval threshold,
// and the bank check that matches a paid refund to its transfer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultProductFor } from '../../../domain/default-products.js';
import {
  balancesOf,
  refundEntry,
  refundToCreditEntry,
  repaymentEntry,
  type JournalEntry,
} from '../../../domain/ledger.js';
import type { LoanAccount } from '../../../domain/servicing-account.js';
import { validateProduct } from '../../../domain/products.js';
import { checkBankAgreement } from '../../../domain/reconciliation.js';
import {
  DEFAULT_REFUND_APPROVAL_THRESHOLD,
  DEFAULT_REFUND_HOLD_DAYS,
  refundIdOf,
  refundKeptAsCredit,
  refundNeedsApproval,
  refundOwedBy,
  refundTransferKey,
} from '../../../domain/refunds.js';

const NOTHING = { penalty: '0.00', fee: '0.00', interest: '0.00', principal: '0.00' };

function overpayment(toRefund: string, amount = toRefund): JournalEntry {
  return repaymentEntry({
    loanId: 'L1',
    paymentId: `p-${toRefund}`,
    channel: 'ONLINE',
    amount,
    receivedOn: '2026-01-15',
    allocated: { ...NOTHING, principal: (Number(amount) - Number(toRefund)).toFixed(2) },
    toCredit: '0.00',
    toRefund,
    externalRef: null,
  });
}

describe('refund rules', () => {
  it('owes back what the entries credit to REFUND_PAYABLE, and nothing when they credit none', () => {
    expect(refundOwedBy([overpayment('200.00', '1200.00')])).toBe('200.00');
    expect(refundOwedBy([overpayment('0.00', '1200.00')])).toBe('0.00');
    expect(refundOwedBy([])).toBe('0.00');
    const creditAtPayoff: JournalEntry = {
      businessKey: 'loan:L1:credit-refund:2026-01-15',
      loanId: 'L1',
      kind: 'CREDIT_APPLIED',
      effectiveOn: '2026-01-15',
      externalRef: null,
      reversesKey: null,
      memo: '',
      lines: [
        { account: 'BORROWER_CREDIT', debit: '300.00', credit: '0.00' },
        { account: 'REFUND_PAYABLE', debit: '0.00', credit: '300.00' },
      ],
    };
    expect(refundOwedBy([creditAtPayoff, overpayment('45.50', '2000.00')])).toBe('345.50');
  });

  it('asks finance only above the threshold, 1000.00 when the product names none', () => {
    expect(DEFAULT_REFUND_APPROVAL_THRESHOLD).toBe('1000.00');
    expect(refundNeedsApproval('1000.00', [], undefined)).toBe(false);
    expect(refundNeedsApproval('1000.01', [], undefined)).toBe(true);
    expect(refundNeedsApproval('100.00', [], '100.00')).toBe(false);
    expect(refundNeedsApproval('0.01', [], '0.00')).toBe(true);
  });

  it('applies the threshold to everything the loan owes back, not to each refund alone', () => {
    // Two overpayments of 600.00 each: the second passes 1000.00 together with the first.
    expect(refundNeedsApproval('600.00', [{ amount: '600.00', status: 'PAID' }], undefined)).toBe(true);
    expect(refundNeedsApproval('400.00', [{ amount: '600.00', status: 'PENDING' }], undefined)).toBe(false);
    expect(refundNeedsApproval('50.00', [{ amount: '60.00', status: 'FAILED' }], '100.00')).toBe(true);
    // A refund no longer owed back (rejected, cancelled) does not count.
    expect(
      refundNeedsApproval(
        '600.00',
        [
          { amount: '900.00', status: 'REJECTED' },
          { amount: '900.00', status: 'CANCELLED' },
        ],
        undefined,
      ),
    ).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }), (cents) => {
        const amounts = cents.map((c) => (c / 100).toFixed(2));
        // However the loan's refunds are split, none passes unapproved once together they exceed the threshold.
        const needs = amounts.map((a, i) =>
          refundNeedsApproval(
            a,
            amounts.slice(0, i).map((x) => ({ amount: x, status: 'PAID' })),
            '100.00',
          ),
        );
        const unapproved = amounts.filter((_, i) => !needs[i]).reduce((t, a) => t + Math.round(Number(a) * 100), 0);
        expect(unapproved).toBeLessThanOrEqual(10_000);
      }),
    );
  });

  it('keys each attempt by business ids, a retry with a key of its own', () => {
    expect(refundIdOf(3)).toBe('R3');
    expect(refundTransferKey('loan-1', 2, 1)).toBe('loan:loan-1:refund:2');
    expect(refundTransferKey('loan-1', 2, 3)).toBe('loan:loan-1:refund:2:retry-2');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), (n, attempts) => {
        const keys = Array.from({ length: attempts }, (_, i) => refundTransferKey('L', n, i + 1));
        expect(new Set(keys).size).toBe(attempts);
      }),
    );
  });
});

describe('the refund entry', () => {
  it('moves what was owed back from REFUND_PAYABLE out of the bank, keyed once per refund', () => {
    const entry = refundEntry({
      loanId: 'L1',
      number: 1,
      amount: '200.00',
      paidOn: '2026-01-16',
      transferKey: 'k:retry-1',
    });
    expect(entry).toMatchObject({ businessKey: 'loan:L1:refund:1', kind: 'REFUND', externalRef: 'k:retry-1' });
    const balances = balancesOf(
      [overpayment('200.00', '200.00'), entry].flatMap((e) => e.lines.map((l) => ({ ...l, loanId: 'L1' }))),
    );
    expect(balances.REFUND_PAYABLE).toBe('0.00');
    expect(balances.PAYMENT_GATEWAY).toBe('200.00');
    expect(balances.BANK).toBe('-200.00');
  });

  it('is matched to its transfer at the bank like a payout', () => {
    const bank = {
      transfers: [
        { idempotencyKey: 'loan:L1:refund:1', status: 'FAILED' as const, amount: '200.00' },
        { idempotencyKey: 'loan:L1:refund:1:retry-1', status: 'SUCCEEDED' as const, amount: '200.00' },
      ],
      debits: [],
      incoming: [],
    };
    const paid = {
      businessKey: 'loan:L1:refund:1',
      loanId: 'L1',
      kind: 'REFUND' as const,
      externalRef: 'loan:L1:refund:1:retry-1',
      channel: null,
      amount: '200.00',
    };
    expect(checkBankAgreement(bank, [paid])).toEqual([]);
    expect(checkBankAgreement(bank, []).map((f) => f.code)).toEqual(['TRANSFER_WITHOUT_ENTRY']);
    expect(checkBankAgreement(bank, [{ ...paid, externalRef: 'loan:L1:refund:1' }]).map((f) => f.code)).toEqual([
      'TRANSFER_WITHOUT_ENTRY',
      'ENTRY_WITHOUT_TRANSFER',
    ]);
  });
});

describe('the product’s refundApprovalThreshold', () => {
  const product = () => JSON.parse(JSON.stringify(defaultProductFor('PERSONAL_CONSUMER'))) as Record<string, unknown>;

  it('is optional, kept when given, and may be zero (every refund approved)', () => {
    const absent = validateProduct(product());
    expect(absent.ok && absent.value.refundApprovalThreshold).toBe(undefined);
    const given = validateProduct({ ...product(), refundApprovalThreshold: '2500.00' });
    expect(given.ok && given.value.refundApprovalThreshold).toBe('2500.00');
    const hold = validateProduct({ ...product(), refundHoldDays: 5 });
    expect(hold.ok && hold.value.refundHoldDays).toBe(5);
    const zero = validateProduct({ ...product(), refundApprovalThreshold: '0.00' });
    expect(zero.ok && zero.value.refundApprovalThreshold).toBe('0.00');
  });

  it.each([
    [1000, 'NOT_A_STRING'],
    ['-5.00', 'INVALID_AMOUNT_FORMAT'],
    ['12.345', 'INVALID_AMOUNT_FORMAT'],
    [null, 'REQUIRED'],
  ])('refuses %j, naming the field', (value, code) => {
    const result = validateProduct({ ...product(), refundApprovalThreshold: value });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems).toEqual([expect.objectContaining({ field: 'refundApprovalThreshold', code })]);
  });
});

describe('the product’s refundHoldDays', () => {
  const product = () => JSON.parse(JSON.stringify(defaultProductFor('PERSONAL_CONSUMER'))) as Record<string, unknown>;

  it('defaults to 3 days when absent', () => {
    const absent = validateProduct(product());
    expect(absent.ok && absent.value.refundHoldDays).toBe(undefined);
    expect(DEFAULT_REFUND_HOLD_DAYS).toBe(3);
  });

  it.each([-1, 31, 1.5, '3', null])('refuses %j, naming the field', (value) => {
    const result = validateProduct({ ...product(), refundHoldDays: value });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toEqual(['refundHoldDays']);
  });
});

describe('a rejected refund kept as credit', () => {
  const account = { loanId: 'L1', credit: '40.00', installments: [] } as unknown as LoanAccount;

  it('moves the amount REFUND_PAYABLE → BORROWER_CREDIT once per refund, and grows the account credit by it', () => {
    const kept = refundKeptAsCredit(account, { number: 2, amount: '300.00' }, '2026-02-15');
    expect(kept.account.credit).toBe('340.00');
    expect(account.credit).toBe('40.00');
    expect(kept.changed).toEqual([]);
    expect(kept.entries).toEqual([
      refundToCreditEntry({ loanId: 'L1', number: 2, amount: '300.00', on: '2026-02-15' }),
    ]);
    expect(kept.entries[0]).toMatchObject({ businessKey: 'loan:L1:refund:2:to-credit', kind: 'CREDIT_APPLIED' });
    // What the overpayment credited to REFUND_PAYABLE is cleared, and owed as credit instead.
    const balances = balancesOf(
      [overpayment('300.00', '1300.00'), ...kept.entries].flatMap((e) =>
        e.lines.map((l) => ({ ...l, loanId: e.loanId })),
      ),
    );
    expect(balances.REFUND_PAYABLE).toBe('0.00');
    expect(balances.BORROWER_CREDIT).toBe('300.00');
  });

  it('keeps the ledger balanced and the whole amount owed for any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (cents, before) => {
        const amount = (cents / 100).toFixed(2);
        const start = { ...account, credit: (before / 100).toFixed(2) };
        const kept = refundKeptAsCredit(start, { number: 1, amount }, '2026-02-15');
        const lines = kept.entries.flatMap((e) => e.lines);
        const debits = lines.reduce((t, l) => t + Math.round(Number(l.debit) * 100), 0);
        const credits = lines.reduce((t, l) => t + Math.round(Number(l.credit) * 100), 0);
        expect(debits).toBe(credits);
        expect(debits).toBe(cents);
        expect(Math.round(Number(kept.account.credit) * 100)).toBe(before + cents);
      }),
    );
  });
});
