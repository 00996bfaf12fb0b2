// The drills' scenarios, each run on the dev-server stack (test/drills) and on the production shape
// (test/cluster-drills): the same batch of loans, the same fault, the same checks of their end.
import { expect } from 'vitest';
import { applicants } from '../../drivers/identities.js';
import { applicationBody } from '../../drivers/origination.js';
import { expectRightEnd, runAll, seededRandom } from './checks.js';
import type { DrillStack } from './harness.js';
import { runLifecycle, type Outcome } from './lifecycle.js';
import { apiProbes, internalErrors, probeWhile } from './probes.js';

const LOANS = 8;

/**
 * The worker is SIGKILLed at random points (up to `kills` times) while the batch goes from
 * application to payoff; every loan ends PAID_OFF, paid out once and collected once.
 * `beforeEndChecks` runs once the batch is through, before the money is checked.
 */
export async function workerKilledMidBatch(
  d: DrillStack,
  options: { kills: number; beforeEndChecks?: () => void },
): Promise<void> {
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
  for (let k = 0; k < options.kills && !done; k++) {
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
  options.beforeEndChecks?.();
  await expectRightEnd(d, outcomes);
}

/**
 * Temporal is stopped mid-batch for `downMs` and started again (d.restartTemporal): the API never
 * answers 500 meanwhile (503 while it is away) and every loan still ends PAID_OFF once with a clean
 * reconciliation. `afterRestart` runs once Temporal is back.
 */
export async function temporalRestartedMidBatch(
  d: DrillStack,
  options: { downMs: number; afterRestart?: () => void },
): Promise<void> {
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
  await d.restartTemporal(async () => {
    const down = new Promise((r) => setTimeout(r, options.downMs));
    seen = await probeWhile(apiProbes(d, officer.token, probeLoan.loanId, 30_000), down);
  });
  options.afterRestart?.();
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
      `services that crashed while Temporal restarted (started again by the stack's supervision, ops/stack.ts): ${JSON.stringify(d.crashes, null, 1)}`,
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
}
