// On the production shape: the Temporal server process (frontend, history, matching and worker
// services; its PostgreSQL stays up) is stopped mid-batch and started again. The history shards are
// taken up again from the database; the API never answers 500 meanwhile (503 while the server is
// away); every loan carries on to PAID_OFF with a clean reconciliation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicants } from '../../drivers/identities.js';
import { applicationBody } from '../../drivers/origination.js';
import { expectRightEnd, runAll, seededRandom } from '../drills/checks.js';
import { startDrillStack, type DrillStack } from '../drills/harness.js';
import { runLifecycle } from '../drills/lifecycle.js';
import { apiProbes, internalErrors, probeWhile } from '../drills/probes.js';

const LOANS = 8;
const DOWN_MS = 8_000;

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack({ cluster: true });
});

afterAll(async () => {
  await d?.stop();
});

describe('Temporal server (history service included) restarted mid-run on the cluster', () => {
  it('never answers 500 while it is down, and every loan still ends PAID_OFF once with a clean reconciliation', async () => {
    const random = seededRandom();
    const person = applicants();
    const officer = await d.api.login('loan_officer');
    const probeLoan = await d.api.call<{ loanId: string }>('POST', '/v1/applications', {
      token: officer.token,
      body: applicationBody(person(100)),
    });
    const serverBefore = d.stack.temporalCluster!.server.child.pid;

    const lifecycles = runAll(
      Array.from({ length: LOANS }, (_, i) => () => runLifecycle(d, person(i), 'PAID_OFF', 420_000)),
    );
    lifecycles.catch(() => {});
    await new Promise((r) => setTimeout(r, 1_500 + random.next() * 4_000));
    let seen: Record<string, number[]> = {};
    await d.restartTemporal(async () => {
      const down = new Promise((r) => setTimeout(r, DOWN_MS));
      seen = await probeWhile(apiProbes(d, officer.token, probeLoan.loanId, 30_000), down);
    });
    expect(d.stack.temporalCluster!.server.child.pid).not.toBe(serverBefore);
    const outcomes = await lifecycles.catch((err: unknown) => {
      throw new Error(
        `seed ${random.seed}: ${String(err)}\n${d.logs
          .filter((l) => !l.startsWith('[temporal]'))
          .slice(-30)
          .join('\n')}`,
      );
    });

    if (d.crashes.length)
      console.warn(
        `services that crashed while Temporal restarted (started again by the stack's supervision): ${JSON.stringify(d.crashes, null, 1)}`,
      );
    const all = Object.values(seen).flat();
    expect(
      all.filter((s) => s >= 500 && s !== 503),
      JSON.stringify(seen),
    ).toEqual([]);
    expect(
      seen['GET /v1/loans/{id}']!.filter((s) => s === 0),
      `no answer within 30 s: ${JSON.stringify(seen)}`,
    ).toEqual([]);
    expect(internalErrors(d)).toEqual([]);
    await expectRightEnd(d, outcomes);
  });
});
