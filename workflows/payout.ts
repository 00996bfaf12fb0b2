// Paying out to a verified account (PATCHES.PAYOUT_ACCOUNT_VERIFIED). The bank's four-element check
// (name, ID number, card, reserved phone) runs before any payout; a mismatch parks the loan in
// PAYOUT_ACCOUNT_INVALID with a borrower task. A refused transfer leaves it DISBURSEMENT_FAILED with
// finance and ops tasks carrying the bank's reason. From either the borrower gives another account
// (checked again before anything is paid to it) or cancels; from a failed payout ops retry, paying
// the account that is current and verified then.
import { condition } from '@temporalio/workflow';
import { partners, records } from './activity-proxies.js';
import { changeStatus, nowIso, record, type LoanContext } from './context.js';
import { disburse, type BankResults } from './disbursement.js';
import type { Actor, CancelInput } from '../contracts/messages.js';
import type { BilingualText } from '../domain/types.js';

/** An account the borrower gave, waiting for the main loop to have it checked. */
export interface AccountChangeRequest {
  accountId: string;
  by: Actor;
  outcome?: 'VERIFIED' | 'MISMATCH';
}

/** What the borrower asked for while the payout cannot go ahead. */
export interface PayoutRequests {
  /**
   * Set only where this loan runs the verified payout (patched PAYOUT_ACCOUNT_VERIFIED): a loan that
   * failed its payout before that deploy waits only for ops' retry, so its validators refuse changes and cancels.
   */
  enabled?: boolean;
  change?: AccountChangeRequest;
  cancel?: CancelInput;
}

/** Disbursement retries ops asked for, and how many of them the main loop has taken. */
export interface RetryRequests {
  requested: number;
  taken: number;
  by?: Actor;
}

export type PayoutOutcome = 'DISBURSED' | 'CONTINUE' | { cancelled: CancelInput };

const ELEMENT_TEXT: Record<string, BilingualText> = {
  cardNumber: { zh: '银行卡号', en: 'card number' },
  name: { zh: '姓名', en: 'name' },
  idNumber: { zh: '身份证号', en: 'ID number' },
  phone: { zh: '预留手机号', en: 'reserved phone' },
};

function mismatchText(mismatched: string[]): BilingualText {
  const names = mismatched.map((m) => ELEMENT_TEXT[m] ?? { zh: m, en: m });
  return {
    zh: `银行四要素验证未通过（${names.map((n) => n.zh).join('、') || '未说明'}不符），请更换收款账户或取消借款`,
    en: `The bank's four-element check failed (${names.map((n) => n.en).join(', ') || 'unspecified'} did not match); give another payout account or cancel`,
  };
}

/** Asks the bank to check the account (the application's, or the one the borrower gave) and notes the answer. */
async function checkAccount(ctx: LoanContext, change?: AccountChangeRequest): Promise<boolean> {
  const result = await partners.verifyPayoutAccount({
    loanId: ctx.view.loanId,
    ...(change ? { accountId: change.accountId } : {}),
  });
  const changes = (ctx.view.payoutAccount?.changes ?? 0) + (change ? 1 : 0);
  ctx.view.payoutAccount = {
    verification: result.match ? 'VERIFIED' : 'MISMATCH',
    mismatched: result.mismatched,
    ...(change ? { accountId: change.accountId } : {}),
    checkedAt: nowIso(),
    changes,
  };
  return result.match;
}

/** Checks the account the borrower gave, records the answer and answers the update waiting on it. */
async function takeChange(ctx: LoanContext, requests: PayoutRequests): Promise<boolean> {
  const change = requests.change!;
  const match = await checkAccount(ctx, change);
  await record(
    ctx,
    match ? 'PAYOUT_ACCOUNT_CHANGED' : 'PAYOUT_ACCOUNT_REJECTED',
    match
      ? {
          zh: '借款人更换收款账户，银行四要素验证通过',
          en: 'The borrower gave another payout account; the bank verified it',
        }
      : mismatchText(ctx.view.payoutAccount!.mismatched),
    { actor: change.by, detail: { accountId: change.accountId, mismatched: ctx.view.payoutAccount!.mismatched } },
  );
  change.outcome = match ? 'VERIFIED' : 'MISMATCH';
  requests.change = undefined;
  return match;
}

function borrowerTaskKey(ctx: LoanContext): string {
  return `CHANGE_PAYOUT_ACCOUNT:${ctx.view.disbursements.length}:${ctx.view.payoutAccount?.changes ?? 0}`;
}

