// Messages of the loan workflow. The API sends them; the workflow sets their handlers.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LocalDate } from '../domain/types.js';
import type { LoanView, PayoffQuote, RepaymentResult, ReversalResult } from './loan-view.js';
import type {
  Actor,
  AttentionDecision,
  BankResult,
  CancelInput,
  CollectionNote,
  DocumentUploaded,
  PayoutAccountChange,
  RefundDecision,
  RepaymentInput,
  RestructureDecision,
  RestructureRequest,
  ReversalInput,
  ReviewInput,
  SignInput,
  SupplementarySignature,
  WithdrawInput,
  WriteOffDecision,
} from './messages.js';

export const documentUploadedSignal = defineSignal<[DocumentUploaded]>('documentUploaded');
export const bankResultSignal = defineSignal<[BankResult]>('bankResult');

export const reviewUpdate = defineUpdate<LoanView, [ReviewInput]>('review');
export const signContractUpdate = defineUpdate<LoanView, [SignInput]>('signContract');
export const withdrawUpdate = defineUpdate<LoanView, [WithdrawInput]>('withdraw');
export const retryDisbursementUpdate = defineUpdate<LoanView, [Actor]>('retryDisbursement');
/** The borrower gives another payout account; answered once the bank's four-element check is in (view.payoutAccount). */
export const changePayoutAccountUpdate = defineUpdate<LoanView, [PayoutAccountChange]>('changePayoutAccount');
/** The borrower cancels a loan whose payout account failed verification or whose payout failed. */
export const cancelLoanUpdate = defineUpdate<LoanView, [CancelInput]>('cancelLoan');
export const repayUpdate = defineUpdate<RepaymentResult, [RepaymentInput]>('repay');
/** Reverses an applied repayment (maker-checker approved); servicing only. */
export const reversePaymentUpdate = defineUpdate<ReversalResult, [ReversalInput]>('reversePayment');
export const writeOffUpdate = defineUpdate<LoanView, [WriteOffDecision]>('decideWriteOff');
export const resolveAttentionUpdate = defineUpdate<LoanView, [AttentionDecision]>('resolveAttention');
export const collectionNoteUpdate = defineUpdate<LoanView, [CollectionNote]>('recordCollectionNote');
export const refundDecisionUpdate = defineUpdate<LoanView, [RefundDecision]>('decideRefund');

/** 展期 / 重组 (servicing only): request, decision within authority, the borrower's signature on the supplementary contract. */
export const requestRestructuringUpdate = defineUpdate<LoanView, [RestructureRequest]>('requestRestructuring');
export const decideRestructuringUpdate = defineUpdate<LoanView, [RestructureDecision]>('decideRestructuring');
export const signSupplementaryContractUpdate = defineUpdate<LoanView, [SupplementarySignature]>(
  'signSupplementaryContract',
);

export const loanViewQuery = defineQuery<LoanView>('loanView');
/** What closes the loan on a local date (servicing only; read-only, adds nothing to the history). */
export const payoffQuoteQuery = defineQuery<PayoffQuote, [LocalDate]>('payoffQuote');
