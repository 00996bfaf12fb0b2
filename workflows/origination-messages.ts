// The messages origination takes: documents, bank results, review decisions, the signature, a
// withdrawal, a disbursement retry and ops' answer to a parked loan. Each handler answers only
// when the main loop has acted on its own message, and every validator refuses a message the
// stage has already decided, so two messages in one workflow task cannot both be taken.
import { condition, setHandler } from '@temporalio/workflow';
import { canClose, decide, decisionPending } from './attention.js';
import { nowIso, type LoanContext } from './context.js';
import {
  bankResultSignal,
  cancelLoanUpdate,
  changePayoutAccountUpdate,
  documentUploadedSignal,
  loanViewQuery,
  resolveAttentionUpdate,
  retryDisbursementUpdate,
  reviewUpdate,
  signContractUpdate,
  withdrawUpdate,
} from '../contracts/definitions.js';
import type { BankResults } from './disbursement.js';
import { acceptDocument, type IntakeState } from './intake.js';
import type { ReviewState } from './review.js';
import type { AccountChangeRequest, PayoutRequests, RetryRequests } from './payout.js';
import {
  validateAttentionDecision,
  validateCancel,
  validatePayoutAccountChange,
  validateDisbursementRetry,
  validateReview,
  validateSignature,
  validateWithdrawal,
} from './validators.js';

export interface OriginationInbox {
  intake: IntakeState;
  review: ReviewState;
  bankResults: BankResults;
  retries: RetryRequests;
  /** The borrower's new payout account or cancellation while the payout cannot go ahead. */
  payout: PayoutRequests;
}

export function newInbox(): OriginationInbox {
  return {
    intake: { received: [], requests: [] },
    review: {},
    bankResults: new Map(),
    retries: { requested: 0, taken: 0 },
    payout: {},
  };
}

export function listenInOrigination(ctx: LoanContext, inbox: OriginationInbox): void {
  const { input } = ctx;
  setHandler(loanViewQuery, () => ctx.view);
  setHandler(documentUploadedSignal, (doc) => acceptDocument(ctx, inbox.intake, doc));
  setHandler(bankResultSignal, (result) => {
    inbox.bankResults.set(result.idempotencyKey, result);
  });
  setHandler(
    reviewUpdate,
    async (review) => {
      const status = ctx.view.status;
      // The round is taken now, in the same step as the validator's check: a second decision
      // arriving in this workflow task finds no open round and is refused.
      delete ctx.view.openReview;
      inbox.review.pending = { ...review, at: nowIso() };
      await condition(() => ctx.view.status !== status);
      return ctx.view;
    },
    { validator: (review) => validateReview(ctx.view, input.product, review, inbox.review.pending !== undefined) },
  );
  setHandler(
    signContractUpdate,
    async (sign) => {
      ctx.view.contract = { ...ctx.view.contract!, signedAt: nowIso(), signedBy: sign.signer.userId };
      await condition(() => ctx.view.status !== 'AWAITING_SIGNATURE');
      return ctx.view;
    },
    { validator: (sign) => validateSignature(ctx.view, input.borrowerId, sign) },
  );
  setHandler(
    withdrawUpdate,
    async (withdrawal) => {
      ctx.withdrawal = withdrawal;
      await condition(() => ctx.view.status === 'WITHDRAWN');
      return ctx.view;
    },
    {
      validator: (withdrawal) =>
        validateWithdrawal(ctx.view, input.borrowerId, withdrawal, ctx.withdrawal !== undefined),
    },
  );
  // A retry, a change of account and a cancel each wait while another of them is being handled.
  const payoutBusy = () =>
    inbox.payout.change !== undefined ||
    inbox.payout.cancel !== undefined ||
    inbox.retries.requested > inbox.retries.taken;
  setHandler(
    retryDisbursementUpdate,
    async (actor) => {
      inbox.retries.requested += 1;
      inbox.retries.by = actor;
      await condition(() => ctx.view.status !== 'DISBURSEMENT_FAILED');
      return ctx.view;
    },
    { validator: (actor) => validateDisbursementRetry(ctx.view, actor, payoutBusy()) },
  );
  setHandler(
    changePayoutAccountUpdate,
    async (change) => {
      const request: AccountChangeRequest = { accountId: change.accountId, by: change.by };
      inbox.payout.change = request;
      await condition(() => request.outcome !== undefined);
      return ctx.view;
    },
    {
      validator: (change) =>
        validatePayoutAccountChange(ctx.view, input.borrowerId, change, payoutBusy(), inbox.payout.enabled === true),
    },
  );
  setHandler(
    cancelLoanUpdate,
    async (cancel) => {
      inbox.payout.cancel = cancel;
      await condition(() => ctx.view.status === 'CANCELLED');
      return ctx.view;
    },
    {
      validator: (cancel) =>
        validateCancel(ctx.view, input.borrowerId, cancel, payoutBusy(), inbox.payout.enabled === true),
    },
  );
  setHandler(
    resolveAttentionUpdate,
    async (decision) => {
      await decide(decision);
      return ctx.view;
    },
    { validator: (decision) => validateAttentionDecision(ctx.view, decision, canClose(), decisionPending()) },
  );
}
