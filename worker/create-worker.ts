import type { NativeConnection } from '@temporalio/worker';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import { createRequire } from 'node:module';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { messageRefusalSinks } from '../activities/message-refusals.js';
import { bundlerOptions } from './bundler-options.js';

const require = createRequire(import.meta.url);

/** Where the workflow bundle starts; webpack follows its imports. */
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');
/** The workflow's inbound interceptor that refuses messages the API did not seal; bundled with it. */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/message-checks.ts')];

export interface LoanWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /**
   * Encrypting codec and failure converter: security/payload-codec.ts temporalDataConverter, with
   * `refuseUnencrypted` outside local debugging.
   */
  dataConverter: DataConverter;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build one and share it); otherwise bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
  /** Workflows kept in memory between tasks (config WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
}

export function createLoanWorker(options: LoanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    sinks: messageRefusalSinks(options.deps),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : {
          workflowsPath: WORKFLOWS_PATH,
          bundlerOptions,
          interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
        }),
    dataConverter: options.dataConverter,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    maxCachedWorkflows: options.maxCachedWorkflows ?? 100,
  });
}
