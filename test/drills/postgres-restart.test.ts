// PostgreSQL (ours and the simulators') is stopped mid-batch and started again. While it is
// down the API answers 503 — never 500 — and afterwards every loan carries on to its end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicants } from '../../drivers/identities.js';
import { applicationBody } from '../../drivers/origination.js';
import { expectRightEnd, runAll, seededRandom } from './checks.js';
import { startDrillStack, type DrillStack } from './harness.js';
import { runLifecycle } from './lifecycle.js';
import { apiProbes, internalErrors, probeWhile } from './probes.js';

const LOANS = 8;
const DOWN_MS = 8_000;

let d: DrillStack;

beforeAll(async () => {
  d = await startDrillStack({ ownPostgres: true });
});

afterAll(async () => {
  await d?.stop();
});

describe('PostgreSQL restarted mid-run', () => {
  it('answers 503 while it is down, and every loan still ends PAID_OFF once with a clean reconciliation', async () => {
    const random = seededRandom();
    const person = applicants();
    const officer = await d.api.login('loan_officer');
    const probeLoan = await d.api.call<{ loanId: string }>('POST', '/v1/applications', {
      token: officer.token,
      body: applicationBody(person(100)),
    });

    const lifecycles = runAll(
      Array.from({ length: LOANS }, (_, i) => () => runLifecycle(d, person(i), 'PAID_OFF', 420_000)),
    );
    lifecycles.catch(() => {});
    await new Promise((r) => setTimeout(r, 1_500 + random.next() * 4_000));
    let seen: Record<string, number[]> = {};
    await d.restartPostgres(async () => {
      const down = new Promise((r) => setTimeout(r, DOWN_MS));
      seen = await probeWhile(apiProbes(d, officer.token, probeLoan.loanId), down);
    });
    const outcomes = await lifecycles.catch((err: unknown) => {
      throw new Error(
        `seed ${random.seed}: ${String(err)}\n${d.logs
          .filter((l) => !l.startsWith('[postgres]'))
          .slice(-30)
          .join('\n')}`,
      );
    });

    if (d.crashes.length)
      console.warn(
        `services that crashed while PostgreSQL restarted (started again by the stack's supervision, ops/stack.ts): ${JSON.stringify(d.crashes, null, 1)}`,
      );
    const all = Object.values(seen).flat();
    expect(
      all.filter((s) => s >= 500 && s !== 503),
      JSON.stringify(seen),
    ).toEqual([]);
    expect(seen['GET /v1/loans/{id}'], JSON.stringify(seen)).toContain(503);
    expect(seen['POST /v1/auth/login'], JSON.stringify(seen)).toContain(503);
    expect(seen['GET /readyz'], JSON.stringify(seen)).toContain(503);
    expect(internalErrors(d)).toEqual([]);
    await expectRightEnd(d, outcomes);
  });
});
