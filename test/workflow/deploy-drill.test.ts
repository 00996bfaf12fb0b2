// Deploy drill: loans sleep under v1 (today's workflow code); the v1 worker stops; a v2 worker
// whose servicing loop sends one more reminder (on the morning of each due date) takes over the
// same task queue. Shipped as docs/operations/upgrading.md prescribes (behind patched()), every
// loan carries on and only loans that reach the new code after the deploy get the new reminder;
// shipped without patched(), the loans already past that code fail with nondeterminism.
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startLoanWorkflow } from '../../api/loan-workflows.js';
import { addDays } from '../../domain/dates.js';
import { createLogger } from '../../lib/logger.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { bankResultSignal } from '../../contracts/definitions.js';
import { bundleChangedWorkflows, type MutantBundle } from '../support/mutant-bundle.js';
import { asCodeChange, extraDueDayReminder } from '../support/workflow-changes.js';
import { TIME_ZONE, createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign, uploadDocuments, waitForStatus, type LoanHandle } from './helpers/loan-driver.js';
import { ledgerBalance, pay, reconciliation, skipTo, view } from './helpers/servicing-driver.js';

// The procedure's own example (docs/operations/upgrading.md): PATCHES.REMINDER_ON_DUE_DAY.
const PATCH_ID = 'reminder-on-due-day';
const EventType = temporal.api.enums.v1.EventType;
const NON_DETERMINISTIC =
  temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;
