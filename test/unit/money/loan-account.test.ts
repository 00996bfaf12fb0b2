// The loan account: 10,000.00 at 12% over 12 months, EQUAL_INSTALLMENT, disbursed 2026-01-15,
// due on the 15th: 888.49 a month (788.49 principal + 100.00 interest in month 1).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareDates } from '../../../domain/dates.js';
import { DomainError } from '../../../domain/errors.js';
import { applyRepayment, openAccount, payoffQuote, positionAsOf, type LoanAccount, type OverpaymentOption, type RepaymentOptions } from '../../../domain/loan-account.js';
import { Dec } from '../../../domain/money.js';
import { buildSchedule, type ScheduleTerms } from '../../../domain/schedule.js';
import type { PenaltyTerms } from '../../../domain/types.js';

const TERMS: ScheduleTerms = { principal: '10000.00', annualRate: '0.12', termCount: 12, method: 'EQUAL_INSTALLMENT', startDate: '2026-01-15' };
const PENALTY: PenaltyTerms = { penaltyMarkup: '0.5', graceDays: 3, lateFee: { kind: 'FLAT', value: '1.00' } };

function open(terms: Partial<ScheduleTerms> = {}, penaltyTerms: PenaltyTerms = PENALTY): LoanAccount {
  const schedule = buildSchedule({ ...TERMS, ...terms });
  return openAccount({ schedule, disbursedOn: schedule.terms.startDate, penaltyTerms });
}

function pay(account: LoanAccount, paymentId: string, date: string, amount: string, options?: RepaymentOptions) {
  return applyRepayment(account, { paymentId, date, amount }, options);
}

describe('position as of a date', () => {
  const account = open();

  it('before the due date: upcoming, payoff accrues the period pro-rata by days', () => {
    const p = positionAsOf(account, '2026-02-14');
    expect(p.installments[0]).toMatchObject({ status: 'UPCOMING', daysPastDue: 0 });
    expect(p.nextDue).toEqual({ number: 1, dueDate: '2026-02-15', amount: '888.49' });
    expect(p.balances).toMatchObject({ principal: '10000.00', interest: '0.00', dueNow: '0.00' });
    // 100.00 × 30/31 days = 96.774… → 96.77
    expect(p.payoff).toMatchObject({ principal: '10000.00', interest: '96.77', total: '10096.77' });
    expect(p).toMatchObject({ status: 'ACTIVE', classification: 'NORMAL' });
  });

  it('on the due date: due; in grace: still due but days past due count; after grace: overdue', () => {
    expect(positionAsOf(account, '2026-02-15').installments[0]).toMatchObject({ status: 'DUE', daysPastDue: 0 });
    expect(positionAsOf(account, '2026-02-15').balances.dueNow).toBe('888.49');
    const inGrace = positionAsOf(account, '2026-02-18');
    expect(inGrace.installments[0]).toMatchObject({ status: 'DUE', daysPastDue: 3 });
    expect(inGrace).toMatchObject({ status: 'ACTIVE', daysPastDue: 3, classification: 'SPECIAL_MENTION' });
    const late = positionAsOf(account, '2026-02-19');
    expect(late.installments[0]).toMatchObject({ status: 'OVERDUE', daysPastDue: 4 });
    expect(late.status).toBe('OVERDUE');
  });

  it('classifies by the oldest unpaid installment', () => {
    expect(positionAsOf(account, addDays('2026-02-15', 90)).classification).toBe('SPECIAL_MENTION');
    expect(positionAsOf(account, addDays('2026-02-15', 91)).classification).toBe('SUBSTANDARD');
    expect(positionAsOf(account, addDays('2026-02-15', 271)).classification).toBe('DOUBTFUL');
    expect(positionAsOf(account, addDays('2026-02-15', 361)).classification).toBe('LOSS');
  });

  it('charges overdue installments as of the date, without any batch', () => {
    // 2026-02-25, 10 days late: penalty 788.49 × 18% × 10/365 = 3.89; cap 888.49 × 24% × 10/365 = 5.84
    const p = positionAsOf(account, '2026-02-25');
    expect(p.installments[0]).toMatchObject({ penalty: { due: '3.89', outstanding: '3.89' }, lateFee: { due: '1.00' }, total: { outstanding: '893.38' } });
    expect(p.balances).toMatchObject({ penalty: '4.89', penaltyInterest: '3.89', lateFees: '1.00', dueNow: '893.38' });
  });
});

