// On the production shape: the Temporal server process (frontend, history, matching and worker
// services; its PostgreSQL stays up) is stopped mid-batch and started again. The history shards are
// taken up again from the database; the API never answers 500 meanwhile (503 while the server is
// away); every loan carries on to PAID_OFF with a clean reconciliation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrillStack, type DrillStack } from '../drills/harness.js';
import { temporalRestartedMidBatch } from '../drills/scenarios.js';

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack({ cluster: true });
});

afterAll(async () => {
  await d?.stop();
});

describe('Temporal server (history service included) restarted mid-run on the cluster', () => {
  it('never answers 500 while it is down, and every loan still ends PAID_OFF once with a clean reconciliation', async () => {
    const serverBefore = d.stack.temporalCluster!.server.child.pid;
    await temporalRestartedMidBatch(d, {
      downMs: 8_000,
      afterRestart: () => expect(d.stack.temporalCluster!.server.child.pid).not.toBe(serverBefore),
    });
  });
});
