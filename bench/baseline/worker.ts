// The bare baseline's worker, run as its own process (so its memory is its own, like the loan
// worker's): BARE_TASK_QUEUE on TEMPORAL_ADDRESS, the same cache and concurrency settings as
// worker/create-worker.ts, and the same data converter when BARE_ENCRYPT=1. With BARE_BUNDLE_PATH
// it loads a workflow bundle built elsewhere instead of bundling at start.
import { NativeConnection, Worker } from '@temporalio/worker';
import { exitWhenParentDies } from '../../lib/managed-process.js';
import { loadConfig } from '../../config/index.js';
import { loadKeyring } from '../../security/keyring.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { bundlerOptions } from '../../worker/bundler-options.js';
import * as activities from './activities.js';
import { BARE_WORKFLOWS_PATH } from './paths.js';

async function main() {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.BARE_TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and BARE_TASK_QUEUE must be set');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    ...(process.env.BARE_BUNDLE_PATH
      ? { workflowBundle: { codePath: process.env.BARE_BUNDLE_PATH } }
      : { workflowsPath: BARE_WORKFLOWS_PATH, bundlerOptions }),
    activities,
    ...(process.env.BARE_ENCRYPT === '1' ? { dataConverter: temporalDataConverter(loadKeyring(loadConfig())) } : {}),
    maxConcurrentActivityTaskExecutions: 100,
    maxCachedWorkflows: 100,
  });
  process.once('SIGINT', () => worker.shutdown());
  process.once('SIGTERM', () => worker.shutdown());
  console.log(`bare worker ready on ${taskQueue}`);
  await worker.run();
  await connection.close();
}

exitWhenParentDies();
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
