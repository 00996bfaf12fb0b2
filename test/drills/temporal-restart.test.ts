// The Temporal server is stopped mid-batch and started again on the same SQLite file. Workflows,
// timers and pending activities survive it; the API never answers 500 meanwhile (its Temporal
// calls have deadlines, so it answers 503 while the server is away); every loan carries on to its
// end.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startDrillStack, type DrillStack } from './harness.js';
import { temporalRestartedMidBatch } from './scenarios.js';

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack({ ownTemporal: true });
});

afterAll(async () => {
  await d?.stop();
});

describe('Temporal server restarted mid-run', () => {
  it('never answers 500 while it is down, and every loan still ends PAID_OFF once with a clean reconciliation', async () => {
    await temporalRestartedMidBatch(d, { downMs: 8_000 });
  });
});