/**
 * The check before the first payout. Until an account matches, the loan waits in
 * PAYOUT_ACCOUNT_INVALID for the borrower to give another one or cancel.
 */
async function verifiedBeforePayout(ctx: LoanContext, requests: PayoutRequests): Promise<'VERIFIED' | CancelInput> {
  if (await checkAccount(ctx)) return 'VERIFIED';
  await changeStatus(ctx, 'PAYOUT_ACCOUNT_INVALID', { reason: mismatchText(ctx.view.payoutAccount!.mismatched) });
  const taskKey = borrowerTaskKey(ctx);
  await records.openTask({
    loanId: ctx.view.loanId,
    kind: 'CHANGE_PAYOUT_ACCOUNT',
    taskKey,
    role: 'BORROWER',
    detail: { mismatched: ctx.view.payoutAccount!.mismatched },
  });
  for (;;) {
    await condition(() => requests.change !== undefined || requests.cancel !== undefined);
    if (requests.cancel) return requests.cancel;
    const by = requests.change!.by;
    if (await takeChange(ctx, requests)) {
      await records.closeTask({ loanId: ctx.view.loanId, taskKey, status: 'DONE', closedBy: by.userId });
      return 'VERIFIED';
    }
  }
}

/** Finance and ops each get a task with the bank's reason; the borrower a task to change the account. */
function failureTasks(ctx: LoanContext): Array<{ taskKey: string; role: string; kind: string }> {
  const attempt = ctx.view.disbursements.length;
  return [
    { kind: 'DISBURSEMENT_FAILED', role: 'FINANCE', taskKey: `DISBURSEMENT_FAILED:${attempt}:FINANCE` },
    { kind: 'DISBURSEMENT_FAILED', role: 'OPS', taskKey: `DISBURSEMENT_FAILED:${attempt}:OPS` },
    { kind: 'CHANGE_PAYOUT_ACCOUNT', role: 'BORROWER', taskKey: `CHANGE_PAYOUT_ACCOUNT:${attempt}:FAILED` },
  ];
}

/**
 * After a refused transfer: the borrower may give another account (checked, and paid on ops' retry)
 * or cancel; ops' retry pays the account current then. Returns who asked for the retry.
 */
async function afterFailedPayout(
  ctx: LoanContext,
  requests: PayoutRequests,
  retries: RetryRequests,
): Promise<Actor | CancelInput> {
  const failed = ctx.view.disbursements.at(-1)!;
  const tasks = failureTasks(ctx);
  for (const task of tasks) {
    await records.openTask({
      loanId: ctx.view.loanId,
      ...task,
      detail: {
        attempt: failed.attempt,
        idempotencyKey: failed.idempotencyKey,
        bankReason: failed.failureReason ?? null,
      },
    });
  }
  for (;;) {
    await condition(
      () => requests.cancel !== undefined || requests.change !== undefined || retries.requested > retries.taken,
    );
    if (requests.cancel) return requests.cancel;
    if (requests.change) {
      await takeChange(ctx, requests);
      continue;
    }
    retries.taken = retries.requested;
    const by = retries.by!;
    for (const task of tasks) {
      await records.closeTask({ loanId: ctx.view.loanId, taskKey: task.taskKey, status: 'DONE', closedBy: by.userId });
    }
    return by;
  }
}

function isCancel(value: Actor | CancelInput | 'VERIFIED'): value is CancelInput {
  return typeof value === 'object' && 'by' in value;
}

/**
 * Verifies the account (unless this run carries on a payout already started), pays out, and after
 * each failure waits for the borrower or ops.
 */
export async function payOutToVerifiedAccount(
  ctx: LoanContext,
  bankResults: BankResults,
  requests: PayoutRequests,
  retries: RetryRequests,
  resumed: boolean,
): Promise<PayoutOutcome> {
  if (!resumed) {
    const verified = await verifiedBeforePayout(ctx, requests);
    if (isCancel(verified)) return { cancelled: verified };
  }
  let requestedBy: Actor | undefined;
  for (let first = true; ; first = false) {
    // Every result is confirmed with the bank: a loan reaches DISBURSEMENT_FAILED (and so may be
    // cancelled) only when the bank itself says each attempt failed.
    const paid = await disburse(ctx, bankResults, requestedBy, resumed && first, true);
    if (paid !== 'FAILED') return paid;
    const next = await afterFailedPayout(ctx, requests, retries);
    if (isCancel(next)) return { cancelled: next };
    requestedBy = next;
  }
}
