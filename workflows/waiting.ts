import { condition } from '@temporalio/workflow';
import type { LoanContext } from './context.js';

export type WaitOutcome = 'READY' | 'WITHDRAWN' | 'TIMEOUT';

/** Waits for `ready`, for the borrower to withdraw, or for the timeout, whichever comes first. */
export async function waitUntil(ctx: LoanContext, ready: () => boolean, timeoutMs?: number): Promise<WaitOutcome> {
  const done = () => ready() || ctx.withdrawal !== undefined;
  const inTime = timeoutMs === undefined ? (await condition(done), true) : await condition(done, Math.max(1, timeoutMs));
  if (ctx.withdrawal) return 'WITHDRAWN';
  return inTime ? 'READY' : 'TIMEOUT';
}

export const DAY_MS = 24 * 60 * 60 * 1000;
