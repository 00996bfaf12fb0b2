// Replays recorded loan histories against today's workflow code: a change that would make an
// existing loan's history non-deterministic fails here (guard it with patched()).
// Record afresh with RECORD_HISTORY=1 (writes test/workflow/histories/loan-3-installments.json).
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startLoanWorkflow } from '../../api/loan-workflows.js';
import { createLogger } from '../../lib/logger.js';
import { TIME_ZONE, createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';

const History = temporal.api.history.v1.History;
const HISTORIES = join(dirname(fileURLToPath(import.meta.url)), 'histories');

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

it.runIf(process.env.RECORD_HISTORY === '1')('records the history of a 3-installment loan from application to settlement', { timeout: 100_000 }, async () => {
  // No payload codec here, so the recorded payloads are plain JSON a replay can read.
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({
    connection: h.env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({
      config: { PUBLIC_API_URL: undefined, COMPANY_NAME: '示范小额贷款有限公司', BUSINESS_TIME_ZONE: TIME_ZONE },
      sql: h.sql,
      log: createLogger('record', 'silent'),
      keyring: h.keyring,
      cipher: h.cipher,
      bank: h.bank,
      bureau: h.bureau,
      notify: h.notify,
    }),
  });
  const client = new Client({ connection: h.env.connection });
  await worker.runUntil(async () => {
    const { input } = await h.seedLoan({ amount: '3000.00', termCount: 3, profileDigit: 1 });
    const handle = await startLoanWorkflow(client, taskQueue, input, TIME_ZONE);
    await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    // This plain client does not unlock time skipping while it waits, so move the clock past the last due date.
    await h.env.sleep(120 * 24 * 60 * 60 * 1000);
    expect((await handle.result()).status).toBe('PAID_OFF');
    const history = History.toObject(History.fromObject(await handle.fetchHistory()), { longs: String, enums: String, bytes: String });
    writeFileSync(join(HISTORIES, 'loan-3-installments.json'), `${JSON.stringify(history, null, 1)}\n`);
  });
});

it('replays every recorded loan history with the current workflow code', { timeout: 120_000 }, async () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const history = History.fromObject(JSON.parse(readFileSync(join(HISTORIES, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, `replay-${file}`);
  }
});
