// Update validators: they run before an update is written to history, so a refused update
// leaves no trace in the loan and the API can answer at once (403, 409 or 422).
import { ApplicationFailure } from '@temporalio/workflow';
import { checkFinalChanges, checkReviewAuthority } from '../domain/decision.js';
import type { LoanProduct } from '../domain/products.js';
import type { BilingualText, LoanStatus } from '../domain/types.js';
import {
  REFUSAL,
  type RefusalType,
  type ReviewInput,
  type SignInput,
  type WithdrawInput,
  type Actor,
  type AttentionDecision,
  type CancelInput,
  type PayoutAccountChange,
} from '../contracts/messages.js';
import type { LoanView } from '../contracts/loan-view.js';
import { MESSAGE_PERMISSIONS, actorMay, type MessageAction } from '../contracts/message-permissions.js';

export function refuse(type: RefusalType, text: BilingualText, field?: string): never {
  throw ApplicationFailure.create({
    type,
    message: text.en,
    details: [{ text, field: field ?? null }],
    nonRetryable: true,
  });
}

/**
 * Refuses an actor whose role lacks the permission the action needs in the one table the API's routes
 * check too (contracts/message-permissions.ts), with the API's words.
 */
export function refuseUnlessPermitted(actor: Actor | undefined, action: MessageAction, field?: string): void {
  if (actorMay(actor, action)) return;
  const permission = MESSAGE_PERMISSIONS[action];
  refuse(
    REFUSAL.FORBIDDEN,
    { zh: `当前角色无权执行此操作（需要 ${permission}）`, en: `Your role lacks the permission ${permission}` },
    field,
  );
}

const BEFORE_DISBURSEMENT: LoanStatus[] = [
  'AWAITING_DOCUMENTS',
  'ASSESSING',
  'INITIAL_REVIEW',
  'FINAL_REVIEW',
  'AWAITING_SIGNATURE',
];

export function validateReview(
  view: LoanView,
  product: LoanProduct,
  input: ReviewInput,
  decisionPending = false,
): void {
  const expected = input.stage === 'INITIAL' ? 'INITIAL_REVIEW' : 'FINAL_REVIEW';
  if (view.status !== expected) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `当前状态为 ${view.status}，不能进行${input.stage === 'INITIAL' ? '初审' : '终审'}`,
        en: `The loan is ${view.status}, not in ${input.stage.toLowerCase()} review`,
      },
      'stage',
    );
  }
  const open = view.openReview;
  if (decisionPending || !open || open.stage !== input.stage) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: '本轮审批已有决定正在处理，请刷新后查看',
        en: 'A decision for this review round is already being recorded; reload the loan',
      },
      'stage',
    );
  }
  if (input.round !== undefined && input.round !== open.round) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `该决定针对第 ${input.round} 轮审批，当前为第 ${open.round} 轮，请刷新后重新审批`,
        en: `This decision answers review round ${input.round}, but round ${open.round} is open; reload the loan and decide again`,
      },
      'round',
    );
  }
  if (
    input.stage === 'INITIAL' &&
    input.decision === 'APPROVE' &&
    (input.amount || input.annualRate || input.termCount)
  ) {
    refuse(
      REFUSAL.INVALID,
      { zh: '初审不能修改金额、利率或期限', en: 'Initial review cannot change amount, rate or term' },
      'amount',
    );
  }
  if (input.decision === 'REQUEST_DOCUMENTS') {
    if (input.stage !== 'INITIAL')
      refuse(
        REFUSAL.INVALID,
        { zh: '只有初审可以要求补充资料', en: 'Only the initial review can request documents' },
        'decision',
      );
    if (!input.documents?.length)
      refuse(REFUSAL.INVALID, { zh: '请列出需要补充的资料', en: 'List the documents to request' }, 'documents');
  }
  validateComments(input);
  refuseUnlessPermitted(input.reviewer, 'review');
  const amount = input.amount ?? view.requested.amount;
  const initial = [...view.reviews].reverse().find((r) => r.stage === 'INITIAL' && r.decision === 'APPROVE');
  const authority = checkReviewAuthority({
    stage: input.stage,
    reviewer: input.reviewer,
    amount,
    initialReviewerId: initial?.reviewer.userId,
    product,
    decision: input.decision,
  });
  if (authority) refuse(REFUSAL.FORBIDDEN, authority.message);
  if (input.stage === 'FINAL' && input.decision === 'APPROVE') {
    const problems = checkFinalChanges(
      { amount: input.amount, annualRate: input.annualRate, termCount: input.termCount },
      product,
    );
    if (problems.length > 0) refuse(REFUSAL.INVALID, problems[0]!.message, problems[0]!.field);
  }
}

