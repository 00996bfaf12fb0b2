// Shared vocabulary of the lending domain. Values that cross a boundary (API, Temporal
// payload, database) are strings: money "1234.56", rates "0.1200", local dates "2026-12-15".

/** Money with exactly two decimals, e.g. "1234.56". */
export type Money = string;
/** A decimal fraction, e.g. "0.12" for 12% a year. */
export type Rate = string;
/** A calendar date in the business time zone, "YYYY-MM-DD". */
export type LocalDate = string;

export const LOAN_TYPES = [
  'PERSONAL_CONSUMER',
  'INDIVIDUAL_BUSINESS',
  'FARMER',
  'CREDIT',
  'COLLATERAL',
  'GUARANTEED',
] as const;
export type LoanType = (typeof LOAN_TYPES)[number];

export const REPAYMENT_METHODS = ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL', 'INTEREST_FIRST', 'BULLET'] as const;
export type RepaymentMethod = (typeof REPAYMENT_METHODS)[number];

export const FREQUENCIES = ['MONTHLY', 'BIWEEKLY', 'WEEKLY', 'DAILY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Day count for non-monthly periods; monthly periods always use annualRate / 12. */
export const DAY_COUNTS = ['ACT/365', 'ACT/360', '30/360'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];

export const FEE_KINDS = ['UPFRONT', 'PER_INSTALLMENT'] as const;
export type FeeKind = (typeof FEE_KINDS)[number];
export interface Fee {
  kind: FeeKind;
  amount: Money;
}

export const LATE_FEE_KINDS = ['FLAT', 'PERCENT_OF_OVERDUE_INSTALLMENT'] as const;

export interface LateFeeRule {
  kind: (typeof LATE_FEE_KINDS)[number];
  /** Money for FLAT, a Rate for PERCENT_OF_OVERDUE_INSTALLMENT. */
  value: string;
}

export interface PenaltyTerms {
  /** Penalty interest rate = contract rate × (1 + markup). Default "0.5". */
  penaltyMarkup: Rate;
  lateFee: LateFeeRule;
  graceDays: number;
}

/** Components a repayment can be allocated to, in the order the product chooses. */
export const ALLOCATION_COMPONENTS = ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'] as const;
export type AllocationComponent = (typeof ALLOCATION_COMPONENTS)[number];

export const LOAN_STATUSES = [
  'AWAITING_DOCUMENTS',
  'ASSESSING',
  'INITIAL_REVIEW',
  'FINAL_REVIEW',
  'AWAITING_SIGNATURE',
  'DISBURSING',
  'ACTIVE',
  'OVERDUE',
  'PAID_OFF',
  'REJECTED',
  'WITHDRAWN',
  'EXPIRED',
  'DISBURSEMENT_FAILED',
  'PAYOUT_ACCOUNT_INVALID',
  'WRITTEN_OFF',
  'NEEDS_ATTENTION',
  'CANCELLED',
] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

export const ROLES = [
  'BORROWER',
  'LOAN_OFFICER',
  'INITIAL_REVIEWER',
  'FINAL_REVIEWER',
  'FINANCE',
  'COLLECTOR',
  'RISK_MANAGER',
  'AUDITOR',
  'OPS',
  'ADMIN',
  'COMPLIANCE',
] as const;
export type Role = (typeof ROLES)[number];

export const DOCUMENT_TYPES = [
  'ID_FRONT',
  'ID_BACK',
  'INCOME_PROOF',
  'BANK_STATEMENT',
  'BUSINESS_LICENSE',
  'LAND_CERTIFICATE',
  'COLLATERAL_CERTIFICATE',
  'GUARANTOR_ID',
  'OTHER',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** Five-category loan classification (五级分类). */
export const LOAN_CLASSES = ['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS'] as const;
export type LoanClass = (typeof LOAN_CLASSES)[number];

/** Text shown to people, in Chinese and English. */
export interface BilingualText {
  zh: string;
  en: string;
}

// ---- credit data as the bureau, the bank-statement analysis and our own history report it ----

export interface BureauReport {
  idNumberHash: string;
  /** CLEAN, THIN_FILE, DELINQUENT, BLACKLISTED, … the bureau's own profile label. */
  profile: string;
  /** Bureau score 300–850, or null for a thin file. */
  score: number | null;
  blacklisted: boolean;
  currentOverdueAmount: Money;
  maxOverdueDaysLast24Months: number;
  openLoans: number;
  /** Sum of the monthly payments the bureau knows of. */
  monthlyDebtPayments: Money;
  /** Credit enquiries by lenders in the last 3 months (多头借贷 indicator). */
  queriesLast3Months: number;
  creditHistoryMonths: number;
  reportedAt: string;
}

export interface StatementSummary {
  monthsCovered: number;
  averageMonthlyInflow: Money;
  averageMonthlyOutflow: Money;
  /** Coefficient of variation of monthly inflow, as a decimal string; higher is more seasonal. */
  inflowVariability: Rate;
  bouncedPayments: number;
}

export interface InternalHistory {
  loansRepaid: number;
  loansWrittenOff: number;
  maxDaysPastDue: number;
  currentlyOverdue: boolean;
  activeLoans: number;
}
