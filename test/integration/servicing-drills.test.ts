// Resilience drills for disbursement, on the running stack but with a bank of their own (so the
// faults they inject touch no other test) and a worker process of their own on its own task
// queue (so it can be killed): a bank failing 30% of calls and timing out on 10% still pays each
// loan exactly once, and a worker killed with SIGKILL in the middle of a payout and restarted
// does not pay twice. Afterwards the bank and the ledger agree.
import type { Server } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initialViewFields, loanWorkflowInput, startLoanWorkflow } from '../../api/loan-workflows.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { insertLoanApplication, newLoanId } from '../../db/loans.js';
import { productForLoanType } from '../../db/products.js';
import { createLogger } from '../../lib/logger.js';
import { freePort } from '../../lib/ports.js';
import { ROOT } from '../../lib/tools.js';
import { borrowerHash } from '../../security/blind-index.js';
import { createFieldCipher } from '../../security/field-crypto.js';
import { readKeyFile } from '../../security/keyring.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { createSimulatorApp, type SimulatorApp } from '../../simulators/app.js';
import '../setup/provided.js';
import { ApiClient } from '../../drivers/api-client.js';
import { makeCardNumber } from '../../drivers/identities.js';
import { findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const TIME_ZONE = 'Asia/Shanghai';
const taskQueue = `drill-${randomBytes(4).toString('hex')}`;
const keyring = readKeyFile(stack.dataKeyFile);
const cipher = createFieldCipher(keyring);
const log = createLogger('drill', 'silent');

let sql: Sql;
let bankDb: Sql;
let bankDbName: string;
let simulator: SimulatorApp;
let server: Server;
let bankRoot: string;
let connection: Connection;
let client: Client;
let worker: ChildProcess | undefined;

function adminUrl(): string {
  return stack.databaseUrl.replace(/\/[^/]*$/, '/postgres');
}

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'worker/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      APP_MODE: 'local',
      LOG_LEVEL: 'warn',
      DATA_DIR: stack.dataDir,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BANK_URL: `${bankRoot}/bank`,
      BUREAU_URL: `${stack.simulatorUrl}/bureau`,
      NOTIFY_URL: `${stack.simulatorUrl}/notify`,
      PUBLIC_API_URL: stack.apiUrl,
      STACK_PARENT_PID: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (process.env.TEST_STACK_LOGS) process.stderr.write(`[drill-worker] ${chunk.toString()}`);
  });
  return child;
}

function stopWorker(signal: NodeJS.Signals): Promise<void> {
  const child = worker;
  worker = undefined;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

beforeAll(async () => {
  sql = stackDb(stack.databaseUrl);
  bankDbName = `drill_bank_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${bankDbName}`);
  await admin.end();
  bankDb = connectDb(adminUrl().replace(/\/postgres$/, `/${bankDbName}`), { max: 10, applicationName: 'drill-bank' });
  simulator = createSimulatorApp({
    sql: bankDb,
    log,
    callbackSecret: stack.bankCallbackSecret,
    gatewayCallbackSecret: stack.gatewayCallbackSecret,
    faultHangMs: 15_000,
    settleDelayMs: 50,
    seed: 20261128,
  });
  await simulator.start();
  const port = await freePort();
  bankRoot = `http://127.0.0.1:${port}`;
  server = serve({ fetch: simulator.app.fetch, port, hostname: '127.0.0.1' }) as Server;
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection, dataConverter: temporalDataConverter(keyring) });
  worker = startWorker();
});