/** The internal comment is required; the comment for the borrower is optional and at most 1000 characters. */
function validateComments(input: ReviewInput): void {
  if (!input.comment.trim()) refuse(REFUSAL.INVALID, { zh: '请填写审批意见', en: 'A comment is required' }, 'comment');
  if (input.commentForBorrower !== undefined && input.commentForBorrower.length > 1000)
    refuse(
      REFUSAL.INVALID,
      { zh: '给借款人的说明最多 1000 个字符', en: 'commentForBorrower must be at most 1000 characters' },
      'commentForBorrower',
    );
}

export function validateSignature(view: LoanView, borrowerId: string, input: SignInput): void {
  if (view.status !== 'AWAITING_SIGNATURE') {
    refuse(REFUSAL.WRONG_STAGE, {
      zh: `当前状态为 ${view.status}，不能签约`,
      en: `The loan is ${view.status}; there is no contract to sign`,
    });
  }
  refuseUnlessPermitted(input.signer, 'signContract');
  if (input.signer.userId !== borrowerId) {
    refuse(REFUSAL.FORBIDDEN, { zh: '只有借款人本人可以签署合同', en: 'Only the borrower can sign the contract' });
  }
  if (view.contract?.signedAt) {
    refuse(REFUSAL.WRONG_STAGE, { zh: '合同已签署', en: 'The contract is already signed' });
  }
  if (input.contractSha256 !== view.contract?.sha256) {
    refuse(
      REFUSAL.INVALID,
      { zh: '合同摘要不符，请重新查看最新合同后签署', en: 'The contract hash does not match the current contract' },
      'contractSha256',
    );
  }
}

export function validateWithdrawal(
  view: LoanView,
  borrowerId: string,
  input: WithdrawInput,
  alreadyWithdrawing = false,
): void {
  if (!BEFORE_DISBURSEMENT.includes(view.status) || alreadyWithdrawing) {
    refuse(REFUSAL.WRONG_STAGE, {
      zh: `当前状态为 ${view.status}，放款开始后不能撤回`,
      en: `The loan is ${view.status}; it can only be withdrawn before disbursement`,
    });
  }
  refuseUnlessPermitted(input.by, 'withdraw');
  if (input.by.role === 'BORROWER' && input.by.userId !== borrowerId) {
    refuse(REFUSAL.FORBIDDEN, {
      zh: '只有借款人本人或客户经理可以撤回申请',
      en: 'Only the borrower or a loan officer can withdraw the application',
    });
  }
}

export function validateDisbursementRetry(view: LoanView, actor: Actor, retryPending = false): void {
  if (view.status !== 'DISBURSEMENT_FAILED' || retryPending) {
    refuse(REFUSAL.WRONG_STAGE, {
      zh: `当前状态为 ${view.status}，无需重新放款`,
      en: `The loan is ${view.status}; there is no failed disbursement to retry`,
    });
  }
  refuseUnlessPermitted(actor, 'retryDisbursement');
}

