// What the loan workflow's messages carry (contracts/definitions.ts names the messages), and the
// refusal types its update validators answer with.
import type { RestructureKind } from '../domain/classification.js';
import type { DocumentType, Money, Rate, Role } from '../domain/types.js';

export const REPAYMENT_CHANNELS = ['ONLINE', 'BANK_TRANSFER', 'CASH', 'AUTO_DEBIT'] as const;
export type RepaymentChannel = (typeof REPAYMENT_CHANNELS)[number];

export interface Actor {
  userId: string;
  role: Role;
}

export interface DocumentUploaded {
  documentId: string;
  type: DocumentType;
  sha256: string;
}

export const REVIEW_STAGES = ['INITIAL', 'FINAL'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];
export const REVIEW_DECISIONS = ['APPROVE', 'REJECT', 'REQUEST_DOCUMENTS'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export interface ReviewInput {
  stage: ReviewStage;
  decision: ReviewDecision;
  /** Internal: the lender's staff see it, the borrower does not. */
  comment: string;
  /** What the borrower is told about this decision (their view shows only this comment). */
  commentForBorrower?: string;
  reviewer: Actor;
  /** Final review may approve with changed terms. */
  amount?: Money;
  annualRate?: Rate;
  termCount?: number;
  /** Documents the reviewer asks for when the decision is REQUEST_DOCUMENTS. */
  documents?: DocumentType[];
  /** The review round this decision answers (the stage's open round); a stale round is refused. */
  round?: number;
}

export interface SignInput {
  contractSha256: string;
  signer: Actor;
}

export interface WithdrawInput {
  by: Actor;
  reason?: string;
}

/**
 * The borrower's new payout account: the API stored it encrypted in payout_accounts under this id
 * (the card never enters the workflow); the workflow has it checked by the bank before paying to it.
 */
export interface PayoutAccountChange {
  accountId: string;
  by: Actor;
}

/** The borrower ends a loan whose payout cannot go ahead (bad account or failed transfer); nothing is owed. */
export interface CancelInput {
  by: Actor;
  reason?: string;
}

export interface BankResult {
  transferId: string;
  idempotencyKey: string;
  status: 'SUCCEEDED' | 'FAILED';
  failureReason?: string;
}

export interface RepaymentInput {
  paymentId: string;
  amount: Money;
  channel: RepaymentChannel;
  /** Local business date the money was received. */
  receivedOn: string;
  recordedBy: Actor;
}

/** A finance checker's approval of a reversal a different finance user requested (api/payment-reversals.ts). */
export interface ReversalInput {
  paymentId: string;
  reason: string;
  requestedBy: string;
  approvedBy: Actor;
}

export interface WriteOffDecision {
  approve: boolean;
  comment: string;
  by: Actor;
}

/** Ops' answer to a loan parked in NEEDS_ATTENTION. */
export interface AttentionDecision {
  /** RETRY runs the failed step again; CLOSE ends a loan no money has left for (CANCELLED). */
  action: 'RETRY' | 'CLOSE';
  reason: string;
  by: Actor;
}

/**
 * Finance's answer to a refund: APPROVE or REJECT one waiting for approval (a reason is required to
 * reject), RETRY one that failed.
 */
export interface RefundDecision {
  refundId: string;
  action: 'APPROVE' | 'REJECT' | 'RETRY';
  reason?: string;
  by: Actor;
}

export interface CollectionNote {
  outcome: 'CONTACTED' | 'PROMISE_TO_PAY' | 'NO_ANSWER' | 'REFUSED' | 'DISPUTED';
  note: string;
  promisedOn?: string;
  by: Actor;
}

/**
 * Failure types an update validator uses, so the API can answer 403 / 409 / 422 without
 * guessing from message text.
 */
export const REFUSAL = {
  FORBIDDEN: 'FORBIDDEN',
  WRONG_STAGE: 'WRONG_STAGE',
  INVALID: 'INVALID',
  /**
   * The message's seal did not pass (workflows/message-checks.ts). Through the API this means the
   * API and the workers disagree (a deploy in the middle), never a business answer: retry later.
   */
  UNSEALED: 'UNSEALED_MESSAGE',
  /**
   * A payment of a loan whose schedule was extended or restructured (展期/重组) cannot be reversed
   * inside the loan: the rebuild starts from the original offer and would drop the new schedule.
   * Finance handles such a payment by hand (409).
   */
  RESTRUCTURED: 'LOAN_RESTRUCTURED',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

/** 展期 / 重组: the borrower (own loan) or a loan officer asks for a new schedule (domain/loan-restructuring.ts). */
export interface RestructureRequest {
  /** Chosen by the caller; a repeat with the same id gets the same answer. */
  requestId: string;
  kind: RestructureKind;
  installmentCount: number;
  annualRate: Rate;
  /** Why, in the requester's words (no personal data). */
  reason: string;
  by: Actor;
}

/** A reviewer or risk manager approves or rejects the open request, within their authority. */
export interface RestructureDecision {
  requestId: string;
  approve: boolean;
  comment: string;
  by: Actor;
}

/** The borrower's signature on the supplementary contract (补充协议), bound to its sha256 (SMS-confirmed by the API). */
export interface SupplementarySignature {
  requestId: string;
  sha256: string;
  /** The contract_signatures row the API recorded for it. */
  signatureId: string;
  by: Actor;
}
