// The loan workflow's state: what the `loanView` query answers and the loans projection holds
// (api/loan-view.ts reads it back). Plain JSON: money and rates as strings, instants as ISO
// strings, business dates as "YYYY-MM-DD".
import type { CreditAssessment } from '../domain/scoring.js';
import type { LoanProduct } from '../domain/products.js';
import type { BilingualText, DocumentType, Frequency, LoanStatus, LoanType, Money, Rate, RepaymentMethod } from '../domain/types.js';
import type { Balances, PaymentAllocation } from '../domain/servicing-account.js';
import type { Actor, ReviewDecision, ReviewStage } from './definitions.js';
import type { ServicingView } from './servicing-state.js';
import type { AttentionCase } from './attention.js';

export type RepaymentChannel = 'ONLINE' | 'BANK_TRANSFER' | 'CASH' | 'AUTO_DEBIT';

export interface RequestedTerms {
  amount: Money;
  termCount: number;
  method: RepaymentMethod;
  frequency: Frequency;
  annualRate: Rate;
}

/** What the workflow starts with. No personal data: activities read it from the database. */
export interface LoanWorkflowInput {
  loanId: string;
  borrowerId: string;
  /** Keyed hash of the borrower's ID number, for the BorrowerHash search attribute. */
  borrowerHash: string;
  loanType: LoanType;
  channel: 'ONLINE' | 'OFFLINE';
  /** The product as it was when the borrower applied; later edits don't change this loan. */
  product: LoanProduct;
  requested: RequestedTerms;
  purpose: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  actor?: Actor;
  text: BilingualText;
}

export interface ReviewRecord {
  stage: ReviewStage;
  decision: ReviewDecision;
  comment: string;
  reviewer: Actor;
  at: string;
  changes?: Partial<Pick<RequestedTerms, 'amount' | 'annualRate' | 'termCount'>>;
}

export interface OfferInstallment {
  number: number;
  dueDate: string;
  principal: Money;
  interest: Money;
  fee: Money;
  total: Money;
}

export interface Offer extends RequestedTerms {
  upfrontFee: Money;
  netDisbursement: Money;
  totalInterest: Money;
  totalFees: Money;
  totalPayment: Money;
  apr: Rate;
  effectiveAnnualRate: Rate;
  installments: OfferInstallment[];
  expiresAt?: string;
  /** Money rules version the loan runs under (domain/rules-version.ts); absent on offers made before loans carried one (1). */
  rulesVersion?: number;
}

export interface DisbursementRecord {
  attempt: number;
  idempotencyKey: string;
  transferId?: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  amount: Money;
  failureReason?: string;
  disbursedOn?: string;
}

/** The answer to a repayment: where the money went and what is owed after it (workflows/servicing). */
export interface RepaymentResult {
  paymentId: string;
  /** True when this paymentId was accepted before: nothing changed, this is the original answer. */
  duplicate: boolean;
  loanId: string;
  channel: RepaymentChannel;
  amount: Money;
  receivedOn: string;
  allocation: PaymentAllocation;
  balances: Balances;
  payoffAmount: Money;
  /** The loan's status right after the payment. */
  status: LoanStatus;
}

export interface LoanView {
  loanId: string;
  status: LoanStatus;
  loanType: LoanType;
  productCode: string;
  borrowerId: string;
  channel: 'ONLINE' | 'OFFLINE';
  requested: RequestedTerms;
  requiredDocuments: DocumentType[];
  documents: Array<{ documentId: string; type: DocumentType; sha256: string }>;
  missingDocuments: DocumentType[];
  documentDeadline?: string;
  assessment?: CreditAssessment;
  decision?: { outcome: 'DECLINE' | 'AUTO_APPROVE' | 'REVIEW'; reasons: BilingualText[] };
  reviews: ReviewRecord[];
  offer?: Offer;
  contract?: { sha256: string; version: number; generatedAt: string; signedAt?: string; signedBy?: string };
  disbursements: DisbursementRecord[];
  /** Filled in once the loan is disbursed; see workflows/servicing. */
  servicing?: ServicingView;
  timeline: TimelineEntry[];
  closedReason?: BilingualText;
  /** The review round waiting for a decision, while one is open. */
  openReview?: { stage: ReviewStage; round: number; since: string };
  /** Why the loan is parked, while it is in NEEDS_ATTENTION. */
  attention?: AttentionCase;
}