const RECEIVABLES = ['LOAN_PRINCIPAL', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'];

let h: WorkflowHarness;
let v2: MutantBundle;
let v2Unpatched: MutantBundle;
const started: string[] = [];

beforeAll(async () => {
  h = await createWorkflowHarness();
  v2 = await bundleChangedWorkflows(asCodeChange(extraDueDayReminder, PATCH_ID));
  v2Unpatched = await bundleChangedWorkflows(asCodeChange(extraDueDayReminder));
});
afterEach(async () => {
  expect((await reconciliation(h)).findings).toEqual([]);
});
afterAll(async () => {
  v2?.remove();
  v2Unpatched?.remove();
  await Promise.all(
    started.map((id) =>
      h?.client.workflow
        .getHandle(id)
        .terminate('drill finished')
        .catch(() => undefined),
    ),
  );
  await h?.teardown();
});

/**
 * A worker of one version of the workflow code, polling the drill's task queue until stopped.
 * `sticky: false` keeps no loan cached: the time-skipping test server never hands a stopped
 * worker's sticky queue back to the shared one (a real server does when the worker shuts down), so
 * the worker that is going away runs without one. Its histories are the same either way.
 */
async function deployWorker(
  codePath: string,
  taskQueue: string,
  { sticky = true } = {},
): Promise<{ stop(): Promise<void> }> {
  const worker = await Worker.create({
    connection: h.env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath },
    activities: createActivities({
      config: { PUBLIC_API_URL: undefined, COMPANY_NAME: '示范小额贷款有限公司', BUSINESS_TIME_ZONE: TIME_ZONE },
      sql: h.sql,
      log: createLogger('deploy-drill', 'silent'),
      keyring: h.keyring,
      cipher: h.cipher,
      bank: h.bank,
      bureau: h.bureau,
      notify: h.notify,
    }),
    dataConverter: temporalDataConverter(h.keyring),
    ...(sticky ? {} : { maxCachedWorkflows: 0 }),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

interface DrillLoan {
  handle: LoanHandle;
  loanId: string;
  borrowerId: string;
  dueDates: string[];
}

/** A 3-installment consumer loan taken to ACTIVE on the given task queue; `manual` turns auto-debit off. */
async function openLoan(taskQueue: string, options: { manual?: boolean } = {}): Promise<DrillLoan> {
  const { input } = await h.seedLoan({ amount: '3000.00', termCount: 3, profileDigit: 1 });
  if (options.manual) await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await startLoanWorkflow(h.client, taskQueue, input, TIME_ZONE);
  started.push(input.loanId);
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  await waitForStatus(handle, 'ACTIVE');
  const rows = await h.sql<
    { due_date: string }[]
  >`select due_date from installments where loan_id = ${input.loanId} order by number`;
  return { handle, loanId: input.loanId, borrowerId: input.borrowerId, dueDates: rows.map((r) => r.due_date) };
}

/** The repayment reminders a loan's borrower got: `<installment>` for the product's, `<installment>:due-day` for v2's. */
function reminders(loanId: string): string[] {
  return h.notify.sent
    .filter((m) => m.params.loanId === loanId && ['REPAYMENT_REMINDER', 'REPAYMENT_DUE_TODAY'].includes(m.template))
    .map((m) => (m.template === 'REPAYMENT_DUE_TODAY' ? `${m.params.installment}:due-day` : m.params.installment!));
}

async function failedWorkflowTasks(handle: LoanHandle) {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
    .map((e) => e.workflowTaskFailedEventAttributes!);
}

async function repaymentsTotal(loanId: string): Promise<string> {
  const [row] = await h.sql<
    { total: string }[]
  >`select coalesce(sum(amount), 0)::numeric(16, 2)::text as total from repayments where loan_id = ${loanId}`;
  return row!.total;
}

async function scheduledTotal(loanId: string): Promise<string> {
  const [row] = await h.sql<
    { total: string }[]
  >`select sum(principal + interest + fee)::numeric(16, 2)::text as total from installments where loan_id = ${loanId}`;
  return row!.total;
}

it(
  'moves sleeping loans from v1 to a patched v2 worker: every loan carries on, new reminders only where v2 runs the new code',
  { timeout: 240_000 },
  async () => {
    const taskQueue = `drill-${randomUUID()}`;
    const v1 = await deployWorker(inject('workflowBundlePath'), taskQueue, { sticky: false });

    // Four loans at different points of servicing when the deploy comes (on `deployDay` at noon):
    const overdue = await openLoan(taskQueue, { manual: true }); // its first installment unpaid, in collections
    const paidOne = await openLoan(taskQueue); // first installment collected, waiting for the second
    await skipTo(h, addDays(overdue.dueDates[0]!, -15));
    const reminded = await openLoan(taskQueue); // reminded of its first installment, waiting for the due date
    const deployDay = addDays(reminded.dueDates[0]!, -1);
    await skipTo(h, addDays(deployDay, -7));
    const fresh = await openLoan(taskQueue); // not yet reminded of anything
    await skipTo(h, deployDay, '12:00');

    expect((await view(overdue.handle)).status).toBe('OVERDUE');
    expect((await view(paidOne.handle)).servicing?.nextDue?.number).toBe(2);
    expect(reminders(reminded.loanId)).toEqual(['1', '1']);
    expect(reminders(fresh.loanId)).toEqual([]);

    await v1.stop();
    const v2Worker = await deployWorker(v2.codePath, taskQueue);
    try {
      // The overdue borrower catches up, then pays the rest off on the second due date.
      const owed = (await view(overdue.handle)).servicing!.balances.totalDue;
      const cured = await pay(overdue.handle, {
        paymentId: `${overdue.loanId}-catch-up`,
        amount: owed,
        receivedOn: deployDay,
        by: { userId: overdue.borrowerId, role: 'BORROWER' },
      });
      expect(cured.status).toBe('ACTIVE');
      await skipTo(h, overdue.dueDates[1]!, '12:00');
      const payoff = (await view(overdue.handle)).servicing!.payoffToday;
      const closing = await pay(overdue.handle, {
        paymentId: `${overdue.loanId}-payoff`,
        amount: payoff,
        receivedOn: overdue.dueDates[1]!,
        by: { userId: overdue.borrowerId, role: 'BORROWER' },
      });
      expect(closing.status).toBe('PAID_OFF');

      const loans = [overdue, paidOne, reminded, fresh];
      for (const loan of loans) expect((await loan.handle.result()).status, loan.loanId).toBe('PAID_OFF');
      for (const loan of loans) {
        expect(await failedWorkflowTasks(loan.handle), loan.loanId).toEqual([]);
        for (const account of RECEIVABLES)
          expect(await ledgerBalance(h, loan.loanId, account), `${loan.loanId} ${account}`).toBe('0.00');
      }
      for (const loan of [paidOne, reminded, fresh]) {
        expect(await repaymentsTotal(loan.loanId)).toBe(await scheduledTotal(loan.loanId));
        for (const n of [1, 2, 3])
          expect(
            h.bank.debits.get(`loan:${loan.loanId}:installment:${n}:debit:1`)?.status,
            `${loan.loanId} debit ${n}`,
          ).toBe('SUCCEEDED');
      }

      // The new reminder goes out wherever servicing reached it under v2, and nowhere v1 had already passed it.
      expect(reminders(fresh.loanId)).toEqual(['1', '1', '1:due-day', '2', '2', '2:due-day', '3', '3', '3:due-day']);
      expect(reminders(reminded.loanId)).toEqual(['1', '1', '2', '2', '2:due-day', '3', '3', '3:due-day']);
      expect(reminders(paidOne.loanId)).toEqual(['1', '1', '2', '2', '2:due-day', '3', '3', '3:due-day']);
      expect(reminders(overdue.loanId)).toEqual(['1', '1', '2', '2', '2:due-day']);
    } finally {
      await v2Worker.stop();
    }
  },
);

it(
  'without patched(), the same v2 fails every loan already past the changed code with nondeterminism',
  { timeout: 180_000 },
  async () => {
    const taskQueue = `drill-unpatched-${randomUUID()}`;
    const v1 = await deployWorker(inject('workflowBundlePath'), taskQueue, { sticky: false });
    const overdue = await openLoan(taskQueue, { manual: true });
    const paidOne = await openLoan(taskQueue);
    await skipTo(h, addDays(overdue.dueDates[0]!, 5), '12:00');
    expect((await view(overdue.handle)).status).toBe('OVERDUE');
    expect((await view(paidOne.handle)).servicing?.nextDue?.number).toBe(2);
    await v1.stop();

    const v2Worker = await deployWorker(v2Unpatched.codePath, taskQueue);
    try {
      for (const loan of [overdue, paidOne]) {
        // Any message or timer wakes the loan; here a bank callback about nothing it waits for.
        await loan.handle.signal(bankResultSignal, {
          transferId: 'none',
          idempotencyKey: `drill:${randomUUID()}`,
          status: 'FAILED',
        });
      }
      for (const loan of [overdue, paidOne]) {
        const failed = await waitFor(
          () => failedWorkflowTasks(loan.handle),
          (tasks) => tasks.length > 0,
        );
        expect(failed.length, `${loan.loanId}: no failed workflow task`).toBeGreaterThan(0);
        expect(failed[0]!.cause, loan.loanId).toBe(NON_DETERMINISTIC);
        const { status } = await loan.handle.describe();
        expect(status.name).toBe('RUNNING');
        await loan.handle.terminate('nondeterminism after an unpatched deploy');
      }
    } finally {
      await v2Worker.stop();
    }
  },
);

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
