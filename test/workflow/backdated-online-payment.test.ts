// A borrower paying online pays on the day the money moves. Finance may record cash or a bank
// transfer on the day it was received, an earlier day; a borrower's own online payment dated back
// to the start of the period would pay off the loan without the period's interest to the day.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import { createWorkflowHarness, untilIdle, type WorkflowHarness } from './helpers/harness.js';
import type { loanWorkflow } from '../../workflows/loan.js';
import { uploadDocuments, sign, waitForStatus } from './helpers/loan-driver.js';
import { pay, reconciliation, refusal, skipTo, view } from './helpers/servicing-driver.js';

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

describe('an online payment dated back', () => {
  it('is refused: the borrower cannot date a payoff back to the start of the period', async () => {
    const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
    await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    await h.env.sleep(60_000);
    await waitForStatus(handle, 'ACTIVE');
    const [first] = await h.sql<{ due_date: string; total: string }[]>`
      select due_date, (principal + interest + fee)::numeric(16, 2)::text as total
      from installments where loan_id = ${input.loanId} and number = 1`;
    const due = first!.due_date;
    const borrower = { userId: input.borrowerId, role: 'BORROWER' as const };

    // The first installment paid on its due date; 20 days into the second period the borrower pays off.
    await skipTo(h, due, '12:00');
    await pay(handle, {
      paymentId: `${input.loanId}-1`,
      amount: first!.total,
      receivedOn: due,
      by: borrower,
    });
    await skipTo(h, addDays(due, 20), '12:00');
    // Principal and more: enough to pay off on any day of the period.
    const amount = (Number((await view(handle)).servicing!.balances.principal) + 200).toFixed(2);

    const backdated = pay(handle, {
      paymentId: `${input.loanId}-payoff`,
      amount,
      receivedOn: due,
      by: borrower,
    });
    expect(await refusal(backdated)).toBe('INVALID');
    expect((await view(handle)).status).toBe('ACTIVE');
    // Terminated between workflow tasks: a loan ended mid-task holds the server's clock.
    const done = h.client.workflow.getHandle<typeof loanWorkflow>(input.loanId);
    await untilIdle(done);
    await done.terminate('test done');
  });
});
