// The moment a loan turns ACTIVE: servicing must already take repayments. The borrower's
// "your loan is active" notice is held at the gateway, so the workflow stays inside its
// announcement of ACTIVE (status set, notice not yet sent) for as long as the test needs; a
// repayment sent the instant the status query reports ACTIVE must be taken, not refused with
// "No registered handler for update: repay".
import { temporal } from '@temporalio/proto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { NotifyClient } from '../../partners/notify-client.js';
import { loanViewQuery } from '../../contracts/definitions.js';
import type { LoanView } from '../../contracts/loan-view.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { pay, reconciliation, view } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
let send: NotifyClient['send'];
let releaseHold = () => {};
beforeAll(async () => {
  h = await createWorkflowHarness();
  send = h.notify.send.bind(h.notify);
});
afterEach(async () => {
  releaseHold();
  h.notify.send = send;
  expect((await reconciliation(h)).findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

it('takes a repayment sent the instant the loan reports ACTIVE', async () => {
  const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
  const loanId = input.loanId;
  await h.sql`update loans set auto_debit = false where id = ${loanId}`;

  // Hold the ACTIVE notice until the repayment has had its answer (or 5 s have passed).
  const released = new Promise<void>((resolve) => (releaseHold = resolve));
  let held = false;
  h.notify.send = async (key, message) => {
    if (
      message.params.loanId === loanId &&
      message.template === 'LOAN_STATUS_CHANGED' &&
      message.params.status === 'ACTIVE'
    ) {
      held = true;
      await released;
    }
    return send(key, message);
  };

  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);

  // Poll as a client would and pay at the first sight of ACTIVE.
  let active: LoanView | undefined;
  const deadline = Date.now() + 30_000;
  while (!active && Date.now() < deadline) {
    const seen = await handle.query(loanViewQuery);
    if (seen.status === 'ACTIVE') active = seen;
    else await new Promise((r) => setTimeout(r, 10));
  }
  expect(active, 'the loan never reported ACTIVE').toBeDefined();
  const disbursedOn = active!.disbursements.find((d) => d.status === 'SUCCEEDED')!.disbursedOn!;
  const payment = pay(handle, {
    paymentId: `${loanId}-first`,
    amount: '100.00',
    receivedOn: disbursedOn,
    by: { userId: input.borrowerId, role: 'BORROWER' },
  });
  const answer = payment.then(
    () => 'accepted',
    (err: Error & { cause?: Error }) => `refused: ${err.cause?.message ?? err.message}`,
  );
  const answered = await Promise.race([answer, new Promise((r) => setTimeout(() => r('pending'), 5_000))]);
  // The ACTIVE notice is being held: the workflow has not finished announcing ACTIVE (with the
  // old order, servicing's handlers would only be registered after it).
  await until(() => held);
  releaseHold();

  expect(answered).not.toMatch(/^refused/);
  const result = await payment;
  expect(result).toMatchObject({ paymentId: `${loanId}-first`, duplicate: false, amount: '100.00', status: 'ACTIVE' });
  // Nothing is due on the payout day: under money rules version 2 the consumer product keeps it as credit.
  expect(result.allocation).toMatchObject({ toCredit: '100.00', installments: [] });

  const after = await view(handle);
  expect(after.status).toBe('ACTIVE');
  expect(after.servicing?.recentPayments.map((p) => p.paymentId)).toEqual([`${loanId}-first`]);
  // The ACTIVE notice went out once the hold was lifted.
  await until(() =>
    h.notify.sent.some(
      (m) => m.params.loanId === loanId && m.template === 'LOAN_STATUS_CHANGED' && m.params.status === 'ACTIVE',
    ),
  );
  // Terminated only once it sleeps until the first reminder: a loan terminated with an activity or
  // workflow task outstanding can leave the time-skipping server unable to skip time for the
  // rest of the file.
  await untilAsync(
    async () =>
      (await handle.fetchHistory()).events?.at(-1)?.eventType ===
      temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED,
  );
  await h.capture(loanId, 'repayment-at-activation', ['disbursement', 'partial-payment']);
  await h.client.workflow.getHandle(loanId).terminate('test done');
});

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function untilAsync(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('leaves its time-skipping server able to skip time once the loan has ended', async () => {
  const started = Date.now();
  await h.env.sleep(24 * 60 * 60 * 1000);
  expect(Date.now() - started).toBeLessThan(10_000);
}, 30_000);
