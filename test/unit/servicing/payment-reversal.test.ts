import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../../../domain/dates.js';
import { DomainError } from '../../../domain/errors.js';
import {
  balancesOf,
  disbursementEntry,
  entryProblem,
  sameEntry,
  type JournalEntry,
  type PaymentChannel,
} from '../../../domain/ledger.js';
import { money, toMoney } from '../../../domain/money.js';
import { ledgerPositionOf, replayPayments, reversePayment } from '../../../domain/payment-reversal.js';
import {
  applyCredit,
  applyPayment,
  balancesOn,
  classificationOn,
  isPaidOff,
  openAccount,
  outstandingPrincipal,
  type AccountTerms,
  type LoanAccount,
  type PaymentInput,
} from '../../../domain/servicing-account.js';
import type { OverpaymentHandling } from '../../../domain/products.js';

const terms = (overpayment: OverpaymentHandling = 'CARRY_FORWARD', rulesVersion = 1): AccountTerms => ({
  principal: '12000.00',
  annualRate: '0.1200',
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

const DISBURSED = '2026-01-15';

/** A ledger as PostgreSQL keeps it: one entry per business key, a different repeat is a clash. */
class Ledger {
  readonly entries = new Map<string, JournalEntry>();
  post(entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      expect(entryProblem(e)).toBeNull();
      const existing = this.entries.get(e.businessKey);
      if (existing) {
        expect(sameEntry(existing, e), `clash on ${e.businessKey}`).toBe(true);
        continue;
      }
      this.entries.set(e.businessKey, e);
    }
  }
  balances() {
    return balancesOf([...this.entries.values()].flatMap((e) => e.lines.map((l) => ({ ...l, loanId: e.loanId }))));
  }
}

/** Servicing as the workflow runs it: credit used on each due date, each payment on its day. */
function service(opening: LoanAccount, payments: readonly PaymentInput[], ledger: Ledger): LoanAccount {
  let a = opening;
  let last = null as string | null;
  for (const p of payments) {
    if (isPaidOff(a)) break;
    for (const due of a.installments.map((i) => i.dueDate)) {
      if (due > p.receivedOn) break;
      if (last !== null && due <= last) continue;
      const credited = applyCredit(a, due);
      ledger.post(credited.entries);
      a = credited.account;
    }
    const posted = applyPayment(a, p);
    ledger.post(posted.entries);
    a = posted.account;
    last = last === null || p.receivedOn > last ? p.receivedOn : last;
  }
  return a;
}

function expectLedgerMatches(ledger: Ledger, a: LoanAccount): void {
  const b = ledger.balances();
  const p = ledgerPositionOf(a);
  expect(b.LOAN_PRINCIPAL).toBe(toMoney(p.principal));
  expect(b.INTEREST_RECEIVABLE).toBe(toMoney(p.interestReceivable));
  expect(b.FEE_RECEIVABLE).toBe(toMoney(p.feeReceivable));
  expect(b.PENALTY_RECEIVABLE).toBe(toMoney(p.penaltyReceivable));
  expect(b.BORROWER_CREDIT).toBe(toMoney(p.credit));
}

function opened(overpayment: OverpaymentHandling = 'CARRY_FORWARD', version = 1) {
  const opening = openAccount('L', terms(overpayment, version), DISBURSED);
  const ledger = new Ledger();
  ledger.post([
    disbursementEntry({
      loanId: 'L',
      principal: '12000.00',
      upfrontFee: '0.00',
      disbursedOn: DISBURSED,
      transferKey: 'loan:L:disbursement',
    }),
  ]);
  return { opening, ledger };
}

const payment = (paymentId: string, amount: string, receivedOn: string, channel: PaymentChannel = 'BANK_TRANSFER') => ({
  paymentId,
  channel,
  amount,
  receivedOn,
  externalRef: channel === 'BANK_TRANSFER' ? paymentId : null,
});

describe('reversing a payment', () => {
  it('posts the mirror of a mistaken bank transfer and leaves the account as if it never came', () => {
    const { opening, ledger } = opened();
    const mistaken = payment('P1', '1070.00', '2026-02-10');
    const current = service(opening, [mistaken], ledger);
    const original = ledger.entries.get('payment:P1')!;
    const r = reversePayment({
      current,
      opening,
      applied: [mistaken],
      paymentId: 'P1',
      original,
      on: '2026-02-12',
      reason: 'never reached the bank',
      refundPayable: ledger.balances().REFUND_PAYABLE,
    });
    expect(r.entries[0]).toMatchObject({
      businessKey: 'reversal:payment:P1',
      kind: 'REVERSAL',
      reversesKey: 'payment:P1',
      externalRef: 'P1',
    });
    expect(r.entries[0]!.lines).toEqual(
      original.lines.map((l) => ({ account: l.account, debit: l.credit, credit: l.debit })),
    );
    ledger.post(r.entries);
    expectLedgerMatches(ledger, r.account);
    expect(ledger.balances().BANK).toBe('-12000.00');
    expect(outstandingPrincipal(r.account)).toBe('12000.00');
    // Installment 1 was paid ahead and charged early: the charge stays, nothing else is owed yet.
    expect(r.account.installments[0]!.charged).toBe(true);
    expect(balancesOn(r.account, '2026-02-12').totalDue).toBe('0.00');
  });

  it('makes the installment it paid overdue again, with penalty from the due date', () => {
    const { opening, ledger } = opened();
    const late = payment('P1', '1071.19', '2026-02-15');
    const current = service(opening, [late], ledger);
    expect(current.installments[0]!.paidOn).toBe('2026-02-15');
    expect(classificationOn(current, '2026-03-10')).toBe('NORMAL');
    const r = reversePayment({
      current,
      opening,
      applied: [late],
      paymentId: 'P1',
      original: ledger.entries.get('payment:P1')!,
      on: '2026-03-10',
      reason: 'wrong loan',
      refundPayable: ledger.balances().REFUND_PAYABLE,
    });
    ledger.post(r.entries);
    expectLedgerMatches(ledger, r.account);
    expect(r.account.installments[0]!.paidOn).toBeNull();
    // The overdue charges (capped: the late fee fills the cap) are recognised by the re-allocation.
    const charges = money(r.account.installments[0]!.penaltyCharged).plus(money(r.account.installments[0]!.lateFee));
    expect(charges.gt(0)).toBe(true);
    expect(r.entries[1]!.lines).toContainEqual({ account: 'PENALTY_INCOME', debit: '0.00', credit: toMoney(charges) });
    expect(classificationOn(r.account, '2026-03-10')).toBe('SPECIAL_MENTION');
  });

  it('re-allocates the payments after it: a later payment now pays the installment the reversed one paid', () => {
    const { opening, ledger } = opened();
    const first = payment('P1', '1100.00', '2026-02-14');
    const second = payment('P2', '1100.00', '2026-03-14', 'CASH');
    const current = service(opening, [first, second], ledger);
    const r = reversePayment({
      current,
      opening,
      applied: [first, second],
      paymentId: 'P1',
      original: ledger.entries.get('payment:P1')!,
      on: '2026-03-20',
      reason: 'bounced',
      refundPayable: ledger.balances().REFUND_PAYABLE,
    });
    expect(r.entries.map((e) => e.businessKey)).toEqual(['reversal:payment:P1', 'reversal:payment:P1:reallocation']);
    ledger.post(r.entries);
    expectLedgerMatches(ledger, r.account);
    expect(r.account.installments[0]!.paidOn).toBe('2026-03-14');
    expect(r.account.installments[1]!.paidOn).toBeNull();
    expect(ledger.balances().CASH_ON_HAND).toBe('1100.00');
  });

  it('refuses a paid-off loan, a written-off loan and a payment that was not applied, naming the payment', () => {
    const { opening, ledger } = opened();
    const payoff = payment('P1', '20000.00', '2026-02-01');
    const current = service(opening, [payoff], ledger);
    const request = {
      current,
      opening,
      applied: [payoff],
      paymentId: 'P1',
      original: ledger.entries.get('payment:P1')!,
      on: '2026-02-02',
      reason: 'x',
      refundPayable: ledger.balances().REFUND_PAYABLE,
    };
    expect(() => reversePayment(request)).toThrow(/paid off/);
    const other = opened();
    const open = service(other.opening, [payment('P2', '100.00', '2026-02-01')], other.ledger);
    const notApplied = { ...request, current: open, opening: other.opening, applied: [], paymentId: 'P9' };
    try {
      reversePayment(notApplied);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('NOT_APPLIED');
      expect((err as DomainError).field).toBe('paymentId');
    }
    const writtenOff = { ...request, current: { ...open, writtenOffOn: '2026-03-01' } };
    expect(() => reversePayment(writtenOff)).toThrow(/written off/);
  });

  it('refuses a payment whose overpayment was booked to be refunded once any of it was refunded, and reverses it while none was', () => {
    const { opening, ledger } = opened('REFUND');
    const over = payment('P1', '1500.00', '2026-02-14');
    const current = service(opening, [over], ledger);
    const original = ledger.entries.get('payment:P1')!;
    const booked = original.lines.find((l) => l.account === 'REFUND_PAYABLE')!.credit;
    expect(money(booked).gt(0)).toBe(true);
    const request = {
      current,
      opening,
      applied: [over],
      paymentId: 'P1',
      original,
      on: '2026-02-20',
      reason: 'wrong loan',
      refundPayable: ledger.balances().REFUND_PAYABLE,
    };
    // A refund paid out of it (the ledger owes less back than the payment booked): a person decides.
    const partlyRefunded = { ...request, refundPayable: toMoney(money(booked).minus(10)) };
    try {
      reversePayment(partlyRefunded);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('OVERPAYMENT_REFUNDED');
      expect((err as DomainError).field).toBe('paymentId');
      expect((err as DomainError).text.en).toContain(`overpayment of ${booked}`);
      expect((err as DomainError).text.en).toMatch(/already refunded/);
    }
    expect(() => reversePayment({ ...request, refundPayable: '0.00' })).toThrow(/already refunded/);
    // Nothing refunded yet: the reversal takes the amount owed back out with the rest of the payment.
    const r = reversePayment(request);
    ledger.post(r.entries);
    expectLedgerMatches(ledger, r.account);
    expect(ledger.balances().REFUND_PAYABLE).toBe('0.00');
  });

  it('replays to the very account servicing keeps when nothing is left out', () => {
    const { opening, ledger } = opened();
    const ps = [payment('P1', '500.00', '2026-02-10'), payment('P2', '3000.00', '2026-04-20', 'CASH')];
    const current = service(opening, ps, ledger);
    const replayed = replayPayments(opening, ps, '2026-04-20').account;
    expect(replayed.installments).toEqual(current.installments);
    expect(replayed.credit).toBe(current.credit);
  });
});

const MODES: OverpaymentHandling[] = ['CARRY_FORWARD', 'REFUND', 'PREPAY_REDUCE_TERM', 'PREPAY_REDUCE_INSTALLMENT'];
const CHANNELS: PaymentChannel[] = ['BANK_TRANSFER', 'CASH', 'ONLINE', 'AUTO_DEBIT'];

describe('reversal over random payment sequences', () => {
  it('keeps the ledger balanced, free of key clashes and equal to the rebuilt account, before and after later charges', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        fc.constantFrom(1, 2),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 50 }),
            cents: fc.integer({ min: 1, max: 250_000 }),
            channel: fc.constantFrom(...CHANNELS),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.nat(),
        fc.integer({ min: 0, max: 40 }),
        (mode, version, steps, pick, wait) => {
          const { opening, ledger } = opened(mode, version);
          let day = DISBURSED;
          const ps = steps.map((s, k) => {
            day = addDays(day, s.gap + 1);
            return payment(`P${k}`, toMoney(money(String(s.cents)).div(100)), day, s.channel);
          });
          const current = service(opening, ps, ledger);
          const applied = ps.filter((p) => ledger.entries.has(`payment:${p.paymentId}`));
          expectLedgerMatches(ledger, current);
          if (applied.length === 0 || isPaidOff(current)) return;
          const target = applied[pick % applied.length]!;
          const on = addDays(day, wait);
          let r;
          try {
            r = reversePayment({
              current,
              opening,
              applied,
              paymentId: target.paymentId,
              original: ledger.entries.get(`payment:${target.paymentId}`)!,
              on,
              reason: 'property',
              refundPayable: ledger.balances().REFUND_PAYABLE,
            });
          } catch (err) {
            expect(err).toBeInstanceOf(DomainError);
            expect(['REVERSAL_CHANGES_REFUND', 'REVERSAL_NEEDS_REVIEW']).toContain((err as DomainError).code);
            return;
          }
          ledger.post(r.entries);
          expectLedgerMatches(ledger, r.account);
          const without = replayPayments(
            opening,
            applied.filter((p) => p !== target),
            on,
          ).account;
          expect(outstandingPrincipal(r.account)).toBe(outstandingPrincipal(without));
          expect(balancesOn(r.account, on).totalDue).toBe(balancesOn(without, on).totalDue);
          // Channel accounts hold exactly the payments that remain.
          const b = ledger.balances();
          const remainingIn = (c: PaymentChannel[]) =>
            toMoney(
              applied
                .filter((p) => p !== target && c.includes(p.channel))
                .reduce((acc, p) => acc.plus(money(p.amount)), money('0')),
            );
          expect(b.CASH_ON_HAND).toBe(remainingIn(['CASH']));
          expect(b.PAYMENT_GATEWAY).toBe(remainingIn(['ONLINE']));
          expect(money(b.BANK).plus(12000).toFixed(2)).toBe(remainingIn(['BANK_TRANSFER', 'AUTO_DEBIT']));
          // Servicing goes on from the rebuilt account without clashing with what the ledger holds.
          const later = applyCredit(r.account, addDays(on, 75));
          ledger.post(later.entries);
          expectLedgerMatches(ledger, later.account);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