export function validateAttentionDecision(
  view: LoanView,
  decision: AttentionDecision,
  closable: boolean,
  decisionPending = false,
): void {
  if (view.status !== 'NEEDS_ATTENTION' || !view.attention || decisionPending) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `当前状态为 ${view.status}，没有待处理的问题`,
        en: `The loan is ${view.status}; nothing is waiting for ops`,
      },
      'action',
    );
  }
  refuseUnlessPermitted(decision.by, 'resolveAttention', 'action');
  if (decision.action !== 'RETRY' && decision.action !== 'CLOSE') {
    refuse(REFUSAL.INVALID, { zh: 'action 须为 RETRY 或 CLOSE', en: 'action must be RETRY or CLOSE' }, 'action');
  }
  if (!decision.reason?.trim() || decision.reason.length > 500) {
    refuse(REFUSAL.INVALID, { zh: '请填写 1–500 个字符的处理说明', en: 'reason must be 1–500 characters' }, 'reason');
  }
  if (decision.action === 'CLOSE' && !closable) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: '款项已经或可能已经放出，不能直接关闭；请重试，或走核销流程',
        en: 'Money has or may have left for this loan, so it cannot simply be closed; retry, or use the write-off process',
      },
      'action',
    );
  }
}

/** The borrower may give this many accounts; after that a person helps (each change grows the loan's history). */
export const MAX_PAYOUT_ACCOUNT_CHANGES = 5;

/** A payout that cannot go ahead: the account failed the bank's check, or the bank refused the transfer. */
const PAYOUT_BLOCKED: LoanStatus[] = ['PAYOUT_ACCOUNT_INVALID', 'DISBURSEMENT_FAILED'];

function refuseUnlessPayoutBlocked(view: LoanView, busy: boolean, enabled: boolean, field: string): void {
  if (!enabled) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: '该借款的放款流程早于更换账户与取消功能，只能由运营重新放款或人工处理',
        en: 'This loan began its payout before account changes and cancelling existed; only an ops retry or a person can move it on',
      },
      field,
    );
  }
  if (!PAYOUT_BLOCKED.includes(view.status)) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `当前状态为 ${view.status}，只有收款账户未通过验证或放款失败时才能更换账户或取消`,
        en: `The loan is ${view.status}; the account can be changed or the loan cancelled only when the payout account failed verification or the payout failed`,
      },
      field,
    );
  }
  if (busy) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: '已有更换账户、取消或重新放款的请求正在处理，请稍后刷新查看',
        en: 'An account change, cancellation or retry is already being handled; reload the loan',
      },
      field,
    );
  }
}

export function validatePayoutAccountChange(
  view: LoanView,
  borrowerId: string,
  change: PayoutAccountChange,
  busy: boolean,
  enabled: boolean,
): void {
  refuseUnlessPermitted(change.by, 'changePayoutAccount');
  if (change.by.userId !== borrowerId) {
    refuse(REFUSAL.FORBIDDEN, {
      zh: '只有借款人本人可以更换收款账户',
      en: 'Only the borrower can change the payout account',
    });
  }
  refuseUnlessPayoutBlocked(view, busy, enabled, 'cardNumber');
  if ((view.payoutAccount?.changes ?? 0) >= MAX_PAYOUT_ACCOUNT_CHANGES) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `收款账户已更换 ${MAX_PAYOUT_ACCOUNT_CHANGES} 次，请联系客服人工处理或取消借款`,
        en: `The payout account was changed ${MAX_PAYOUT_ACCOUNT_CHANGES} times already; contact customer service or cancel the loan`,
      },
      'cardNumber',
    );
  }
  if (!change.accountId) {
    refuse(REFUSAL.INVALID, { zh: '缺少新的收款账户', en: 'The new payout account is missing' }, 'accountId');
  }
}

export function validateCancel(
  view: LoanView,
  borrowerId: string,
  cancel: CancelInput,
  busy: boolean,
  enabled: boolean,
): void {
  refuseUnlessPermitted(cancel.by, 'cancelLoan');
  if (cancel.by.role === 'BORROWER' && cancel.by.userId !== borrowerId) {
    refuse(REFUSAL.FORBIDDEN, {
      zh: '只有借款人或客户经理可以取消借款',
      en: 'Only the borrower or a loan officer can cancel the loan',
    });
  }
  refuseUnlessPayoutBlocked(view, busy, enabled, 'status');
  if (cancel.reason !== undefined && cancel.reason.length > 200) {
    refuse(REFUSAL.INVALID, { zh: '取消原因最多 200 个字符', en: 'reason must be at most 200 characters' }, 'reason');
  }
}
