import { condition, patched, workflowInfo } from '@temporalio/workflow';
import type { LoanContext } from './context.js';
import { PATCHES } from './patches.js';

export type WaitOutcome = 'READY' | 'WITHDRAWN' | 'TIMEOUT';

/** Waits for `ready`, for the borrower to withdraw, or for the timeout, whichever comes first. */
export async function waitUntil(ctx: LoanContext, ready: () => boolean, timeoutMs?: number): Promise<WaitOutcome> {
  const done = () => ready() || ctx.withdrawal !== undefined;
  const inTime =
    timeoutMs === undefined ? (await condition(done), true) : await condition(done, Math.max(1, timeoutMs));
  if (ctx.withdrawal) return 'WITHDRAWN';
  return inTime ? 'READY' : 'TIMEOUT';
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A run that has grown this long continues as new at its next safe point. */
export const MAX_EVENTS_PER_RUN = 1_500;

export function historyFull(): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= MAX_EVENTS_PER_RUN;
}

const FIRST_POLL_MS = 30_000;
const LONGEST_POLL_MS = 30 * 60_000;

/**
 * The wait before poll number `n` (0-based) of something outside the loan (the pause switch, a
 * transfer the bank has not finished): 30 s doubling to 30 min, so a week-long wait costs a few
 * hundred events. Loans whose histories polled at the old fixed interval keep it.
 */
export function pollDelay(n: number, fixedBefore: number): number {
  if (!patched(PATCHES.BACKED_OFF_POLLS)) return fixedBefore;
  return Math.min(FIRST_POLL_MS * 2 ** Math.min(n, 16), LONGEST_POLL_MS);
}
