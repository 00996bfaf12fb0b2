import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { balancesOf, entryProblem, type JournalEntry } from '../../../domain/ledger.js';
import {
  accrue,
  applyCredit,
  applyPayment,
  balancesOn,
  installmentStatus,
  isPaidOff,
  openAccount,
  outstandingPrincipal,
  payoffAmount,
  chargesOn,
  writeOff,
  type AccountTerms,
  type LoanAccount,
} from '../../../domain/servicing-account.js';
import { overdueCharges } from '../../../domain/overdue.js';
import type { OverpaymentHandling } from '../../../domain/products.js';

const terms = (overpayment: OverpaymentHandling = 'CARRY_FORWARD'): AccountTerms => ({
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
  overpayment,
  rulesVersion: 1,
});

const pay = (a: LoanAccount, paymentId: string, amount: string, receivedOn: string) =>
  applyPayment(a, { paymentId, channel: 'ONLINE', amount, receivedOn, externalRef: null });

function allBalanced(entries: JournalEntry[]): void {
  for (const e of entries) expect(entryProblem(e)).toBeNull();
}

describe('the loan account', () => {
  it('runs the schedule from the disbursement date', () => {
    const a = openAccount('L', terms(), '2026-01-31');
    expect(a.installments.map((i) => i.dueDate).slice(0, 3)).toEqual(['2026-02-28', '2026-03-31', '2026-04-30']);
    expect(a.installments[0]).toMatchObject({ principal: '946.19', interest: '120.00' });
    expect(outstandingPrincipal(a)).toBe('12000.00');
  });

  it('charges nothing during the grace days and, after them, the money engine’s penalty interest and late fee to the cent', () => {
    const a = openAccount('L', terms(), '2026-01-15');
    expect(balancesOn(a, '2026-02-18').penalty).toBe('0.00');
    const late = accrue(a, '2026-03-17');
    allBalanced(late.entries);
    expect(late.entries.map((e) => e.businessKey)).toEqual([
      'loan:L:interest:1',
      'loan:L:penalty:1:2026-03-17',
      'loan:L:late-fee:1:2026-03-17',
      'loan:L:interest:2',
    ]);
    const engine = overdueCharges(
      { dueDate: '2026-02-15', principal: '946.19', interest: '120.00', fee: '0.00', receipts: [] },
      { annualRate: '0.1200', dayCount: 'ACT/365', penalty: terms().penalty, chargesCap: '0.2400' },
      '2026-03-17',
    );
    // By hand: 30 days on the unpaid principal at 12% × 1.5 and the flat late fee, within the cap
    // of 24% a year on the whole unpaid installment, which the late fee fills first.
    expect(engine.uncappedPenalty).toBe(
      new Decimal('946.19').times('0.18').div(365).times(30).toDecimalPlaces(2).toFixed(2),
    );
    const cap = new Decimal('1066.19').times(30).times('0.24').div(365).toDecimalPlaces(2);
    expect(engine.cap).toBe(cap.toFixed(2));
    expect(engine.lateFee).toBe('20.00');
    expect(engine.penalty).toBe(cap.minus(20).toFixed(2));
    const oneInstallment = new Decimal(engine.penalty).plus(engine.lateFee).toFixed(2);
    const posted = late.entries
      .filter((e) => e.kind === 'PENALTY_INTEREST' || e.kind === 'LATE_FEE')
      .flatMap((e) => e.lines.filter((l) => l.account === 'PENALTY_INCOME').map((l) => l.credit));
    expect(posted.reduce((t, v) => t.plus(v), new Decimal(0)).toFixed(2)).toBe(oneInstallment);
    expect(balancesOn(a, '2026-03-17').penalty).toBe(oneInstallment);
  });

  it('posts only what the charges grew by since the last posting, so the total is the engine’s as of the last day', () => {
    let a = openAccount('L', terms(), '2026-01-15');
    const posted: JournalEntry[] = [];
    for (const day of ['2026-02-19', '2026-02-20', '2026-02-23', '2026-03-01', '2026-03-10']) {
      const p = accrue(a, day);
      posted.push(...p.entries);
      a = p.account;
    }
    const penalty = balancesOf(posted.flatMap((e) => e.lines.map((l) => ({ ...l, loanId: 'L' })))).PENALTY_INCOME;
    const engine = chargesOn(a, a.installments[0]!, '2026-03-10');
    expect(penalty).toBe(new Decimal(engine.penalty).plus(engine.lateFee).toFixed(2));
    expect(new Set(posted.map((e) => e.businessKey)).size).toBe(posted.length);
  });

  it('does not charge a payment made within the grace days', () => {
    const a = openAccount('L', terms(), '2026-01-15');
    const p = pay(a, 'p1', '1066.19', '2026-02-17');
    expect(p.allocation.penalty).toBe('0.00');
    expect(p.account.installments[0]!.paidOn).toBe('2026-02-17');
  });

  it('keeps an overpayment as credit and uses it when the next installment falls due', () => {
    let a = openAccount('L', terms(), '2026-01-15');
    const p = pay(a, 'p1', '2200.00', '2026-02-15');
    expect(p.allocation).toMatchObject({ toCredit: '67.62', prepaidPrincipal: '0.00' });
    allBalanced(p.entries);
    a = p.account;
    expect(a.installments[1]!.paidOn).toBe('2026-02-15');
    const used = applyCredit(a, '2026-04-15');
    allBalanced(used.entries);
    expect(used.entries.at(-1)!.kind).toBe('CREDIT_APPLIED');
    expect(used.account.credit).toBe('0.00');
  });

  it('re-amortizes a prepayment: shorter term with PREPAY_REDUCE_TERM, lower installments with PREPAY_REDUCE_INSTALLMENT', () => {
    const term = pay(openAccount('L', terms('PREPAY_REDUCE_TERM'), '2026-01-15'), 'p', '6000.00', '2026-02-15');
    expect(term.allocation.reamortized).toBe('REDUCE_TERM');
    expect(term.account.installments.length).toBeLessThan(12);
    expect(term.account.installments[3]!.principal).not.toBe('0.00');
    const lower = pay(openAccount('L', terms('PREPAY_REDUCE_INSTALLMENT'), '2026-01-15'), 'p', '6000.00', '2026-02-15');
    expect(lower.account.installments).toHaveLength(12);
    expect(
      new Decimal(lower.account.installments[5]!.principal).plus(lower.account.installments[5]!.interest).lt('1066.19'),
    ).toBe(true);
    for (const p of [term, lower]) {
      allBalanced(p.entries);
      const principal = p.account.installments.reduce((t, i) => t.plus(i.principal), new Decimal(0));
      expect(principal.toFixed(2)).toBe('12000.00');
    }
  });

  it('closes the loan for its payoff amount: due amounts, all principal and the current period’s interest to the day', () => {
    const a = pay(openAccount('L', terms(), '2026-01-15'), 'p1', '1066.19', '2026-02-15').account;
    const payoff = payoffAmount(a, '2026-03-01');
    // 14 of the 28 days from 15 Feb to 15 Mar: half of installment 2's interest.
    expect(payoff).toBe(
      new Decimal('11053.81').plus(new Decimal('110.54').times(14).div(28).toDecimalPlaces(2)).toFixed(2),
    );
    const closed = pay(a, 'p2', new Decimal(payoff).plus('5.00').toFixed(2), '2026-03-01');
    allBalanced(closed.entries);
    expect(isPaidOff(closed.account)).toBe(true);
    expect(closed.allocation).toMatchObject({ paidOff: true, toRefund: '5.00' });
    expect(closed.account.installments).toHaveLength(2);
  });

  it('writes off every open receivable and leaves nothing owed', () => {
    const a = openAccount('L', terms(), '2026-01-15');
    const off = writeOff(a, '2026-06-15');
    allBalanced(off.entries);
    const last = off.entries.at(-1)!;
    expect(last.kind).toBe('WRITE_OFF');
    const ledger = balancesOf(off.entries.flatMap((e) => e.lines.map((l) => ({ ...l, loanId: 'L' }))));
    expect([ledger.INTEREST_RECEIVABLE, ledger.PENALTY_RECEIVABLE, ledger.FEE_RECEIVABLE]).toEqual([
      '0.00',
      '0.00',
      '0.00',
    ]);
    expect(ledger.LOAN_PRINCIPAL).toBe('-12000.00');
    expect(balancesOn(off.account, '2026-06-15').principal).toBe('0.00');
  });

  it('shows each installment as UPCOMING, DUE, PARTIAL, OVERDUE or PAID', () => {
    const a = pay(openAccount('L', terms(), '2026-01-15'), 'p1', '1500.00', '2026-02-15').account;
    const [first, second, third] = a.installments;
    expect(installmentStatus(first!, '2026-02-15')).toBe('PAID');
    expect(installmentStatus(second!, '2026-02-20')).toBe('PARTIAL');
    expect(installmentStatus(second!, '2026-03-15')).toBe('DUE');
    expect(installmentStatus(second!, '2026-03-16')).toBe('OVERDUE');
    expect(installmentStatus(third!, '2026-02-20')).toBe('UPCOMING');
  });
});
