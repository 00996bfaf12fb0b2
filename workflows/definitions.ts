// Messages of the loan workflow. The API imports these; the workflow sets their handlers.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DocumentType, Money, Rate, Role } from '../domain/types.js';
import type { LoanView, RepaymentChannel, RepaymentResult } from './state.js';

export interface Actor {
  userId: string;
  role: Role;
}

export interface DocumentUploaded {
  documentId: string;
  type: DocumentType;
  sha256: string;
}

export type ReviewStage = 'INITIAL' | 'FINAL';
export type ReviewDecision = 'APPROVE' | 'REJECT' | 'REQUEST_DOCUMENTS';

export interface ReviewInput {
  stage: ReviewStage;
  decision: ReviewDecision;
  comment: string;
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

export interface CollectionNote {
  outcome: 'CONTACTED' | 'PROMISE_TO_PAY' | 'NO_ANSWER' | 'REFUSED' | 'DISPUTED';
  note: string;
  promisedOn?: string;
  by: Actor;
}

export const documentUploadedSignal = defineSignal<[DocumentUploaded]>('documentUploaded');
export const bankResultSignal = defineSignal<[BankResult]>('bankResult');

export const reviewUpdate = defineUpdate<LoanView, [ReviewInput]>('review');
export const signContractUpdate = defineUpdate<LoanView, [SignInput]>('signContract');
export const withdrawUpdate = defineUpdate<LoanView, [WithdrawInput]>('withdraw');
export const retryDisbursementUpdate = defineUpdate<LoanView, [Actor]>('retryDisbursement');
export const repayUpdate = defineUpdate<RepaymentResult, [RepaymentInput]>('repay');
export const writeOffUpdate = defineUpdate<LoanView, [WriteOffDecision]>('decideWriteOff');
export const resolveAttentionUpdate = defineUpdate<LoanView, [AttentionDecision]>('resolveAttention');
export const collectionNoteUpdate = defineUpdate<LoanView, [CollectionNote]>('recordCollectionNote');

export const loanViewQuery = defineQuery<LoanView>('loanView');

/**
 * Failure types an update validator uses, so the API can answer 403 / 409 / 422 without
 * guessing from message text.
 */
export const REFUSAL = {
  FORBIDDEN: 'FORBIDDEN',
  WRONG_STAGE: 'WRONG_STAGE',
  INVALID: 'INVALID',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];
