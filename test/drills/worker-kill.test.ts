// The worker is killed with SIGKILL at random points while a batch of loans goes from
// application to payoff, and started again each time. Workflows resume on the new worker;
// activities that were cut off run again with the same business keys, so nothing is paid out
// or collected twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicants } from '../../drivers/identities.js';
import { expectRightEnd, runAll, seededRandom } from './checks.js';
import { startDrillStack, type DrillStack } from './harness.js';
import { runLifecycle, type Outcome } from './lifecycle.js';

const LOANS = 8;
const KILLS = 4;

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack();
});

afterAll(async () => {
  await d?.stop();
});

describe('worker killed with SIGKILL mid-batch', () => {
  it('every loan ends PAID_OFF, paid out once and collected once, and reconciliation is clean', async () => {
    const random = seededRandom();
    const person = applicants();
    let done = false;
    const lifecycles = runAll(
      Array.from({ length: LOANS }, (_, i) => () => runLifecycle(d, person(i), 'PAID_OFF', 300_000)),
    ).finally(() => {
      done = true;
    });
    const kills: number[] = [];
    const started = Date.now();
    for (let k = 0; k < KILLS && !done; k++) {
      // The first kill comes early: on a quiet machine the whole batch takes only a few seconds.
      const pause = k === 0 ? 200 + random.next() * 1_300 : 500 + random.next() * 2_000;
      await new Promise((r) => setTimeout(r, pause));
      if (done) break;
      await d.killWorker();
      kills.push(Date.now() - started);
    }
    let outcomes: Outcome[];
    try {
      outcomes = await lifecycles;
    } catch (err) {
      throw new Error(
        `seed ${random.seed}, kills at ${kills.join(', ')} ms: ${String(err)}\n${d.logs.slice(-30).join('\n')}`,
      );
    }
    expect(kills.length, `the batch ended before the worker was killed (seed ${random.seed})`).toBeGreaterThan(0);
    await expectRightEnd(d, outcomes);
  });
});
