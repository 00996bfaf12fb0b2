// The loan workflow's state: what the `loanView` query answers and the loans projection holds
// (api/loan-view.ts reads it back), and what the workflow starts with. Plain JSON: money and rates as strings, instants as ISO
// strings, business dates as "YYYY-MM-DD".
import type { CreditAssessment } from '../domain/scoring.js';
import type { LoanProduct } from '../domain/products.js';
import type {
  BilingualText,
  DocumentType,
  Frequency,
  LoanClass,
  LoanStatus,
  LoanType,
  LocalDate,
  Money,
  Rate,
  RepaymentMethod,
} from '../domain/types.js';
import type { Balances, PaymentAllocation, PayoffBreakdown } from '../domain/servicing-account.js';
import type { DecisionOutcome } from '../domain/decision.js';
import type { RestructureKind } from '../domain/classification.js';
import type { Actor, RepaymentChannel, ReviewDecision, ReviewStage } from './messages.js';

/** How an application came in: from the borrower (ONLINE) or through a loan officer (OFFLINE). */
export const APPLICATION_CHANNELS = ['ONLINE', 'OFFLINE'] as const;
export type ApplicationChannel = (typeof APPLICATION_CHANNELS)[number];
export const DISBURSEMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export const REFUND_STATUSES = ['PENDING', 'APPROVAL', 'PAID', 'FAILED', 'REJECTED', 'CANCELLED'] as const;
export const PAYOUT_VERIFICATIONS = ['VERIFIED', 'MISMATCH'] as const;
export const WRITE_OFF_REVIEWS = ['NONE', 'PENDING', 'REJECTED'] as const;

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
  channel: ApplicationChannel;
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
  /** Internal to the lender. */
  comment: string;
  /** The part of the decision's comment meant for the borrower (PATCHES.REVIEW_COMMENT_FOR_BORROWER). */
  commentForBorrower?: string;
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
  status: (typeof DISBURSEMENT_STATUSES)[number];
  amount: Money;
  failureReason?: string;
  disbursedOn?: string;
}

/**
 * Money owed back to the borrower (an overpayment under the product's REFUND option, or a credit
 * left at payoff), paid to the account the loan was paid out to. PENDING: the bank is being asked;
 * APPROVAL: above the product's threshold, waiting for a finance user; PAID: the bank paid it;
 * FAILED: the bank refused it (or, before PATCHES.REFUND_DECISIONS_CHECKED, finance rejected it), and a
 * finance task asks for a retry; REJECTED: finance rejected paying it, and it stays owed to the
 * borrower as credit (workflows/refunds.ts).
 */
