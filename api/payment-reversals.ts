// Maker-checker for reversing an applied repayment: a finance user asks, with a reason; a
// different finance user approves, and the approval reaches the loan's workflow as the
// reversePayment update under the request's update id, so a retry after a lost answer reverses
// once; or rejects with a reason. History is never edited: the workflow posts reversing entries.
import { reversePaymentUpdate } from '../contracts/definitions.js';
import type { ReversalResult } from '../contracts/loan-view.js';
import { REFUSAL, type Actor } from '../contracts/messages.js';
import {
  claimReversal,
  findRepayment,
  findReversal,
  rejectReversal,
  releaseReversal,
  requestReversal,
  type ReversalRequest,
} from '../db/payment-reversals.js';
import type { RequestAuditEvent } from './middleware/audit.js';
import type { ApiDeps } from './env.js';
import { ApiError } from './errors.js';
import { loanHandle } from './loan-workflows.js';
import { callWorkflow } from './workflow-errors.js';

export const NOT_YOUR_OWN_REVERSAL = {
  zh: '不能复核自己提出的冲正（需另一位财务人员复核）',
  en: 'You cannot check a reversal you requested yourself; another finance user must',
};

const SERVICED = ['ACTIVE', 'OVERDUE'];

export function notFoundRepayment(): ApiError {
  return ApiError.notFound({ zh: '已入账的还款', en: 'Applied repayment' });
}

export function notFoundReversal(): ApiError {
  return ApiError.notFound({ zh: '冲正申请', en: 'Reversal request' });
}

function alreadyDecided(r: ReversalRequest): ApiError {
  return ApiError.conflict('REVERSAL_ALREADY_DECIDED', {
    zh: `该冲正申请已处理（${r.status}）`,
    en: `This reversal request was already decided (${r.status})`,
  });
}

/** Why a loan in this status cannot have a payment reversed, or null when it can. */
export function closedLoanRefusal(status: string): ApiError | null {
  if (SERVICED.includes(status)) return null;
  if (status === 'PAID_OFF')
    return ApiError.conflict('LOAN_PAID_OFF', {
      zh: '贷款已结清，结清证明已出具，流程已结束；其还款不能冲正，请按退款或人工调账处理',
      en: 'The loan is paid off: its settlement certificate is issued and its workflow has ended, so its payments cannot be reversed; handle it as a refund or a manual adjustment',
    });
  return ApiError.conflict(REFUSAL.WRONG_STAGE, {
    zh: `贷款状态为 ${status}，其还款不能冲正`,
    en: `The loan is ${status}; its payments cannot be reversed`,
  });
}

/** The maker's side: the request is stored PENDING_APPROVAL and audited; the same payment again answers the stored request. */
export async function requestPaymentReversal(
  sql: ApiDeps['sql'],
  p: { paymentId: string; reason: string; requestedBy: string },
  audit: (event: RequestAuditEvent) => Promise<void>,
): Promise<ReversalRequest> {
  const repayment = await findRepayment(sql, p.paymentId);
  if (!repayment) throw notFoundRepayment();
  const existing = await findReversal(sql, p.paymentId);
  if (!existing || existing.status === 'REJECTED') {
    const refusal = closedLoanRefusal(repayment.loanStatus);
    if (refusal) throw refusal;
  }
  const { created, request } = await requestReversal(sql, {
    paymentId: p.paymentId,
    loanId: repayment.loanId,
    reason: p.reason,
    requestedBy: p.requestedBy,
  });
  if (created)
    await audit({
      action: 'REVERSAL_REQUESTED',
      result: 'SUCCESS',
      resourceType: 'repayment',
      resourceId: p.paymentId,
      loanId: repayment.loanId,
      detail: { maker: p.requestedBy, reason: p.reason, channel: repayment.channel, amount: repayment.amount },
    });
  return request;
}

/** A different finance user approves: the loan's workflow reverses the payment. */
export async function approveReversal(
  deps: Pick<ApiDeps, 'temporal' | 'sql'>,
  paymentId: string,
  checkerActor: Actor,
  updateId: string,
): Promise<{ request: ReversalRequest; result: ReversalResult }> {
  const checker = checkerActor.userId;
  const request = await findReversal(deps.sql, paymentId);
  if (!request) throw notFoundReversal();
  if (request.requestedBy === checker) throw ApiError.forbidden(NOT_YOUR_OWN_REVERSAL, 'OWN_REVERSAL');
  const claimed = await claimReversal(deps.sql, paymentId, checker);
  if (!claimed) throw alreadyDecided((await findReversal(deps.sql, paymentId)) ?? request);
  try {
    const result = await callWorkflow(() =>
      loanHandle(deps.temporal, claimed.loanId).executeUpdate(reversePaymentUpdate, {
        args: [
          {
            paymentId,
            reason: claimed.reason,
            requestedBy: claimed.requestedBy,
            approvedBy: checkerActor,
          },
        ],
        updateId,
      }),
    );
    // The workflow marked the row reversed with the reversal's entries (activities/servicing.ts).
    return { request: (await findReversal(deps.sql, paymentId))!, result };
  } catch (err) {
    // A refusal by the loan will not change on a retry: the request waits again for a decision.
    // Anything else (the workflow did not answer) keeps the claim so the same checker can retry.
    if (err instanceof ApiError && err.status < 500) await releaseReversal(deps.sql, paymentId);
    throw err;
  }
}

/** A different finance user rejects with a reason: nothing is reversed. */
export async function rejectReversalRequest(
  sql: ApiDeps['sql'],
  paymentId: string,
  checker: string,
  reason: string,
): Promise<ReversalRequest> {
  const request = await findReversal(sql, paymentId);
  if (!request) throw notFoundReversal();
  if (request.requestedBy === checker) throw ApiError.forbidden(NOT_YOUR_OWN_REVERSAL, 'OWN_REVERSAL');
  const rejected = await rejectReversal(sql, paymentId, checker, reason);
  if (!rejected) throw alreadyDecided((await findReversal(sql, paymentId)) ?? request);
  return rejected;
}
