// A 30-year loan: 360 monthly installments collected by auto-debit. History must stay bounded
// per run (continue-as-new at installment boundaries) and the money must still add up.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INSTALLMENTS_PER_RUN } from '../../workflows/servicing.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { runSizes, sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { ledgerBalance, reconciliation, refusal } from './helpers/servicing-driver.js';
import { loanViewQuery, retryDisbursementUpdate } from '../../contracts/definitions.js';
import type { loanWorkflow } from '../../workflows/loan.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

it('services 360 installments with every run under 2,000 events', { timeout: 600_000 }, async () => {
  const { input } = await h.seedLoan({
    amount: '20000.00',
    termCount: 360,
    profileDigit: 1,
    product: (p) => ({ ...p, maxTerm: 360, reminderDaysBeforeDue: [1] }),
  });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE', 60_000);
  expect(offered.offer?.installments).toHaveLength(360);
  await sign(handle, input.borrowerId, offered.contract!.sha256);

  // A later run still refuses origination messages as the wrong stage.
  await h.env.sleep(15 * 31 * 24 * 60 * 60 * 1000);
  const later = await h.client.workflow.getHandle<typeof loanWorkflow>(input.loanId).query(loanViewQuery);
  expect(later.servicing?.run).toBeGreaterThanOrEqual(1);
  // The first runs of the chain: origination and twelve installments, then the carried state.
  await h.capture(input.loanId, 'continue-as-new', ['continue-as-new', 'on-time-payment']);
  const ops = await h.createUser('OPS');
  expect(
    await refusal(
      h.client.workflow
        .getHandle<typeof loanWorkflow>(input.loanId)
        .executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] }),
    ),
  ).toBe('WRONG_STAGE');

  const done = await handle.result();
  expect(done.status).toBe('PAID_OFF');
  expect(done.servicing?.installmentsPaid).toBe(360);

  // Walk the chain of runs back from the last one and count each one's events.
  const sizes = await runSizes(h.client, input.loanId);
  expect(sizes.length).toBeGreaterThanOrEqual(360 / INSTALLMENTS_PER_RUN);
  expect(Math.max(...sizes)).toBeLessThan(2_000);
  expect(done.servicing?.run).toBe(sizes.length - 1);

  const [counts] = await h.sql<{ installments: number; payments: number }[]>`
    select (select count(*)::int from installments where loan_id = ${input.loanId} and paid_on is not null) as installments,
           (select count(*)::int from repayments where loan_id = ${input.loanId}) as payments`;
  expect(counts).toEqual({ installments: 360, payments: 360 });
  expect(await ledgerBalance(h, input.loanId, 'LOAN_PRINCIPAL')).toBe('0.00');
  expect((await reconciliation(h)).findings).toEqual([]);
});
