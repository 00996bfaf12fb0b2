// Bare workflows for the baselines: the same number of activities (and timers) as the loan
// workflow at the step being measured, with no business logic, no database and no partners.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities.js';

const { step } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

async function inBatches(batches: number[]): Promise<number> {
  let i = 0;
  for (const size of batches) await Promise.all(Array.from({ length: size }, () => step(i++)));
  return i;
}

/** Batches of activities, each batch in parallel, then done: the twin of an origination's activities. */
export async function bareLifecycle(args: { batches: number[] }): Promise<number> {
  return inBatches(args.batches);
}

/** The twin of a new application: the first steps, then asleep (for documents) for a day. */
export async function bareIntake(args: { batches: number[]; payload?: unknown }): Promise<void> {
  await inBatches(args.batches);
  await sleep('1 day');
}

/** The twin of an active loan asleep until its next due date. */
export async function bareSleeper(args: { batches: number[]; sleepMs: number }): Promise<void> {
  await inBatches(args.batches);
  await sleep(args.sleepMs);
}

/** The twin of one wave of an installment's work: asleep until `at` (epoch ms), then its activity batches. */
export async function bareWave(args: { at: number; batches: number[] }): Promise<number> {
  await sleep(Math.max(1, args.at - Date.now()));
  return inBatches(args.batches);
}