afterAll(async () => {
  await stopWorker('SIGTERM');
  await simulator?.stop();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server?.closeAllConnections();
  await connection?.close();
  await bankDb?.end({ timeout: 5 });
  await sql?.end({ timeout: 5 });
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${bankDbName} with (force)`);
  await admin.end();
});

/** A borrower registered over the API with a loan whose workflow runs on the drill's task queue. */
async function drillLoan(): Promise<{ loanId: string; token: string }> {
  const borrower = await api.registerBorrower({ profileDigit: 1 });
  const session = await api.login(borrower.phone, borrower.password);
  const product = (await productForLoanType(sql, 'PERSONAL_CONSUMER'))!;
  const application = {
    loanType: 'PERSONAL_CONSUMER' as const,
    amount: '6000.00',
    termCount: 6,
    method: 'EQUAL_INSTALLMENT' as const,
    frequency: 'MONTHLY' as const,
    purpose: '购买家电',
    applicant: { name: borrower.name, idNumber: borrower.idNumber, phone: borrower.phone, monthlyIncome: '16000.00' },
    bankAccount: { cardNumber: makeCardNumber(), bankName: '中国建设银行' },
    consent: { creditQuery: true, dataProcessing: true, creditReporting: true, textVersion: 'consent-2026-01' },
  };
  const loanId = newLoanId(new Date());
  const args = {
    loanId,
    borrowerId: borrower.userId,
    channel: 'ONLINE' as const,
    product,
    application,
    annualRate: product.defaultRate,
  };
  const input = loanWorkflowInput({ ...args, borrowerHash: borrowerHash(keyring, borrower.idNumber) });
  await insertLoanApplication(sql, cipher, {
    ...args,
    createdBy: borrower.userId,
    viewFields: initialViewFields(input),
  });
  await startLoanWorkflow(client, taskQueue, input, TIME_ZONE);
  await api.uploadRequiredDocuments(session.token, loanId, product.requiredDocuments);
  await waitForStatus(loanId, ['AWAITING_SIGNATURE'], 120_000);
  return { loanId, token: session.token };
}

/** The loans projection: readable while the drill's worker is down, unlike a workflow query. */
async function waitForStatus(loanId: string, statuses: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const [row] = await sql<{ status: string }[]>`select status from loans where id = ${loanId}`;
    last = row?.status ?? '';
    if (statuses.includes(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`loan ${loanId} did not reach ${statuses.join('/')}; it is ${last}`);
}

async function bankTransfers(loanId: string) {
  return bankDb<{ idempotency_key: string; status: string; amount: string }[]>`
    select idempotency_key, status, amount from bank_payments where kind = 'TRANSFER' and reference = ${loanId}`;
}

async function disbursementEntries(loanId: string) {
  return sql<
    { business_key: string; external_ref: string }[]
  >`select business_key, external_ref from journal_entries where loan_id = ${loanId} and kind = 'DISBURSEMENT'`;
}

describe('disbursement drills', () => {
  it(
    'pays every loan exactly once while the bank fails 30% of calls and times out on 10%',
    { timeout: 400_000 },
    async () => {
      const loans = await Promise.all([drillLoan(), drillLoan(), drillLoan(), drillLoan()]);
      simulator.faults.update({ bank: { failureRate: 0.3, timeoutRate: 0.1, latencyMs: 0 } });
      try {
        for (const { loanId, token } of loans) await api.signContract(token, loanId);
        for (const { loanId } of loans)
          expect(await waitForStatus(loanId, ['ACTIVE', 'DISBURSEMENT_FAILED'], 300_000)).toBe('ACTIVE');
        const stats = simulator.faults.stats();
        expect(stats.bank.failures + stats.bank.timeoutsBeforeCommit + stats.bank.timeoutsAfterCommit).toBeGreaterThan(
          0,
        );
      } finally {
        simulator.faults.update({ bank: { failureRate: 0, timeoutRate: 0, latencyMs: 0 } });
      }
      for (const { loanId } of loans) {
        const transfers = await bankTransfers(loanId);
        expect(transfers).toEqual([
          { idempotency_key: `loan:${loanId}:disbursement`, status: 'SUCCEEDED', amount: '6000.00' },
        ]);
        expect(await disbursementEntries(loanId)).toEqual([
          { business_key: `loan:${loanId}:disbursement`, external_ref: `loan:${loanId}:disbursement` },
        ]);
      }
      expect(
        await findingsFor(
          sql,
          `${bankRoot}/bank`,
          loans.map((l) => l.loanId),
        ),
      ).toEqual([]);
    },
  );

  it(
    'does not pay twice when the worker is killed with SIGKILL during the payout and restarted',
    { timeout: 300_000 },
    async () => {
      const { loanId, token } = await drillLoan();
      // A slow bank keeps the transfer call in flight long enough to kill the worker inside it.
      simulator.faults.update({ bank: { failureRate: 0, timeoutRate: 0, latencyMs: 3_000 } });
      try {
        await api.signContract(token, loanId);
        const handle = client.workflow.getHandle(loanId);
        const deadline = Date.now() + 60_000;
        for (;;) {
          const history = await handle.fetchHistory();
          const started = (history.events ?? []).some(
            (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startDisbursement',
          );
          if (started) break;
          if (Date.now() > deadline) throw new Error('the disbursement never started');
          await new Promise((r) => setTimeout(r, 100));
        }
        await new Promise((r) => setTimeout(r, 1_000));
        await stopWorker('SIGKILL');
        worker = startWorker();
        expect(await waitForStatus(loanId, ['ACTIVE', 'DISBURSEMENT_FAILED'], 240_000)).toBe('ACTIVE');
      } finally {
        simulator.faults.update({ bank: { failureRate: 0, timeoutRate: 0, latencyMs: 0 } });
      }
      expect(await bankTransfers(loanId)).toEqual([
        { idempotency_key: `loan:${loanId}:disbursement`, status: 'SUCCEEDED', amount: '6000.00' },
      ]);
      expect(await disbursementEntries(loanId)).toHaveLength(1);
      expect(await findingsFor(sql, `${bankRoot}/bank`, [loanId])).toEqual([]);
    },
  );
});
