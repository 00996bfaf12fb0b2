// The payoffQuote query on the time-skipping server: the amount that closes the loan today, while
// the projected payoffToday stays as of the loan's last wake-up.
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../domain/business-time.js';
import { addDays } from '../../domain/dates.js';
import { payoffQuoteQuery } from '../../contracts/definitions.js';
import type { ServicingView } from '../../contracts/loan-view.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { ledgerBalance, pay, reconciliation, skipTo } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  const report = await reconciliation(h);
  expect(report.findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

async function manualLoan() {
  const seeded = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
  const input = seeded.input;
  await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await h.start(input);
  const { uploadDocuments, sign, waitForStatus } = await import('./helpers/loan-driver.js');
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  const active = await waitForStatus(handle, 'ACTIVE');
  return { handle, loanId: input.loanId, borrowerId: input.borrowerId, active };
}

async function storedServicing(loanId: string): Promise<ServicingView> {
  const [row] = await h.sql<{ servicing: ServicingView }[]>`
    select view_fields -> 'servicing' as servicing from loans where id = ${loanId}`;
  return row!.servicing;
}

async function today(): Promise<string> {
  return localDateOf(await h.env.currentTimeMs(), 'Asia/Shanghai');
}

describe('payoff quote', () => {
  it('quotes today ten days into a period under version 2, more than the stored payoffToday, and paying it closes the loan', async () => {
    const { handle, loanId, borrowerId, active } = await manualLoan();
    expect(active.offer?.rulesVersion).toBe(2);
    const disbursedOn = active.servicing!.disbursedOn;
    const [first] = await h.sql<{ due_date: string; interest: string; fee: string }[]>`
      select due_date, interest, fee from installments where loan_id = ${loanId} and number = 1`;

    // The loan sleeps until its first reminder: ten days in, nothing has woken it.
    const tenDaysIn = addDays(disbursedOn, 10);
    await skipTo(h, tenDaysIn, '10:00');
    expect(await today()).toBe(tenDaysIn);
    const stored = await storedServicing(loanId);
    expect(stored.asOf).toBe(disbursedOn);

    const quote = await handle.query(payoffQuoteQuery, tenDaysIn);
    if (quote.kind !== 'QUOTE') throw new Error(`expected a quote, got ${JSON.stringify(quote)}`);
    expect(quote.rulesVersion).toBe(2);
    expect(quote.quotableThrough).toBe(first!.due_date);
    const span = Math.round((Date.parse(first!.due_date) - Date.parse(disbursedOn)) / 86_400_000);
    const tenDays = new Decimal(first!.interest).times(10).div(span).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    expect(quote.breakdown).toEqual({
      amount: new Decimal('12000.00').plus(tenDays).plus(first!.fee).toFixed(2),
      principal: '12000.00',
      interest: tenDays.toFixed(2),
      fees: new Decimal(first!.fee).toFixed(2),
      penalty: '0.00',
      lateFees: '0.00',
      credit: '0.00',
    });
    // The stored figure is the disbursement day's: no interest yet, so paying it would leave a residual.
    expect(new Decimal(quote.breakdown.amount).gt(stored.payoffToday)).toBe(true);
    expect(new Decimal(quote.breakdown.interest).gt(stored.balances.interest)).toBe(true);

    // Dates the account cannot answer exactly are refused, with the range named.
    const early = await handle.query(payoffQuoteQuery, addDays(disbursedOn, -1));
    expect(early).toMatchObject({ kind: 'OUT_OF_RANGE', quotableFrom: disbursedOn, quotableThrough: first!.due_date });
    const late = await handle.query(payoffQuoteQuery, addDays(first!.due_date, 1));
    expect(late.kind).toBe('OUT_OF_RANGE');
    expect(await handle.query(payoffQuoteQuery, 'not-a-date')).toMatchObject({ kind: 'OUT_OF_RANGE' });

    const closing = await pay(handle, {
      paymentId: `${loanId}-payoff`,
      amount: quote.breakdown.amount,
      receivedOn: tenDaysIn,
      by: { userId: borrowerId, role: 'BORROWER' },
    });
    expect(closing.allocation.paidOff).toBe(true);
    expect(closing.allocation.toRefund).toBe('0.00');
    expect(closing.status).toBe('PAID_OFF');
    expect((await handle.result()).status).toBe('PAID_OFF');
    for (const account of ['LOAN_PRINCIPAL', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'])
      expect(await ledgerBalance(h, loanId, account)).toBe('0.00');
    expect(await handle.query(payoffQuoteQuery, tenDaysIn)).toEqual({ kind: 'CLOSED', status: 'PAID_OFF' });
  });
});