export interface RefundRecord {
  refundId: string;
  amount: Money;
  status: (typeof REFUND_STATUSES)[number];
  /** The payment that left the money owed. */
  paymentId: string;
  /** Who recorded that payment; they may not approve its refund. */
  requestedBy: string;
  owedOn: LocalDate;
  /** Attempts to pay it; each has its own bank key (domain/refunds.ts). */
  attempt: number;
  idempotencyKey: string;
  /** The bank is not asked before this instant (the product's refundHoldDays after the payment). */
  heldUntil?: string;
  approvedBy?: string;
  /** The finance user who asked for the current attempt after a failure; they may not approve it. */
  retriedBy?: string;
  failureReason?: string;
  paidOn?: LocalDate;
  /** Set when a reversal of its payment cancelled it before it reached the bank. */
  cancelledOn?: LocalDate;
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

/** What reversing a repayment did to the loan. */
export interface ReversalResult {
  paymentId: string;
  /** True when this payment was reversed before: nothing changed. */
  duplicate: boolean;
  loanId: string;
  reversedOn: LocalDate;
  /** The ledger entries the reversal posted (the mirror, and the re-allocation when one was needed). */
  entries: string[];
  balances: Balances;
  payoffAmount: Money;
  daysPastDue: number;
  classification: LoanClass;
  /** The loan's status right after the reversal (collections take an overdue loan from here). */
  status: LoanStatus;
}

export interface LoanView {
  loanId: string;
  status: LoanStatus;
  loanType: LoanType;
  productCode: string;
  borrowerId: string;
  channel: ApplicationChannel;
  requested: RequestedTerms;
  requiredDocuments: DocumentType[];
  documents: Array<{ documentId: string; type: DocumentType; sha256: string }>;
  missingDocuments: DocumentType[];
  documentDeadline?: string;
  assessment?: CreditAssessment;
  decision?: { outcome: DecisionOutcome; reasons: BilingualText[] };
  reviews: ReviewRecord[];
  offer?: Offer;
  contract?: { sha256: string; version: number; generatedAt: string; signedAt?: string; signedBy?: string };
  disbursements: DisbursementRecord[];
  /** The 还款计划确认书 issued at payout: the schedule the loan is collected on (absent on loans paid out before it). */
  scheduleConfirmation?: ScheduleConfirmationRecord;
  /** Filled in once the loan is disbursed; see workflows/servicing. */
  servicing?: ServicingView;
  timeline: TimelineEntry[];
  closedReason?: BilingualText;
  /** The review round waiting for a decision, while one is open. */
  openReview?: { stage: ReviewStage; round: number; since: string };
  /** Why the loan is parked, while it is in NEEDS_ATTENTION. */
  attention?: AttentionCase;
  /** Refunds owed back to the borrower and how paying them stands (absent until one is owed). */
  refunds?: RefundRecord[];
  /** The bank's four-element check of the payout account, last answer (absent on loans paid out before it). */
  payoutAccount?: PayoutAccountState;
  /** The latest extension or restructuring request and how it stands (absent until one is made). */
  restructuring?: RestructuringView;
}

export const RESTRUCTURING_STATUSES = [
  'PENDING_APPROVAL',
  'DECIDING',
  'AWAITING_SIGNATURE',
  'APPLYING',
  'APPLIED',
  'REJECTED',
] as const;
export type RestructuringStatus = (typeof RESTRUCTURING_STATUSES)[number];

/** One installment of a new schedule, as the supplementary contract states it. */
export interface RescheduledInstallment {
  number: number;
  dueDate: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
}

/** What the plan comes to (domain/loan-restructuring.ts RestructurePlan), as the contract states it. */
export interface RestructuringTermsView {
  effectiveOn: LocalDate;
  startsOn: LocalDate;
  outstandingPrincipal: Money;
  arrears: { interest: Money; fee: Money; penalty: Money };
  currentPeriodInterest: Money;
  newMaturityDate: LocalDate;
  apr: Rate;
  countsAsRestructuring: boolean;
  installments: RescheduledInstallment[];
}

export interface RestructuringView {
  requestId: string;
  kind: RestructureKind;
  status: RestructuringStatus;
  installmentCount: number;
  annualRate: Rate;
  reason: string;
  requestedBy: Actor;
  requestedAt: string;
  decidedBy?: Actor;
  decidedAt?: string;
  comment?: string;
  /** The plan as approved: what the supplementary contract states and the signature applies. */
  plan?: RestructuringTermsView;
  /** The supplementary contract (补充协议) awaiting or bearing the borrower's signature. */
  contract?: { sha256: string; issuedAt: string; signBy: LocalDate; signedAt?: string; signatureId?: string };
  appliedAt?: string;
}

export interface PayoutAccountState {
  verification: (typeof PAYOUT_VERIFICATIONS)[number];
  /** The elements the bank did not match (cardNumber, name, idNumber, phone); empty when verified. */
  mismatched: string[];
  /** The payout_accounts row the borrower gave; absent for the account on the application. */
  accountId?: string;
  checkedAt: string;
  /** Accounts the borrower has given so far. */
  changes: number;
}

/** One installment of the confirmed schedule, as the account is opened with it. */
export interface ConfirmedInstallment {
  number: number;
  dueDate: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
}

export interface ScheduleConfirmationRecord {
  sha256: string;
  /** The actual payout date the due dates count from. */
  disbursedOn: LocalDate;
  issuedAt: string;
  firstDueDate: LocalDate;
  installmentCount: number;
}

export interface PaymentSummary {
  paymentId: string;
  channel: RepaymentChannel;
  amount: Money;
  receivedOn: LocalDate;
}

/** How many of the latest payments the view lists (the workflow keeps their answers for repeats too). */
export const RECENT_PAYMENTS_KEPT = 20;

/** Where a proposed write-off stands in the current overdue episode. */
export type WriteOffReview = (typeof WRITE_OFF_REVIEWS)[number];

/** The servicing part of the loan view (GET /v1/loans/{id} shows it as `servicing`). */
export interface ServicingView {
  /** The business date the figures are as of: the workflow's latest wake-up (daily while overdue). */
  asOf: LocalDate;
  disbursedOn: LocalDate;
  principal: Money;
  autoDebit: boolean;
  installmentCount: number;
  installmentsPaid: number;
  balances: Balances;
  /** What closed the loan on `asOf`, not today: GET /v1/loans/{id}/payoff asks the workflow for today's. */
  payoffToday: Money;
  nextDue: { number: number; dueDate: LocalDate; amount: Money } | null;
  /** Counted from the oldest unpaid due date; 0 within grace under the grace rule (workflows/servicing-grace.ts). */
  daysPastDue: number;
  maxDaysPastDue: number;
  classification: LoanClass;
  /**
   * The last day of grace while the oldest unpaid installment is past its due date but within its
   * grace days: not overdue (contract: 宽限期内还清的，不视为逾期). Absent otherwise, and on runs that
   * began before the grace rule.
   */
  graceEndsOn?: LocalDate;
  collections: {
    episodeStart: LocalDate | null;
    stepsTaken: number[];
    writeOffReview: WriteOffReview;
    promisedOn: LocalDate | null;
  };
  recentPayments: PaymentSummary[];
  /** Continue-as-new generation of the workflow run. */
  run: number;
}

/** Why a loan is parked in NEEDS_ATTENTION (workflows/attention.ts). */
export interface AttentionCase {
  number: number;
  step: string;
  cause: string;
  since: string;
  /** The status the loan goes back to when the step is retried. */
  resumeStatus: LoanStatus;
}

/**
 * The `payoffQuote` query's answer: what closes the loan on a given local date, computed by the
 * loan's own money rules version from the account the workflow holds. A quote exists only for a
 * date from the last date the account posted charges (`quotableFrom`) up to the next due date the
 * workflow has not yet processed (`quotableThrough`, null once every due date is processed): the
 * account is exact in between, and that due date may post charges or take an auto-debit.
 */
export type PayoffQuote =
  | {
      kind: 'QUOTE';
      asOf: LocalDate;
      rulesVersion: number;
      breakdown: PayoffBreakdown;
      quotableThrough: LocalDate | null;
    }
  | { kind: 'CLOSED'; status: LoanStatus }
  | {
      kind: 'OUT_OF_RANGE';
      asOf: LocalDate;
      quotableFrom: LocalDate;
      quotableThrough: LocalDate | null;
      text: BilingualText;
    };
