import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FAILURE_CONVERTER_PATH } from '../security/payload-codec.js';
import { bundlerOptions } from './bundler-options.js';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from './create-worker.js';

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Bundles the loan workflows into one file. The worker loads it instead of running webpack at start,
 * which keeps webpack's memory out of the long-lived worker process.
 */
export async function writeWorkflowBundle(outPath: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    ...bundlerOptions,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: silent,
  });
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, code);
}
