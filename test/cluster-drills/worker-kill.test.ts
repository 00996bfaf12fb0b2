// On the production shape (two worker processes, the Temporal server on PostgreSQL): one worker
// process is killed with SIGKILL again and again mid-batch while the other carries on. Workflow
// and activity tasks move to the surviving worker; every loan ends PAID_OFF, paid out once and
// collected once, and reconciliation is clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicants } from '../../drivers/identities.js';
import { expectRightEnd, runAll, seededRandom } from '../drills/checks.js';
import { startDrillStack, type DrillStack } from '../drills/harness.js';
import { runLifecycle, type Outcome } from '../drills/lifecycle.js';

const LOANS = 8;
const KILLS = 4;

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack({ cluster: true });
});

afterAll(async () => {
  await d?.stop();
});

describe('one of two worker processes killed with SIGKILL mid-batch on the cluster', () => {
  it('the other carries on: every loan ends PAID_OFF, paid out once and collected once', async () => {
    const random = seededRandom();
    const person = applicants();
    const survivor = d.stack.services.get('worker-2')!;
    const survivorPid = survivor.child.pid;
    let done = false;
    const lifecycles = runAll(
      Array.from({ length: LOANS }, (_, i) => () => runLifecycle(d, person(i), 'PAID_OFF', 300_000)),
    ).finally(() => {
      done = true;
    });
    const kills: number[] = [];
    const started = Date.now();
    for (let k = 0; k < KILLS && !done; k++) {
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
    expect(survivor.child.pid, 'the second worker process was never restarted').toBe(survivorPid);
    expect(d.crashes, JSON.stringify(d.crashes)).toEqual([]);
    await expectRightEnd(d, outcomes);
  });
});
