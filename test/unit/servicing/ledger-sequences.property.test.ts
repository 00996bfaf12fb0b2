// The ledger as a loan posts it, over random payment sequences (on time, late, partial, prepayment,
// payoff, overpayment, through every channel, under both money rules versions, with daily accrual):
// every entry balances, the ledger's balances equal the account's (principal, interest, fee and
// penalty receivables, accrued interest, credit), and the bank never goes below what funded it.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { addDays, compareDates } from '../../../domain/dates.js';
import { accruedNotDue } from '../../../domain/interest-accrual.js';
import { entryProblem, type JournalEntry } from '../../../domain/ledger.js';
import { ZERO, money, sum, toMoney } from '../../../domain/money.js';
import { OVERPAYMENT_HANDLINGS } from '../../../domain/products.js';
import {
  amountOwed,
  firstUnsettled,
  isPaidOff,
  outstandingPrincipal,
  payoffAmount,
  periodInterestAccrued,
  type LoanAccount,
} from '../../../domain/servicing-account.js';
import { REPAYMENT_METHODS, type LocalDate } from '../../../domain/types.js';
import { AccrualBook } from './accrual-book.js';

const CHANNELS = ['ONLINE', 'BANK_TRANSFER', 'CASH', 'AUTO_DEBIT'] as const;

const step = fc.record({
  kind: fc.constantFrom('ON_TIME', 'LATE', 'PARTIAL', 'PREPAY', 'PAYOFF', 'OVERPAY', 'WAKE'),
  days: fc.integer({ min: 1, max: 75 }),
  fraction: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  channel: fc.constantFrom(...CHANNELS),
  backdated: fc.integer({ min: 0, max: 3 }),
});

const scenario = fc.record({
  rulesVersion: fc.constantFrom(1, 2),
  method: fc.constantFrom(...REPAYMENT_METHODS),
  overpayment: fc.constantFrom(...OVERPAYMENT_HANDLINGS),
  termCount: fc.integer({ min: 1, max: 8 }),
  principal: fc.integer({ min: 1_000, max: 60_000 }),
  fee: fc.constantFrom(0, 3, 15),
  upfront: fc.constantFrom(0, 100),
  steps: fc.array(step, { minLength: 1, maxLength: 14 }),
});

/** What the account says the ledger must hold for the loan. */
function expected(a: LoanAccount, book: AccrualBook, today: LocalDate) {
  const open = a.writtenOffOn === null;
  let interest = ZERO;
  let fees = ZERO;
  let penalty = ZERO;
  let accrued = ZERO;
  for (const i of a.installments) {
    penalty = penalty.plus(money(i.penaltyCharged).plus(money(i.lateFee)).minus(money(i.paidPenalty)));
    if (i.charged) {
      interest = interest.plus(money(i.interest).minus(money(i.paidInterest)));
      fees = fees.plus(money(i.fee).minus(money(i.paidFee)));
    } else {
      interest = interest.plus(money(i.interestPosted ?? '0.00').minus(money(i.paidInterest)));
      accrued = accrued.plus(money(periodInterestAccrued(a, i, today)).minus(money(i.interestPosted ?? '0.00')));
    }
  }
  return {
    LOAN_PRINCIPAL: outstandingPrincipal(a),
    INTEREST_RECEIVABLE: toMoney(open ? interest : ZERO),
    FEE_RECEIVABLE: toMoney(open ? fees : ZERO),
    PENALTY_RECEIVABLE: toMoney(open ? penalty : ZERO),
    ACCRUED_INTEREST_RECEIVABLE: open && !isPaidOff(a) ? toMoney(accrued) : '0.00',
    BORROWER_CREDIT: a.credit,
    accruedState: book.accrual && accruedNotDue(book.accrual),
  };
}

