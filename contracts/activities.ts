// The activities the loan workflow calls: their inputs, their answers, and the interface the
// workflow proxies and activities/ implements. Plain JSON both ways; no personal data in inputs.
import type { JournalEntry } from '../domain/ledger.js';
import type { LoanProduct } from '../domain/products.js';
import type { InstallmentState, PaymentInput } from '../domain/servicing-account.js';
import type {
  BilingualText,
  BureauReport,
  InternalHistory,
  LoanClass,
  LoanStatus,
  LocalDate,
  Money,
  Rate,
  StatementSummary,
} from '../domain/types.js';
import type { Application } from '../domain/validation/application.js';
import type { ConfirmedInstallment, Offer, RepaymentResult, RestructuringTermsView } from './loan-view.js';
import type { RestructureKind } from '../domain/classification.js';
import type { BankResult, DocumentUploaded } from './messages.js';
import type { ViewHandover } from './view-fields.js';

export interface LoanEvent {
  loanId: string;
  eventKey: string;
  kind: string;
  at: string;
  actor?: { userId: string; role: string };
  text: BilingualText;
  detail: Record<string, unknown>;
  status: LoanStatus;
  /** Columns of the loans projection to update with the event. */
  projection: {
    assessment?: unknown;
    offer?: unknown;
    contractSha256?: string;
    initialReviewerId?: string;
    finalReviewerId?: string;
    closed?: boolean;
  };
  /** View fields that changed with this event (absent from workers before loans.view_fields existed). */
  view?: ViewHandover['view'];
  viewStamp?: ViewHandover['viewStamp'];
}

export interface TaskToOpen {
  loanId: string;
  kind: string;
  taskKey: string;
  role: string;
  dueAt?: string;
  detail: Record<string, unknown>;
}

export interface BorrowerNotice {
  loanId: string;
  eventKey: string;
  template: string;
  params: Record<string, string>;
}

export interface ServicingProjection {
  daysPastDue: number;
  maxDaysPastDue: number;
  classification: LoanClass;
  outstandingPrincipal: Money;
  nextDueDate: LocalDate | null;
}

/** One business event of servicing, stored in one transaction. */
export interface ServicingChange {
  loanId: string;
  entries: JournalEntry[];
  repayment?: { result: RepaymentResult; recordedBy: string | null };
  /** The payment this change reverses: its payment_reversals row is marked reversed in the same transaction. */
  reversedPaymentId?: string;
  /** Installment rows that changed. */
  installments: InstallmentState[];
  /** The schedule's length now (rows after it are gone after a re-amortization or payoff). */
  installmentCount: number;
  projection: ServicingProjection;
  /** View fields that changed with it, the servicing figures above all (contracts/view-fields.ts). */
  view?: ViewHandover['view'];
  viewStamp?: ViewHandover['viewStamp'];
}

export interface StoredRepayment {
  loanId: string;
  result: RepaymentResult;
}

/** A transfer to the borrower's verified account (a payout or a refund), under its business-id key. */
export interface BorrowerTransfer {
  loanId: string;
  idempotencyKey: string;
  amount: Money;
}

/** A transfer the bank has not answered for good yet. */
export interface PendingTransfer {
  transferId: string;
  idempotencyKey: string;
  status: 'PENDING';
}

/** Projections, documents, credit data, tasks and the contract of the origination phases. */
export interface OriginationActivities {
  recordLoanEvent(event: LoanEvent): Promise<void>;
  listDocuments(loanId: string): Promise<Array<DocumentUploaded & { receivedAt: string }>>;
  loadApplicationFacts(loanId: string): Promise<{ application: Application; applicantAge: number }>;
  fetchCreditReport(args: { loanId: string; subject: 'APPLICANT' | 'GUARANTOR' }): Promise<BureauReport>;
  analyzeBankStatement(args: { loanId: string }): Promise<StatementSummary>;
  loadRepaymentHistory(args: { borrowerId: string; excludeLoanId: string }): Promise<InternalHistory>;
  openTask(task: TaskToOpen): Promise<void>;
  closeTask(args: { loanId: string; taskKey: string; status: 'DONE' | 'CANCELLED'; closedBy?: string }): Promise<void>;
  closeOpenTasks(args: { loanId: string }): Promise<void>;
  generateContract(args: {
    loanId: string;
    offer: Offer;
    product: LoanProduct;
    generatedAt: string;
  }): Promise<{ sha256: string; version: number; generatedAt: string }>;
}