describe('repayments', () => {
  it('paid on the due date: PAID, nothing charged', () => {
    const r = pay(open(), 'p1', '2026-02-15', '888.49');
    expect(r.allocation.lines).toEqual([{ number: 1, penalty: '0.00', lateFee: '0.00', fee: '0.00', interest: '100.00', principal: '788.49', total: '888.49' }]);
    expect(positionAsOf(r.account, '2026-03-01').installments[0]).toMatchObject({ status: 'PAID', paidAt: '2026-02-15' });
  });

  it('paid within grace: PAID with no penalty or late fee', () => {
    const r = pay(open(), 'p1', '2026-02-18', '888.49');
    expect(positionAsOf(r.account, '2026-06-01').installments[0]).toMatchObject({ status: 'PAID', paidAt: '2026-02-18', penalty: { due: '0.00' }, lateFee: { due: '0.00' } });
  });

  it('partial payment: interest first, then principal; penalty on the unpaid principal from the due date', () => {
    const r = pay(open(), 'p1', '2026-02-15', '500.00');
    expect(r.allocation.lines[0]).toMatchObject({ interest: '100.00', principal: '400.00' });
    expect(positionAsOf(r.account, '2026-02-16').installments[0]).toMatchObject({ status: 'PARTIAL', principal: { paid: '400.00', outstanding: '388.49' } });
    // 2026-02-25: penalty 388.49 × 18% × 10/365 = 1.9158… → 1.92; cap 388.49 × 24% × 10/365 = 2.55
    // the late fee (1.00) takes the cap first, so penalty = 1.55
    const p = positionAsOf(r.account, '2026-02-25').installments[0]!;
    expect(p).toMatchObject({ status: 'OVERDUE', penalty: { due: '1.55' }, lateFee: { due: '1.00' }, total: { outstanding: '391.04' } });
    const rest = pay(r.account, 'p2', '2026-02-25', '391.04');
    expect(rest.allocation.lines).toEqual([{ number: 1, penalty: '1.55', lateFee: '1.00', fee: '0.00', interest: '0.00', principal: '388.49', total: '391.04' }]);
    expect(positionAsOf(rest.account, '2026-03-01').installments[0]).toMatchObject({ status: 'PAID', paidAt: '2026-02-25' });
  });

  it('uses the configured allocation order', () => {
    const r = pay(open(), 'p1', '2026-02-25', '800.00', { order: ['PRINCIPAL', 'INTEREST', 'FEE', 'PENALTY'] });
    expect(r.allocation.lines[0]).toMatchObject({ principal: '788.49', interest: '11.51', penalty: '0.00', lateFee: '0.00' });
  });

  it('pays overdue installments oldest first', () => {
    const r = pay(open({}, { ...PENALTY, lateFee: { kind: 'FLAT', value: '0.00' } }), 'p1', '2026-03-15', '1000.00');
    // inst 1, 28 days late: 788.49 × 18% × 28/365 = 10.887… → 10.89 (cap 16.36)
    expect(r.allocation.lines).toEqual([
      { number: 1, penalty: '10.89', lateFee: '0.00', fee: '0.00', interest: '100.00', principal: '788.49', total: '899.38' },
      { number: 2, penalty: '0.00', lateFee: '0.00', fee: '0.00', interest: '92.12', principal: '8.50', total: '100.62' },
    ]);
  });

  it('overpayment kept as credit, used with the next repayment', () => {
    const r = pay(open(), 'p1', '2026-02-15', '1000.00', { overpayment: 'KEEP_AS_CREDIT' });
    expect(r.allocation).toMatchObject({ allocated: '888.49', creditLeft: '111.51' });
    expect(r.creditLeft).toBe('111.51');
    expect(positionAsOf(r.account, '2026-02-20').installments[1]).toMatchObject({ status: 'UPCOMING' });
    expect(positionAsOf(r.account, '2026-02-20').payoff.credit).toBe('111.51');
    const next = pay(r.account, 'p2', '2026-03-15', '776.98');
    expect(next.allocation).toMatchObject({ creditUsed: '111.51', allocated: '888.49', creditLeft: '0.00' });
    // a zero payment applies credit on its own
    const zero = pay(r.account, 'credit-2026-03-15', '2026-03-15', '0.00');
    expect(zero.allocation.lines).toEqual([{ number: 2, penalty: '0.00', lateFee: '0.00', fee: '0.00', interest: '92.12', principal: '19.39', total: '111.51' }]);
  });

  it('overpayment applied to the next installment instead', () => {
    const r = pay(open(), 'p1', '2026-02-15', '1000.00', { overpayment: 'APPLY_TO_NEXT' });
    expect(r.allocation.lines[1]).toEqual({ number: 2, penalty: '0.00', lateFee: '0.00', fee: '0.00', interest: '92.12', principal: '19.39', total: '111.51' });
    expect(r.creditLeft).toBe('0.00');
    expect(positionAsOf(r.account, '2026-02-20').installments[1]).toMatchObject({ status: 'PARTIAL', total: { outstanding: '776.98' } });
    const whole = pay(open(), 'p1', '2026-02-15', '20000.00', { overpayment: 'APPLY_TO_NEXT' });
    expect(whole.creditLeft).toBe('9338.14'); // 20,000 − all twelve installments (10,661.86)
    expect(whole.account.closedOn).toBe('2026-02-15');
  });
});

