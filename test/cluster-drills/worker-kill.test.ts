// On the production shape (two worker processes, the Temporal server on PostgreSQL): one worker
// process is killed with SIGKILL again and again mid-batch while the other carries on. Workflow
// and activity tasks move to the surviving worker; every loan ends PAID_OFF, paid out once and
// collected once, and reconciliation is clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../drills/harness.js';
import { workerKilledMidBatch } from '../drills/scenarios.js';

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack({ cluster: true });
});

afterAll(async () => {
  await d?.stop();
});

describe('one of two worker processes killed with SIGKILL mid-batch on the cluster', () => {
  it('the other carries on: every loan ends PAID_OFF, paid out once and collected once', async () => {
    const survivor = d.stack.services.get('worker-2')!;
    const survivorPid = survivor.child.pid;
    await workerKilledMidBatch(d, {
      kills: 4,
      beforeEndChecks: () => {
        expect(survivor.child.pid, 'the second worker process was never restarted').toBe(survivorPid);
        expect(d.crashes, JSON.stringify(d.crashes)).toEqual([]);
      },
    });
  });
});
