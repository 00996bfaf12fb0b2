// Phase 5: pay out once through the bank. The idempotency key is made from business ids, so
// a retried activity, a restarted worker or a replayed workflow can never pay twice.
import { condition, patched, sleep } from '@temporalio/workflow';
import { disbursementEntry } from '../domain/ledger.js';
import { partners, records } from './activity-proxies.js';
import { changeStatus, record, today, type LoanContext } from './context.js';
import type { Actor, BankResult } from './definitions.js';
import { PATCHES } from './patches.js';
import type { DisbursementRecord } from './state.js';

export type DisbursementOutcome = 'DISBURSED' | 'FAILED';

const POLL_INTERVAL = '30 seconds';

export function disbursementKey(loanId: string, attempt: number): string {
  return attempt === 1 ? `loan:${loanId}:disbursement` : `loan:${loanId}:disbursement:retry-${attempt - 1}`;
}

/** Bank results that arrived by callback, by idempotency key. */
export type BankResults = Map<string, BankResult>;

export async function disburse(ctx: LoanContext, results: BankResults, requestedBy?: Actor): Promise<DisbursementOutcome> {
  await changeStatus(ctx, 'DISBURSING', { actor: requestedBy });
  let noticedPause = false;
  while (await records.isDisbursementPaused()) {
    if (!noticedPause) {
      await record(ctx, 'DISBURSEMENT_PAUSED', { zh: '放款已被暂停，恢复后自动继续', en: 'Disbursements are paused; this loan continues when they resume' });
      noticedPause = true;
    }
    await sleep('1 minute');
  }

  const offer = ctx.view.offer!;
  const attempt: DisbursementRecord = {
    attempt: ctx.view.disbursements.length + 1,
    idempotencyKey: disbursementKey(ctx.view.loanId, ctx.view.disbursements.length + 1),
    status: 'PENDING',
    amount: offer.netDisbursement,
  };
  ctx.view.disbursements.push(attempt);
  const started = await partners.startDisbursement({ loanId: ctx.view.loanId, idempotencyKey: attempt.idempotencyKey, amount: attempt.amount });
  attempt.transferId = started.transferId;
  if (started.status !== 'PENDING') results.set(attempt.idempotencyKey, started);

  // The bank's signed callback usually arrives first; polling covers a lost callback.
  while (attempt.status === 'PENDING') {
    const called = await condition(() => results.has(attempt.idempotencyKey), POLL_INTERVAL);
    const result = called ? results.get(attempt.idempotencyKey)! : await partners.checkTransfer({ idempotencyKey: attempt.idempotencyKey });
    if (result) {
      attempt.status = result.status;
      attempt.failureReason = result.failureReason;
    }
  }

  if (attempt.status === 'FAILED') {
    await changeStatus(ctx, 'DISBURSEMENT_FAILED', {
      reason: { zh: `银行退回：${attempt.failureReason ?? '未知原因'}`, en: `Rejected by the bank: ${attempt.failureReason ?? 'unknown reason'}` },
    });
    return 'FAILED';
  }
  attempt.disbursedOn = today(ctx);
  if (patched(PATCHES.POST_DISBURSEMENT_TO_LEDGER)) {
    // The money left: principal receivable, the bank paid the net amount, the upfront fee earned.
    await records.postJournal([
      disbursementEntry({ loanId: ctx.view.loanId, principal: offer.amount, upfrontFee: offer.upfrontFee, disbursedOn: attempt.disbursedOn, transferKey: attempt.idempotencyKey }),
    ]);
  }
  return 'DISBURSED';
}
