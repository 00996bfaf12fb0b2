// Phase 5: pay out once through the bank. The idempotency key is made from business ids, so
// a retried activity, a restarted worker or a replayed workflow can never pay twice.
import { condition, patched, sleep } from '@temporalio/workflow';
import { disbursementEntry } from '../domain/ledger.js';
import { partners, records } from './activity-proxies.js';
import { changeStatus, record, today, type LoanContext } from './context.js';
import type { Actor, BankResult } from '../contracts/messages.js';
import { PATCHES } from './patches.js';
import type { DisbursementRecord } from '../contracts/loan-view.js';
import { historyFull, pollDelay } from './waiting.js';

/** DISBURSED; FAILED (the bank refused; ops may retry); CONTINUE (this run is long: continue as new and carry on). */
export type DisbursementOutcome = 'DISBURSED' | 'FAILED' | 'CONTINUE';

const PAUSE_POLL_BEFORE_BACKOFF = 60_000;
const TRANSFER_POLL_BEFORE_BACKOFF = 30_000;

export function disbursementKey(loanId: string, attempt: number): string {
  return attempt === 1 ? `loan:${loanId}:disbursement` : `loan:${loanId}:disbursement:retry-${attempt - 1}`;
}

/** Bank results that arrived by callback, by idempotency key. */
export type BankResults = Map<string, BankResult>;

/** True when this run should hand over to a new one before waiting more. */
function timeToContinue(): boolean {
  return historyFull() && patched(PATCHES.ORIGINATION_CONTINUE_AS_NEW);
}

/** The attempt a previous run left waiting on the bank, if any. */
function attemptInFlight(ctx: LoanContext): DisbursementRecord | undefined {
  const last = ctx.view.disbursements.at(-1);
  return last?.status === 'PENDING' && last.transferId !== undefined ? last : undefined;
}

/**
 * The bank's own answer for the attempt (PATCHES.PAYOUT_ACCOUNT_VERIFIED). A callback is only a hint:
 * one naming another transfer is dropped, and any other is confirmed with the bank by key, so a forged
 * FAILED for a transfer that was paid can never let the loan be cancelled with money gone.
 */
async function confirmedResult(
  attempt: DisbursementRecord,
  results: BankResults,
  called: boolean,
): Promise<BankResult | null> {
  const key = attempt.idempotencyKey;
  if (called) {
    const signalled = results.get(key)!;
    results.delete(key);
    if (signalled.transferId !== attempt.transferId) return null;
  }
  return partners.checkTransfer({ idempotencyKey: key });
}

/**
 * Pays out, or goes on waiting for a payout a previous run started (`resumed`: this run continued
 * as new from a long wait, so the loan is already DISBURSING and the pause already noted).
 */
export async function disburse(
  ctx: LoanContext,
  results: BankResults,
  requestedBy?: Actor,
  resumed = false,
  confirmWithBank = false,
): Promise<DisbursementOutcome> {
  if (!resumed) await changeStatus(ctx, 'DISBURSING', { actor: requestedBy });
  let attempt = resumed ? attemptInFlight(ctx) : undefined;
  if (!attempt) {
    let noticedPause = resumed;
    for (let polls = 0; await records.isDisbursementPaused(); polls += 1) {
      if (!noticedPause) {
        await record(ctx, 'DISBURSEMENT_PAUSED', {
          zh: '放款已被暂停，恢复后自动继续',
          en: 'Disbursements are paused; this loan continues when they resume',
        });
        noticedPause = true;
      }
      if (timeToContinue()) return 'CONTINUE';
      await sleep(pollDelay(polls, PAUSE_POLL_BEFORE_BACKOFF));
    }
    const offer = ctx.view.offer!;
    attempt = {
      attempt: ctx.view.disbursements.length + 1,
      idempotencyKey: disbursementKey(ctx.view.loanId, ctx.view.disbursements.length + 1),
      status: 'PENDING',
      amount: offer.netDisbursement,
    };
    ctx.view.disbursements.push(attempt);
    const started = await partners.startDisbursement({
      loanId: ctx.view.loanId,
      idempotencyKey: attempt.idempotencyKey,
      amount: attempt.amount,
    });
    attempt.transferId = started.transferId;
    if (started.status !== 'PENDING') results.set(attempt.idempotencyKey, started);
  }

  // The bank's signed callback usually arrives first; polling covers a lost callback.
  for (let polls = 0; attempt.status === 'PENDING'; polls += 1) {
    const key = attempt.idempotencyKey;
    const called = await condition(() => results.has(key), pollDelay(polls, TRANSFER_POLL_BEFORE_BACKOFF));
    const result = confirmWithBank
      ? await confirmedResult(attempt, results, called)
      : called
        ? results.get(key)!
        : await partners.checkTransfer({ idempotencyKey: key });
    if (result) {
      attempt.status = result.status;
      attempt.failureReason = result.failureReason;
    } else if (timeToContinue()) {
      return 'CONTINUE';
    }
  }

  if (attempt.status === 'FAILED') {
    await changeStatus(ctx, 'DISBURSEMENT_FAILED', {
      reason: {
        zh: `银行退回：${attempt.failureReason ?? '未知原因'}`,
        en: `Rejected by the bank: ${attempt.failureReason ?? 'unknown reason'}`,
      },
    });
    return 'FAILED';
  }
  attempt.disbursedOn = today(ctx);
  if (patched(PATCHES.POST_DISBURSEMENT_TO_LEDGER)) {
    const offer = ctx.view.offer!;
    // The money left: principal receivable, the bank paid the net amount, the upfront fee earned.
    await records.postJournal([
      disbursementEntry({
        loanId: ctx.view.loanId,
        principal: offer.amount,
        upfrontFee: offer.upfrontFee,
        disbursedOn: attempt.disbursedOn,
        transferKey: attempt.idempotencyKey,
      }),
    ]);
  }
  return 'DISBURSED';
}