describe('prepayment', () => {
  const afterFirst = pay(open(), 'p1', '2026-02-15', '888.49').account;

  it('reduce installment: same number of installments, lower level payment', () => {
    const r = pay(afterFirst, 'p2', '2026-02-15', '5000.00', { overpayment: 'PREPAY', prepayment: 'REDUCE_INSTALLMENT' });
    expect(r.allocation.prepaidPrincipal).toBe('5000.00');
    const rows = r.allocation.reamortized!.installments;
    expect(rows).toHaveLength(11);
    // 4,211.51 over 11 months at 1%: 4211.51 × 0.01 / (1 − 1.01^−11) = 406.22
    const level = new Dec('4211.51').times('0.01').div(new Dec(1).minus(new Dec('1.01').pow(-11))).toDecimalPlaces(2);
    expect(level.toFixed(2)).toBe('406.22');
    rows.slice(0, -1).forEach((row) => expect(row.total).toBe('406.22'));
    expect(rows.reduce((s, row) => s.plus(row.principal), new Dec(0)).toFixed(2)).toBe('4211.51');
    expect(r.account.installmentAmount).toBe('406.22');
    // installment 2 carries the prepaid principal, already paid
    const p = positionAsOf(r.account, '2026-02-20').installments[1]!;
    expect(p).toMatchObject({ principal: { due: '5364.10', paid: '5000.00', outstanding: '364.10' }, interest: { due: '42.12' }, status: 'PARTIAL' });
  });

  it('reduce term: same level payment, fewer installments', () => {
    const r = pay(afterFirst, 'p2', '2026-02-15', '5000.00', { overpayment: 'PREPAY', prepayment: 'REDUCE_TERM' });
    const rows = r.allocation.reamortized!.installments;
    expect(rows.map((row) => row.number)).toEqual([2, 3, 4, 5, 6]);
    rows.slice(0, -1).forEach((row) => expect(row.total).toBe('888.49'));
    expect(rows.reduce((s, row) => s.plus(row.principal), new Dec(0)).toFixed(2)).toBe('4211.51');
    expect(r.account.installments).toHaveLength(6);
    const reduceInstallment = pay(afterFirst, 'p2', '2026-02-15', '5000.00', { overpayment: 'PREPAY' }).allocation.reamortized!.installments;
    const interest = (xs: { interest: string }[]) => xs.reduce((s, x) => s.plus(x.interest), new Dec(0));
    expect(interest(rows).lt(interest(reduceInstallment))).toBe(true);
  });

  it('mid-period: interest accrued to the prepayment date is paid first, the rest of the period runs on the new balance', () => {
    // 2026-03-01 is 14 of 28 days into period 2: 92.12 × 14/28 = 46.06
    const r = pay(afterFirst, 'p2', '2026-03-01', '5046.06', { overpayment: 'PREPAY' });
    expect(r.allocation.lines).toEqual([{ number: 2, penalty: '0.00', lateFee: '0.00', fee: '0.00', interest: '46.06', principal: '5000.00', total: '5046.06' }]);
    // rest of period 2 on 4,211.51: 4211.51 × 1% × 14/28 = 21.06
    expect(r.allocation.reamortized!.installments[0]?.interest).toBe('21.06');
    expect(positionAsOf(r.account, '2026-03-02').installments[1]).toMatchObject({ interest: { due: '67.12', paid: '46.06' } });
  });

  it('payoff quote as of any date, and paying it closes the loan', () => {
    const q = payoffQuote(afterFirst, '2026-03-01');
    expect(q).toMatchObject({ principal: '9211.51', interest: '46.06', fees: '0.00', penalty: '0.00', total: '9257.57' });
    const r = pay(afterFirst, 'p2', '2026-03-01', q.total, { overpayment: 'PREPAY' });
    expect(r.allocation).toMatchObject({ paidOff: true, prepaidPrincipal: '9211.51', creditLeft: '0.00' });
    expect(r.account.closedOn).toBe('2026-03-01');
    const after = positionAsOf(r.account, '2026-04-01');
    expect(after).toMatchObject({ status: 'PAID_OFF', nextDue: null, closedOn: '2026-03-01', balances: { principal: '0.00' } });
    expect(after.installments).toHaveLength(2);
  });

  it('payoff of an overdue loan includes penalties and late fees', () => {
    const q = payoffQuote(open(), '2026-02-25');
    // due: 888.49 + penalty 3.89 + late fee 1.00; plus principal 9,211.51; interest of period 2 for 10 of 28 days: 92.12 × 10/28 = 32.90
    expect(q).toMatchObject({ principal: '10000.00', interest: '132.90', penalty: '3.89', lateFees: '1.00', total: '10137.79' });
    const r = pay(open(), 'p1', '2026-02-25', q.total, { overpayment: 'PREPAY' });
    expect(r.account.closedOn).toBe('2026-02-25');
  });

  it('takes back what was paid ahead before prepaying, and reports it', () => {
    const ahead = pay(afterFirst, 'p2', '2026-02-20', '500.00', { overpayment: 'APPLY_TO_NEXT' }).account;
    const q = payoffQuote(ahead, '2026-03-01');
    expect(q).toMatchObject({ paidAhead: '500.00', total: '8757.57' });
    const r = pay(ahead, 'p3', '2026-03-01', q.total, { overpayment: 'PREPAY' });
    expect(r.allocation.returned).toEqual([{ number: 2, penalty: '0.00', lateFee: '0.00', fee: '0.00', interest: '92.12', principal: '407.88', total: '500.00' }]);
    expect(r.allocation.allocated).toBe('9257.57');
    expect(r.account.closedOn).toBe('2026-03-01');
  });
});

