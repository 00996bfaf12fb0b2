// The loan worker as worker/main.ts runs it — same workflows, activities, partners and data
// converter — with two settings it fixes made variable, for the worker-cache bench:
// WORKER_CACHE (maxCachedWorkflows; main uses 2,000) and WORKER_BUNDLE_PATH (a workflow bundle
// built beforehand instead of bundling at start).
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { loadConfig } from '../../config/index.js';
import { connectDb } from '../../db/client.js';
import { createLogger } from '../../lib/logger.js';
import { exitWhenParentDies } from '../../lib/managed-process.js';
import { createBankClient } from '../../partners/bank-client.js';
import { createBureauClient } from '../../partners/bureau-client.js';
import { createNotifyClient } from '../../partners/notify-client.js';
import { createFieldCipher } from '../../security/field-crypto.js';
import { loadKeyring } from '../../security/keyring.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { bundlerOptions } from '../../worker/bundler-options.js';
import { WORKFLOWS_PATH } from '../../worker/create-worker.js';

async function main() {
  const config = loadConfig();
  const log = createLogger('worker', config.LOG_LEVEL);
  const keyring = loadKeyring(config);
  const sql = connectDb(config.DATABASE_URL!, { max: 20, applicationName: 'microloan-worker-variant' });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
  const bundlePath = process.env.WORKER_BUNDLE_PATH;
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      config,
      sql,
      log,
      keyring,
      cipher: createFieldCipher(keyring),
      bank: createBankClient({ baseUrl: config.BANK_URL!, log, timeoutMs: 10_000 }),
      bureau: createBureauClient({ baseUrl: config.BUREAU_URL!, log, timeoutMs: 10_000 }),
      notify: createNotifyClient({ baseUrl: config.NOTIFY_URL!, log, timeoutMs: 10_000 }),
    }),
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions }),
    dataConverter: temporalDataConverter(keyring),
    maxConcurrentActivityTaskExecutions: 100,
    maxCachedWorkflows: Number(process.env.WORKER_CACHE ?? 2_000),
  });
  process.once('SIGINT', () => worker.shutdown());
  process.once('SIGTERM', () => worker.shutdown());
  console.log('variant worker ready');
  await worker.run();
  await connection.close();
  await sql.end({ timeout: 5 });
}

exitWhenParentDies();
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
