// Driving bare baseline workflows from the bench: N lifecycles at a given concurrency.
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { runTimeMs } from './history.js';
import { pool } from './pool.js';

export interface BareRun {
  count: number;
  seconds: number;
  perSecond: number;
  /** Server time from start to close of each workflow, ms (as the loans' figures are server times). */
  latencies: number[];
  errors: number;
}

export async function runBareLifecycles(
  client: Client,
  taskQueue: string,
  count: number,
  concurrency: number,
  batches: number[],
): Promise<BareRun> {
  const started = Date.now();
  const { results: ids, errors } = await pool(count, concurrency, async () => {
    const handle = await client.workflow.start('bareLifecycle', {
      taskQueue,
      workflowId: `bare-${randomUUID()}`,
      args: [{ batches }],
    });
    await handle.result();
    return handle.workflowId;
  });
  const seconds = (Date.now() - started) / 1000;
  const latencies = (await pool(ids.length, 8, (i) => runTimeMs(client, ids[i]!))).results;
  return { count, seconds, perSecond: ids.length / seconds, latencies, errors: errors.length };
}