describe('account mechanics', () => {
  it('as of a date before later payments, those payments are left out', () => {
    const a = pay(open(), 'p1', '2026-02-15', '888.49').account;
    const b = pay(a, 'p2', '2026-03-20', '900.00').account;
    expect(positionAsOf(b, '2026-03-01')).toEqual(positionAsOf(a, '2026-03-01'));
    expect(payoffQuote(b, '2026-03-01')).toEqual(payoffQuote(a, '2026-03-01'));
  });

  it('a back-dated payment is slotted in by date and later ones are replayed', () => {
    const inOrder = pay(pay(open(), 'a', '2026-02-15', '888.49').account, 'b', '2026-03-20', '900.00').account;
    const late = pay(open(), 'b', '2026-03-20', '900.00').account;
    const backDated = pay(late, 'a', '2026-02-15', '888.49');
    expect(backDated.account).toEqual(inOrder);
    expect(backDated.allocation.lines[0]).toMatchObject({ number: 1, total: '888.49' });
  });

  it('a repeated payment id is idempotent; reused with other figures it is refused', () => {
    const first = pay(open(), 'p1', '2026-02-15', '1000.00');
    const again = pay(first.account, 'p1', '2026-02-15', '1000.00');
    expect(again.duplicate).toBe(true);
    expect(again.account).toBe(first.account);
    expect(again.allocation).toEqual(first.allocation);
    expect(() => pay(first.account, 'p1', '2026-02-16', '1000.00')).toThrow(DomainError);
  });

  it('refuses malformed payments', () => {
    expect(() => pay(open(), 'p1', '2026-01-14', '10.00')).toThrow(DomainError);
    expect(() => pay(open(), 'p1', '2026-02-30', '10.00')).toThrow(DomainError);
    expect(() => pay(open(), 'p1', '2026-02-15', '10.001')).toThrow(DomainError);
    expect(() => pay(open(), 'p1', '2026-02-15', '-1.00')).toThrow(DomainError);
    expect(() => pay(open(), '', '2026-02-15', '1.00')).toThrow(DomainError);
    expect(() => pay(open(), 'p1', '2026-02-15', '1.00', { order: ['FEE', 'FEE', 'FEE', 'FEE'] })).toThrow(DomainError);
  });

  it('requires the schedule to start on the disbursement date', () => {
    const schedule = buildSchedule(TERMS);
    expect(() => openAccount({ schedule, disbursedOn: '2026-01-16', penaltyTerms: PENALTY })).toThrow(DomainError);
  });

  it('is plain JSON and never mutates its input', () => {
    const a = pay(open({ fees: [{ kind: 'PER_INSTALLMENT', amount: '3.00' }] }), 'p1', '2026-02-20', '3000.00', { overpayment: 'PREPAY', prepayment: 'REDUCE_TERM' }).account;
    const snapshot = JSON.stringify(a);
    const copy = JSON.parse(snapshot) as LoanAccount;
    expect(copy).toEqual(a);
    pay(a, 'p2', '2026-03-20', '5000.00', { overpayment: 'PREPAY' });
    positionAsOf(a, '2026-12-31');
    expect(JSON.stringify(a)).toBe(snapshot);
    expect(positionAsOf(copy, '2026-05-05')).toEqual(positionAsOf(a, '2026-05-05'));
  });
});

