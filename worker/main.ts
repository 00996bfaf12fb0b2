// Production entry point of the worker: connects to Temporal and PostgreSQL and starts nothing else.
import { NativeConnection } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../lib/logger.js';
import { exitWhenParentDies } from '../lib/managed-process.js';
import { createBankClient } from '../partners/bank-client.js';
import { createBureauClient } from '../partners/bureau-client.js';
import { createNotifyClient } from '../partners/notify-client.js';
import { createFieldCipher } from '../security/field-crypto.js';
import { loadKeyring } from '../security/keyring.js';
import { temporalDataConverter } from '../security/payload-codec.js';
import { createLoanWorker } from './create-worker.js';
import { logTemporalThroughPino } from './temporal-logging.js';
import { startWebhookDeliverer } from './webhook-deliverer.js';

async function main() {
  const config = loadConfig();
  for (const setting of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'BANK_URL', 'BUREAU_URL', 'NOTIFY_URL'] as const) {
    if (!config[setting]) throw new ConfigError(setting, 'must be set for the worker');
  }
  if (config.WORKFLOW_BUNDLE_PATH && !existsSync(config.WORKFLOW_BUNDLE_PATH)) {
    throw new ConfigError(
      'WORKFLOW_BUNDLE_PATH',
      `names no file (${config.WORKFLOW_BUNDLE_PATH}); build it with npm run build:workflows`,
    );
  }
  const log = createLogger('worker', config.LOG_LEVEL);
  logTemporalThroughPino(log);
  const keyring = loadKeyring(config);
  const cipher = createFieldCipher(keyring);
  const sql = connectDb(config.DATABASE_URL!, { max: 20, applicationName: 'microloan-worker' });
  await migrate(sql);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! }).catch((err: Error) => {
    throw new ConfigError('TEMPORAL_ADDRESS', `cannot be reached (${config.TEMPORAL_ADDRESS}): ${err.message}`);
  });
  const worker = await createLoanWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    // Payloads the codec did not encrypt never reach workflow code (security/payload-codec.ts).
    dataConverter: temporalDataConverter(keyring, { refuseUnencrypted: !config.TEMPORAL_ACCEPT_UNSEALED_PAYLOADS }),
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
    deps: {
      config,
      sql,
      log,
      keyring,
      cipher,
      bank: createBankClient({ baseUrl: config.BANK_URL!, log, timeoutMs: 10_000 }),
      bureau: createBureauClient({ baseUrl: config.BUREAU_URL!, log, timeoutMs: 10_000 }),
      notify: createNotifyClient({ baseUrl: config.NOTIFY_URL!, log, timeoutMs: 10_000 }),
    },
  });
  const webhooks = startWebhookDeliverer({ sql, cipher, log, mode: config.APP_MODE });
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (config.TEMPORAL_ACCEPT_UNSEALED_PAYLOADS)
    log.warn(
      'TEMPORAL_ACCEPT_UNSEALED_PAYLOADS is on: payloads the codec did not encrypt are decoded (local debugging)',
    );
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker started');
  await worker.run();
  await webhooks.stop();
  await connection.close();
  await sql.end({ timeout: 5 });
  log.info('worker stopped');
}

exitWhenParentDies();
main().catch((err) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : `Worker failed: ${err instanceof Error ? err.message : String(err)}`}\n`,
  );
  process.exit(1);
});
