// The worker is killed with SIGKILL at random points while a batch of loans goes from
// application to payoff, and started again each time. Workflows resume on the new worker;
// activities that were cut off run again with the same business keys, so nothing is paid out
// or collected twice.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startDrillStack, type DrillStack } from './harness.js';
import { workerKilledMidBatch } from './scenarios.js';

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack();
});

afterAll(async () => {
  await d?.stop();
});

describe('worker killed with SIGKILL mid-batch', () => {
  it('every loan ends PAID_OFF, paid out once and collected once, and reconciliation is clean', async () => {
    await workerKilledMidBatch(d, { kills: 4 });
  });
});
