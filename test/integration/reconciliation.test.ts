// Reconciliation of every clearing account over HTTP on the running stack: each difference a
// partner's own record shows (the gateway's settlement file, the bank's statement) or a forger
// leaves in the ledger becomes a FINANCE task with an owner, one per finding key however often
// reconciliation runs (also two runs at once), and is closed with a note by the first run after it
// was put right. `npm run reconcile` records a run too, prints every finding and exits 1 while
// tasks are open. Other test files run loans on the same stack at once, so every assertion is about
// this file's own finding keys.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { ROOT } from '../../lib/tools.js';
import { createGatewayClient } from '../../partners/gateway-client.js';
import { callbackSignatureHeaders } from '../../partners/signature.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import {
  gatewayCard,
  orderOnlinePayment,
  payOnHostedPage,
  repayOnline,
  waitForOnlinePayment,
} from '../../drivers/online-payments.js';
import { financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const log = createLogger('test', 'silent');
const admin = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log });
const gateway = createGatewayClient({ baseUrl: `${stack.simulatorUrl}/gateway`, log });
const sql = stackDb(stack.databaseUrl);
const partnerSql = stackDb(stack.partnerDatabaseUrl);

let borrower: Session;
let finance: Session;
let checker: Session;
let loanId: string;

beforeAll(async () => {
  ({ session: borrower, loanId } = await activeLoanOverHttp(api));
  ({ maker: finance, checker } = await financeMakerAndChecker(api));
});
afterAll(async () => {
  await Promise.all([sql.end(), partnerSql.end()]);
});

interface Task {
  taskId: string;
  key: string;
  loanId: string | null;
  status: string;
  ownerId: string | null;
  ownerName: string | null;
  findings: Array<{ code: string; text: { zh: string; en: string } }>;
  resolution: string | null;
}
interface Run {
  runId: number;
  clean: boolean;
  findings: Array<{ code: string; key: string }>;
  tasksOpen: number;
  openTasks: Task[];
}

const runNow = () => api.call<Run>('POST', '/v1/finance/reconciliation/runs', { token: finance.token });

async function openTasksFor(key: string): Promise<Task[]> {
  const { tasks } = await api.call<{ tasks: Task[] }>(
    'GET',
    '/v1/finance/reconciliation/tasks?status=OPEN&limit=1000',
    {
      token: finance.token,
    },
  );
  return tasks.filter((t) => t.key === key);
}

async function closedTasksFor(key: string): Promise<Task[]> {
  const { tasks } = await api.call<{ tasks: Task[] }>(
    'GET',
    '/v1/finance/reconciliation/tasks?status=DONE&limit=1000',
    {
      token: finance.token,
    },
  );
  return tasks.filter((t) => t.key === key);
}