function checkLedger(book: AccrualBook, today: LocalDate, funding: string): void {
  for (const e of book.entries) expect(entryProblem(e), e.businessKey).toBeNull();
  const keys = book.entries.map((e: JournalEntry) => e.businessKey);
  expect(new Set(keys).size).toBe(keys.length);
  const lines = book.lines();
  expect(toMoney(sum(lines.map((l) => money(l.debit))))).toBe(toMoney(sum(lines.map((l) => money(l.credit)))));
  const b = book.balances();
  const want = expected(book.account, book, today);
  expect({
    LOAN_PRINCIPAL: b.LOAN_PRINCIPAL,
    INTEREST_RECEIVABLE: b.INTEREST_RECEIVABLE,
    FEE_RECEIVABLE: b.FEE_RECEIVABLE,
    PENALTY_RECEIVABLE: b.PENALTY_RECEIVABLE,
    ACCRUED_INTEREST_RECEIVABLE: b.ACCRUED_INTEREST_RECEIVABLE,
    BORROWER_CREDIT: b.BORROWER_CREDIT,
    accruedState: b.ACCRUED_INTEREST_RECEIVABLE,
  }).toEqual(want);
  // The payout was funded: the bank holds the funding less the net payout plus what came in by bank.
  expect(money(funding).plus(money(b.BANK)).isNeg()).toBe(false);
  for (const acct of [
    'INTEREST_RECEIVABLE',
    'FEE_RECEIVABLE',
    'PENALTY_RECEIVABLE',
    'ACCRUED_INTEREST_RECEIVABLE',
  ] as const)
    expect(money(b[acct]).isNeg(), `${acct} ${b[acct]}`).toBe(false);
}

it('keeps the ledger balanced and equal to the account over random payment sequences', { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const disbursedOn = '2026-01-15';
      const book = new AccrualBook(
        {
          principal: `${s.principal}.00`,
          annualRate: '0.1800',
          termCount: s.termCount,
          frequency: 'MONTHLY',
          method: s.method,
          fees: s.fee > 0 ? [{ kind: 'PER_INSTALLMENT', amount: `${s.fee}.00` }] : [],
          dayCount: 'ACT/365',
          penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
          chargesCap: '0.3600',
          allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
          overpayment: s.overpayment,
          rulesVersion: s.rulesVersion,
        },
        disbursedOn,
        `${s.upfront}.00`,
      );
      // The funding entry: capital put into the bank before the payout, exactly the net payout.
      const funding = toMoney(money(`${s.principal}.00`).minus(s.upfront));
      let today = disbursedOn;
      for (const st of s.steps) {
        const next = firstUnsettled(book.account);
        if (!next || isPaidOff(book.account) || book.account.writtenOffOn) break;
        const on = (() => {
          switch (st.kind) {
            case 'ON_TIME':
              return next.dueDate;
            case 'LATE':
              return addDays(next.dueDate, st.days);
            default:
              return addDays(today, st.days);
          }
        })();
        if (compareDates(on, today) < 0) continue;
        // The workflow wakes at each month end and due date on the way.
        for (let d = addDays(today, 1); compareDates(d, on) < 0; d = addDays(d, 1))
          if (d.endsWith('-01') || book.account.installments.some((i) => i.dueDate === d)) book.touch(d);
        today = on;
        book.touch(today);
        checkLedger(book, today, funding);
        if (st.kind === 'WAKE') continue;
        const receivedOn =
          compareDates(addDays(on, -st.backdated), book.account.disbursedOn) > 0 && st.kind !== 'ON_TIME'
            ? addDays(on, -st.backdated)
            : on;
        const payoff = money(payoffAmount(book.account, receivedOn));
        const owed = money(amountOwed(book.account, next.number, receivedOn));
        const amount = (() => {
          switch (st.kind) {
            case 'ON_TIME':
            case 'LATE':
              return owed;
            case 'PARTIAL':
              return owed.times(st.fraction);
            case 'PREPAY':
              return payoff.times(st.fraction);
            case 'PAYOFF':
              return payoff;
            default:
              return payoff.plus(money(`${s.fee}.00`)).plus(st.fraction * 500);
          }
        })().toDecimalPlaces(2, 1);
        if (amount.lte(0)) continue;
        book.pay(toMoney(amount), receivedOn, today, st.channel);
        checkLedger(book, today, funding);
      }
      // Whatever happened, a wake-up long after still agrees.
      const later = addDays(today, 400);
      book.touch(later);
      checkLedger(book, later, funding);
    }),
    { numRuns: 150, seed: 20261206 },
  );
});