export interface NotificationActivities {
  notifyBorrower(notice: BorrowerNotice): Promise<void>;
}

/** The bank's four-element answer (name, ID number, card, reserved phone); `mismatched` names elements only. */
export interface PayoutAccountCheck {
  match: boolean;
  mismatched: string[];
}

export interface DisbursementActivities {
  isDisbursementPaused(): Promise<boolean>;
  /**
   * Four-element check of the application's payout account, or, with `accountId`, of the account the
   * borrower gave instead (payout_accounts); a matching new account becomes the application's.
   */
  verifyPayoutAccount(args: { loanId: string; accountId?: string }): Promise<PayoutAccountCheck>;
  startDisbursement(args: BorrowerTransfer): Promise<BankResult | PendingTransfer>;
  checkTransfer(args: { idempotencyKey: string }): Promise<BankResult | null>;
  /** Pays a refund to the account the loan was paid out to; the bank's answer may already be final. */
  startRefundTransfer(args: BorrowerTransfer): Promise<BankResult | PendingTransfer>;
}

/** What reversing a repayment is computed from (activities/servicing.ts `reversalInputs`). */
export interface ReversalInputs {
  /** Every repayment applied to the loan and not reversed, in the order it was applied. */
  applied: PaymentInput[];
  /** The payment's REPAYMENT entry as posted; null when the ledger has none. */
  original: JournalEntry | null;
  /** The ledger already holds this payment's reversal. */
  reversed: boolean;
  /** The loan's REFUND_PAYABLE credit balance in the ledger now: what is still owed back to the borrower. */
  refundPayable: Money;
  /**
   * Why the approval named in the update does not stand, or null when it does: an APPROVED
   * payment_reversals row for this payment and loan, requested and checked by the users the update
   * names, two different active FINANCE users.
   */
  unapproved: BilingualText | null;
}

/** Who the update says asked for and approved a reversal; checked against payment_reversals. */
export interface ReversalApproval {
  loanId: string;
  paymentId: string;
  requestedBy: string;
  approvedBy: string;
}

/** Who the update says decides a refund, and who may not (the payment's maker, the user who retried it). */
export interface RefundDeciderCheck {
  loanId: string;
  refundId: string;
  paymentId: string;
  deciderId: string;
  /** Users the loan's own record bars from deciding this refund. */
  barred: string[];
}

export interface LedgerActivities {
  postJournal(entries: JournalEntry[]): Promise<string[]>;
}

export interface ServicingActivities extends LedgerActivities {
  loadAutoDebit(args: { loanId: string; productDefault: boolean }): Promise<boolean>;
  recordServicing(change: ServicingChange): Promise<void>;
  findRepayment(args: { paymentId: string }): Promise<StoredRepayment | null>;
  reversalInputs(args: ReversalApproval): Promise<ReversalInputs>;
  /**
   * Why the named user may not decide the refund, or null when they may: an active FINANCE user
   * who neither recorded the payment (its repayments row) nor is barred by the loan's record.
   */
  refundDeciderRefusal(args: RefundDeciderCheck): Promise<BilingualText | null>;
  startDebit(args: { loanId: string; idempotencyKey: string; amount: Money }): Promise<BankResult | null>;
  checkDebit(args: { idempotencyKey: string }): Promise<BankResult | null>;
  issueSettlementCertificate(args: {
    loanId: string;
    paidOffOn: LocalDate;
    principal: Money;
    totalRepaid: Money;
  }): Promise<{ sha256: string }>;
  /** 还款计划确认书: rendered once from exactly these installments, stored with its sha256. */
  issueScheduleConfirmation(args: {
    loanId: string;
    principal: Money;
    disbursedOn: LocalDate;
    contractSha256?: string;
    installments: ConfirmedInstallment[];
    issuedAt: string;
  }): Promise<{ sha256: string; issuedAt: string }>;
  /** 补充协议 of an approved extension or restructuring: rendered once per request from its plan, stored with its sha256. */
  issueSupplementaryContract(args: {
    loanId: string;
    requestId: string;
    kind: RestructureKind;
    annualRate: Rate;
    terms: RestructuringTermsView;
    issuedAt: string;
  }): Promise<{ sha256: string; issuedAt: string }>;
}

/** Every activity of the loan workflow; the worker registers an implementation of all of them. */
export interface Activities
  extends OriginationActivities, NotificationActivities, DisbursementActivities, ServicingActivities {}