describe('account properties', () => {
  const option = fc.constantFrom<OverpaymentOption>('KEEP_AS_CREDIT', 'APPLY_TO_NEXT', 'PREPAY');
  const paymentArb = fc.record({
    gap: fc.integer({ min: 0, max: 60 }),
    cents: fc.integer({ min: 0, max: 300_000 }),
    overpayment: option,
    prepayment: fc.constantFrom('REDUCE_INSTALLMENT' as const, 'REDUCE_TERM' as const),
  });
  const loanArb = fc.record({
    method: fc.constantFrom('EQUAL_INSTALLMENT' as const, 'EQUAL_PRINCIPAL' as const, 'INTEREST_FIRST' as const, 'BULLET' as const),
    termCount: fc.integer({ min: 1, max: 24 }),
    fee: fc.constantFrom('0.00', '2.50'),
    graceDays: fc.integer({ min: 0, max: 5 }),
  });

  it('never allocates more than is owed, conserves money, and pays off at the quoted amount', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(loanArb, fc.array(paymentArb, { maxLength: 8 }), fc.integer({ min: 0, max: 800 }), (loan, payments, payoffDay) => {
        let account = open(
          { method: loan.method, termCount: loan.termCount, fees: [{ kind: 'PER_INSTALLMENT', amount: loan.fee }] },
          { penaltyMarkup: '0.5', graceDays: loan.graceDays, lateFee: { kind: 'PERCENT_OF_OVERDUE_INSTALLMENT', value: '0.01' } },
        );
        let date = '2026-01-15';
        payments.forEach((p, i) => {
          date = addDays(date, p.gap);
          const before = positionAsOf(account, date);
          const amount = new Dec(p.cents).div(100).toFixed(2);
          const { allocation, account: next } = pay(account, `p${i}`, date, amount, { overpayment: p.overpayment, prepayment: p.prepayment });
          const returned = allocation.returned.reduce((s, l) => s.plus(l.total), new Dec(0));
          // amount + credit used + taken back = allocated + credit left
          expect(new Dec(amount).plus(allocation.creditUsed).plus(returned).eq(new Dec(allocation.allocated).plus(allocation.creditLeft))).toBe(true);
          if (p.overpayment !== 'PREPAY') {
            for (const line of allocation.lines) {
              const owed = before.installments.find((x) => x.number === line.number)!;
              for (const key of ['penalty', 'lateFee', 'fee', 'interest', 'principal'] as const) {
                expect(new Dec(line[key]).lte(owed[key].outstanding)).toBe(true);
              }
            }
          } else {
            const gross = ['principal', 'interest', 'fees', 'penalty', 'lateFees'].reduce((s, k) => s.plus(before.payoff[k as 'principal']), new Dec(0));
            expect(new Dec(allocation.allocated).lte(gross)).toBe(true);
          }
          for (const inst of positionAsOf(next, date).installments) {
            for (const key of ['penalty', 'lateFee', 'fee', 'interest', 'principal'] as const) {
              expect(new Dec(inst[key].paid).lte(inst[key].due)).toBe(true);
            }
          }
          account = next;
        });
        const when = addDays(date, payoffDay);
        const quote = payoffQuote(account, when);
        const closing = pay(account, 'payoff', when, quote.total, { overpayment: 'PREPAY' });
        expect(closing.account.closedOn).not.toBeNull();
        expect(compareDates(closing.account.closedOn!, when)).toBeLessThanOrEqual(0);
        expect(closing.creditLeft).toBe(quote.refundable);
        const after = positionAsOf(closing.account, when);
        expect(after.status).toBe('PAID_OFF');
        expect(after.balances.principal).toBe('0.00');
      }),
      { numRuns: 300 },
    );
  });
});
