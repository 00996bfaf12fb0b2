// Grace and the bank's notice: a transfer the borrower makes at 23:59 on the last day of grace is
// repaid within grace (the contract: 宽限期内还清的，不计罚息和滞纳金，不视为逾期), even when the
// record of it (a bank notice, finance entering a receipt) reaches the loan after midnight. The record
// carries the day the money was received; the loan must take it on that day, without penalty
// interest or late fee.
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import { createWorkflowHarness, untilIdle, type WorkflowHarness } from './helpers/harness.js';
import type { loanWorkflow } from '../../workflows/loan.js';
import { uploadDocuments, sign, waitForStatus } from './helpers/loan-driver.js';
import { pay, reconciliation, skipTo, view } from './helpers/servicing-driver.js';

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

describe('grace and a late bank notice', () => {
  it('a transfer received at 23:59 on the last day of grace and notified at 00:05 is repaid within grace', async () => {
    const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
    await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    await h.env.sleep(60_000);
    await waitForStatus(handle, 'ACTIVE');
    const [first] = await h.sql<{ due_date: string; principal: string; interest: string; fee: string }[]>`
      select due_date, principal, interest, fee from installments where loan_id = ${input.loanId} and number = 1`;
    const lastDay = addDays(first!.due_date, 3);
    const owed = new Decimal(first!.principal).plus(first!.interest).plus(first!.fee).toFixed(2);

    // The money was received at 23:59 (Asia/Shanghai) on the last day of grace; finance records it at 00:05.
    await skipTo(h, addDays(first!.due_date, 4), '00:05');
    const paid = await pay(handle, {
      paymentId: `${input.loanId}-2359`,
      amount: owed,
      channel: 'CASH',
      receivedOn: lastDay,
      by: { userId: 'finance-1', role: 'FINANCE' },
    });
    expect(paid.allocation).toMatchObject({ penalty: '0.00', toRefund: '0.00' });
    expect(paid.status).toBe('ACTIVE');
    const after = await view(handle);
    expect(after.servicing?.balances.penalty).toBe('0.00');

    // Past the collections hour of that day: never OVERDUE, no overdue notice, nothing in the night.
    await skipTo(h, addDays(first!.due_date, 4), '11:00');
    expect((await view(handle)).status).toBe('ACTIVE');
    const reached = await h.sql<{ kind: string }[]>`
      select kind from loan_events where loan_id = ${input.loanId} and kind = 'STATUS_OVERDUE'`;
    expect(reached).toEqual([]);
    const templates = h.notify.sent.filter((m) => m.params.loanId === input.loanId).map((m) => m.template);
    expect(templates).not.toContain('OVERDUE_NOTICE');

    await h.capture(input.loanId, 'grace-late-bank-notice', ['grace', 'on-time-payment']);
    // Terminated between workflow tasks: a loan ended mid-task holds the server's clock.
    const done = h.client.workflow.getHandle<typeof loanWorkflow>(input.loanId);
    await untilIdle(done);
    await done.terminate('test done');
  });
});