/** Runs reconciliation until `key` has an open task (a partner's callback may still be on its way). */
async function expectTaskOpens(key: string, timeoutMs = 30_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runNow();
    const task = run.openTasks.find((t) => t.key === key);
    if (task) {
      expect(run.findings.map((f) => f.key)).toContain(key);
      expect(task.status).toBe('OPEN');
      expect(task.ownerId).not.toBeNull();
      // Any active FINANCE user owns it (other test files create finance users of their own).
      const [owner] = await sql<{ role: string }[]>`select role from users where id::text = ${task.ownerId}`;
      expect(owner?.role).toBe('FINANCE');
      return task;
    }
    if (Date.now() > deadline) throw new Error(`no task for ${key}; findings: ${JSON.stringify(run.findings)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Runs reconciliation until `key` is no longer found: its task is closed with a note. */
async function expectTaskCloses(key: string, task: Task, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runNow();
    if (!run.findings.some((f) => f.key === key)) break;
    if (Date.now() > deadline) throw new Error(`${key} is still found`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  expect(await openTasksFor(key)).toEqual([]);
  const closed = (await closedTasksFor(key)).find((t) => t.taskId === task.taskId);
  expect(closed?.resolution).toMatch(/no longer finds it/);
}

function signedConfirmation(body: unknown): RequestInit {
  const raw = JSON.stringify(body);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callbackSignatureHeaders(stack.gatewayCallbackSecret, raw) },
    body: raw,
  };
}

describe('the gateway clearing account against the settlement file', () => {
  it('a payment applied on a confirmation the gateway never settled is a task until the gateway takes the payment', async () => {
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '21.00' });
    const gatewayOrder = await gateway.findOrder(order.paymentId);
    // An insider with the gateway's key confirms a payment the gateway never took.
    const response = await fetch(
      `${stack.apiUrl}/v1/partners/gateway/confirmations`,
      signedConfirmation({
        event: 'PAYMENT_CONFIRMED',
        orderId: gatewayOrder!.orderId,
        merchantOrderId: order.paymentId,
        status: 'PAID',
        amount: '21.00',
        currency: 'CNY',
        paidAt: new Date().toISOString(),
      }),
    );
    expect(response.status).toBe(200);
    await waitForOnlinePayment(api, borrower.token, loanId, order.paymentId, ['APPLIED']);

    const key = `GATEWAY_PAYMENT_NOT_SETTLED|${loanId}|${order.paymentId}`;
    const task = await expectTaskOpens(key);
    expect(task.loanId).toBe(loanId);

    // The borrower does pay on the gateway's page: the settlement file lists it, the task closes.
    expect((await payOnHostedPage(order.payUrl!, gatewayCard())).status).toBe(200);
    await expectTaskCloses(key, task);
  });

  it('a settlement line whose confirmation never reached us is a task until the confirmation is applied', async () => {
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '22.00' });
    expect((await payOnHostedPage(order.payUrl!, gatewayCard('WITHHELD'))).status).toBe(200);
    const key = `SETTLEMENT_WITHOUT_PAYMENT|${loanId}|${order.paymentId}`;
    const task = await expectTaskOpens(key);
    expect(task.findings[0]!.text.en).toContain('22.00');

    const gatewayOrder = await gateway.findOrder(order.paymentId);
    await admin.releaseGatewayConfirmation(gatewayOrder!.orderId);
    await waitForOnlinePayment(api, borrower.token, loanId, order.paymentId, ['APPLIED']);
    await expectTaskCloses(key, task);
  });

  it('a settlement line of another amount than the ledger took is a task until the file agrees', async () => {
    const payment = await repayOnline(api, borrower.token, loanId, { amount: '23.00' });
    const gatewayOrder = await gateway.findOrder(payment.paymentId);
    const key = `GATEWAY_AMOUNT_MISMATCH|${loanId}|${payment.paymentId}`;
    const clean = await runNow();
    expect(clean.findings.filter((f) => f.key.endsWith(`|${payment.paymentId}`))).toEqual([]);

    // The gateway's file says another amount (its own record changed, as its operator would).
    await partnerSql`update gateway_orders set amount = 23.50 where order_id = ${gatewayOrder!.orderId}`;
    const task = await expectTaskOpens(key);
    expect(task.findings[0]!.text.en).toContain('23.50');

    // Run again, and twice at once: still the one task.
    await Promise.all([runNow(), runNow()]);
    await runNow();
    expect((await openTasksFor(key)).map((t) => t.taskId)).toEqual([task.taskId]);

    await partnerSql`update gateway_orders set amount = 23.00 where order_id = ${gatewayOrder!.orderId}`;
    await expectTaskCloses(key, task);
  });
});

describe('the bank against its statement', () => {
  it('a statement line no posting took is a task until finance posts it by the statement', async () => {
    const reference = `RECON-${randomUUID().slice(0, 8)}`;
    // The borrower's transfer names no loan: the bank's notice cannot be applied by itself.
    const line = await admin.simulateIncomingPayment({
      reference,
      amount: '31.00',
      notifyUrl: `${stack.apiUrl}/v1/partners/bank/incoming`,
    });
    const key = `INCOMING_WITHOUT_ENTRY|-|${line.paymentId}`;
    const task = await expectTaskOpens(key);
    expect(task.loanId).toBeNull();

    const paymentId = `recon-${randomUUID()}`;
    const recorded = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: finance.token,
      body: { paymentId, amount: '31.00', channel: 'BANK_TRANSFER', reference },
    });
    expect(recorded.status).toBe(202);
    await api.call('POST', '/v1/finance/repayments/statement-match', { token: checker.token });
    await expectTaskCloses(key, task);
  });
});

describe('cash on hand against the counter', () => {
  it('an approved cash posting is in the ledger once, and nothing is found about it', async () => {
    const paymentId = `recon-cash-${randomUUID()}`;
    const recorded = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: finance.token,
      body: { paymentId, amount: '12.00', channel: 'CASH' },
    });
    expect(recorded.status).toBe(202);
    const approved = await api.fetch('POST', `/v1/finance/repayments/${paymentId}/approve`, { token: checker.token });
    expect(approved.status).toBe(200);
    const run = await runNow();
    expect(run.findings.filter((f) => f.key.includes(paymentId))).toEqual([]);
    const [entry] = await sql<{ n: number }[]>`
      select count(*)::int as n from journal_lines l join journal_entries e on e.id = l.entry_id
      where e.business_key = ${`payment:${paymentId}`} and l.account = 'CASH_ON_HAND'`;
    expect(entry!.n).toBe(1);
  });
});

describe('receivables against the schedule', () => {
  it('a forged interest receivable is a task until a reversal undoes it', async () => {
    const forged = `forged:${randomUUID()}`;
    // A database superuser posts interest the schedule never charged.
    await sql.begin(async (tx) => {
      const [e] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, loan_id, kind, effective_on, memo)
        values (${forged}, ${loanId}, 'INTEREST', current_date, 'forged') returning id`;
      await tx`
        insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit) values
          (${e!.id}, 1, 'INTEREST_RECEIVABLE', ${loanId}, 100.00, 0),
          (${e!.id}, 2, 'INTEREST_INCOME', ${loanId}, 0, 100.00)`;
    });
    const key = `INTEREST_RECEIVABLE_MISMATCH|${loanId}|interest`;
    const task = await expectTaskOpens(key);
    expect(task.findings[0]!.code).toBe('INTEREST_RECEIVABLE_MISMATCH');

    // The ledger is append-only: the fix is a reversing entry.
    await sql.begin(async (tx) => {
      const [e] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, loan_id, kind, effective_on, reverses_key, memo)
        values (${`reversal:${forged}`}, ${loanId}, 'REVERSAL', current_date, ${forged}, 'reverses the forged entry') returning id`;
      await tx`
        insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit) values
          (${e!.id}, 1, 'INTEREST_RECEIVABLE', ${loanId}, 0, 100.00),
          (${e!.id}, 2, 'INTEREST_INCOME', ${loanId}, 100.00, 0)`;
    });
    await expectTaskCloses(key, task);
  });
});

describe('npm run reconcile', () => {
  function reconcileScript(): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'reconcile.ts')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          APP_MODE: 'local',
          DATABASE_URL: stack.databaseUrl,
          // The installation's keys: the run's audit row continues the keyed chain.
          DATA_KEY_FILE: stack.dataKeyFile,
          BANK_URL: `${stack.simulatorUrl}/bank`,
          GATEWAY_URL: `${stack.simulatorUrl}/gateway`,
        },
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
  }

  it('prints every finding with its task and exits 1 while a task is open, and stops printing it once fixed', async () => {
    const forged = `forged:${randomUUID()}`;
    await sql.begin(async (tx) => {
      const [e] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, loan_id, kind, effective_on, memo)
        values (${forged}, ${loanId}, 'LATE_FEE', current_date, 'forged') returning id`;
      await tx`
        insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit) values
          (${e!.id}, 1, 'FEE_RECEIVABLE', ${loanId}, 7.00, 0),
          (${e!.id}, 2, 'FEE_INCOME', ${loanId}, 0, 7.00)`;
    });
    const key = `FEE_RECEIVABLE_MISMATCH|${loanId}|fees`;
    const open = await reconcileScript();
    expect(open.code).toBe(1);
    expect(open.out).toContain(`FEE_RECEIVABLE_MISMATCH [${loanId}]`);
    // The owner is whichever finance user the run chose (other files add finance users).
    const [task] = await openTasksFor(key);
    expect(task).toBeDefined();
    expect(open.out).toContain(`task ${key}, owner ${task!.ownerName})`);
    const [owner] = await sql<{ role: string }[]>`select role from users where id::text = ${task!.ownerId}`;
    expect(owner?.role).toBe('FINANCE');

    await sql.begin(async (tx) => {
      const [e] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, loan_id, kind, effective_on, reverses_key, memo)
        values (${`reversal:${forged}`}, ${loanId}, 'REVERSAL', current_date, ${forged}, 'reverses the forged entry') returning id`;
      await tx`
        insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit) values
          (${e!.id}, 1, 'FEE_RECEIVABLE', ${loanId}, 0, 7.00),
          (${e!.id}, 2, 'FEE_INCOME', ${loanId}, 7.00, 0)`;
    });
    const fixed = await reconcileScript();
    expect(fixed.out).not.toContain(key);
    expect(await openTasksFor(key)).toEqual([]);
    // Exit 0 exactly when the run left no task open (other files' findings may still be open).
    const latest = await api.call<Run>('GET', '/v1/finance/reconciliation/runs/latest', { token: finance.token });
    expect(fixed.code).toBe(latest.tasksOpen > 0 ? 1 : 0);
    expect(fixed.out).toContain(`${latest.tasksOpen} open`);
  });

  it('is for finance and operations only', async () => {
    const collector = await api.login('collector');
    for (const [method, path] of [
      ['POST', '/v1/finance/reconciliation/runs'],
      ['GET', '/v1/finance/reconciliation/runs/latest'],
      ['GET', '/v1/finance/reconciliation/tasks'],
    ] as const) {
      expect((await api.fetch(method, path, { token: collector.token })).status).toBe(403);
      expect((await api.fetch(method, path, { token: borrower.token })).status).toBe(403);
    }
  });
});
