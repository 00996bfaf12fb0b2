// The bank simulator fails and times out a share of requests (some timeouts after the transfer
// was made, so only its idempotency key stops a second one) while a batch goes from application
// to payoff; two borrowers' cards are frozen, so their payouts fail for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicants } from '../../drivers/identities.js';
import { makeCardNumber } from '../../drivers/identities.js';
import { expectRightEnd, runAll, seededRandom } from './checks.js';
import { startDrillStack, type DrillStack } from './harness.js';
import { runLifecycle, type Expected } from './lifecycle.js';

const LOANS = 8;
const FROZEN = new Set([2, 5]);

let d: DrillStack;

beforeAll(async () => {
  // A hung request is held past the bank client's 10 s timeout, not the default 30 s.
  d = await startDrillStack({ env: { SIM_HANG_MS: '12000' } });
});

afterAll(async () => {
  await d?.stop();
});

describe('bank failing and timing out', () => {
  it('payouts and payments happen once; frozen cards end DISBURSEMENT_FAILED with nothing booked; reconciliation is clean', async () => {
    const random = seededRandom();
    await d.admin.setFaults({
      bank: { failureRate: 0.3, timeoutRate: 0.25 },
      seed: Math.floor(random.next() * 2 ** 31),
    });
    const person = applicants();
    const plan = Array.from({ length: LOANS }, (_, i) => {
      const frozen = FROZEN.has(i);
      const expected: Expected = frozen ? 'DISBURSEMENT_FAILED' : 'PAID_OFF';
      return { applicant: frozen ? { ...person(i), cardNumber: makeCardNumber('4444') } : person(i), expected };
    });
    const outcomes = await runAll(plan.map((p) => () => runLifecycle(d, p.applicant, p.expected, 420_000))).catch(
      (err: unknown) => {
        throw new Error(`seed ${random.seed}: ${String(err)}\n${d.logs.slice(-30).join('\n')}`);
      },
    );
    const stats = await d.admin.faultStats();
    await d.admin.clearFaults();

    expect(stats.bank.failures, 'no bank request failed: the drill proved nothing').toBeGreaterThan(0);
    expect(
      stats.bank.timeoutsBeforeCommit + stats.bank.timeoutsAfterCommit,
      'no bank request timed out',
    ).toBeGreaterThan(0);
    await expectRightEnd(d, outcomes);
  });
});
