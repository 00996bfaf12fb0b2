import type { ApprovalLimit, EscalationStep, LoanProduct } from './products.js';
import type { DocumentType, LoanType, Money, PenaltyTerms } from './types.js';

// The products the platform starts with, one per loan type. Built fresh on every call so a
// caller can never change the defaults another caller sees. Each one's dearest terms (minimum
// amount at the maximum rate, shortest and longest term, fees included) are within its APR cap,
// as `PUT /v1/products/{code}` requires (apr-cap.ts `productAprProblems`).

const BASE_DOCUMENTS: DocumentType[] = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'];

function escalationLadder(): EscalationStep[] {
  return [
    { daysPastDue: 1, action: 'SMS' },
    { daysPastDue: 3, action: 'COLLECTOR_CALL' },
    { daysPastDue: 15, action: 'SUPERVISOR' },
    { daysPastDue: 30, action: 'LEGAL' },
    { daysPastDue: 90, action: 'WRITE_OFF_REVIEW' },
  ];
}

function penalty(graceDays = 3): PenaltyTerms {
  return { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays };
}

/** FINAL_REVIEWER up to `finalReviewerMax`; RISK_MANAGER without limit. ADMIN manages users and never approves loans. */
function finalApprovers(finalReviewerMax: Money): ApprovalLimit[] {
  return [
    { role: 'FINAL_REVIEWER', maxAmount: finalReviewerMax },
    { role: 'RISK_MANAGER', maxAmount: null },
  ];
}

type Specific = Pick<
  LoanProduct,
  | 'code'
  | 'loanType'
  | 'name'
  | 'minAmount'
  | 'maxAmount'
  | 'minTerm'
  | 'maxTerm'
  | 'methods'
  | 'minRate'
  | 'maxRate'
  | 'defaultRate'
  | 'fees'
  | 'requiredDocuments'
  | 'autoDecision'
> & { finalReviewerMax: Money } & Partial<LoanProduct>;

function product(spec: Specific): LoanProduct {
  const { finalReviewerMax, ...own } = spec;
  return {
    frequencies: ['MONTHLY'],
    dayCount: 'ACT/365',
    penalty: penalty(),
    aprCap: '0.2400',
    documentDeadlineDays: 14,
    offerAcceptanceDays: 7,
    reminderDaysBeforeDue: [3, 1],
    escalation: escalationLadder(),
    approvalAuthority: { initialReviewerRoles: ['INITIAL_REVIEWER'], finalApprovers: finalApprovers(finalReviewerMax) },
    scoreFloor: 400,
    maxLtv: null,
    minAge: 18,
    maxAge: 65,
    allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
    overpayment: 'CARRY_FORWARD',
    ...own,
  };
}

function build(loanType: LoanType): LoanProduct {
  switch (loanType) {
    case 'PERSONAL_CONSUMER':
      return product({
        code: 'CONSUMER_STD',
        loanType,
        name: { zh: '个人消费贷款', en: 'Personal consumer loan' },
        minAmount: '1000.00',
        maxAmount: '200000.00',
        minTerm: 3,
        maxTerm: 36,
        methods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL'],
        minRate: '0.0720',
        maxRate: '0.1800',
        defaultRate: '0.1200',
        fees: [],
        requiredDocuments: [...BASE_DOCUMENTS],
        autoDecision: { enabled: true, maxAmount: '20000.00', minScore: 700, allowedGrades: ['A', 'B'] },
        finalReviewerMax: '100000.00',
      });
    case 'CREDIT':
      return product({
        code: 'CREDIT_STD',
        loanType,
        name: { zh: '个人信用贷款', en: 'Unsecured credit loan' },
        // With the 100.00 upfront fee at the 20% maximum rate, 8,000 over 9 months is the dearest
        // loan within the 24% APR cap (1,000 over 3 months would carry 87%).
        minAmount: '8000.00',
        maxAmount: '100000.00',
        minTerm: 9,
        maxTerm: 24,
        methods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL', 'INTEREST_FIRST'],
        minRate: '0.0800',
        maxRate: '0.2000',
        defaultRate: '0.1500',
        fees: [{ kind: 'UPFRONT', amount: '100.00' }],
        requiredDocuments: [...BASE_DOCUMENTS],
        autoDecision: { enabled: true, maxAmount: '10000.00', minScore: 720, allowedGrades: ['A', 'B'] },
        finalReviewerMax: '50000.00',
      });
    case 'INDIVIDUAL_BUSINESS':
      return product({
        code: 'BUSINESS_STD',
        loanType,
        name: { zh: '个体工商户经营贷款', en: 'Sole-proprietor business loan' },
        minAmount: '10000.00',
        maxAmount: '500000.00',
        // The 200.00 upfront fee over 3 months at 18% would carry an APR of 30.5%; from 9 months it is within 24%.
        minTerm: 9,
        maxTerm: 36,
        methods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL', 'INTEREST_FIRST'],
        minRate: '0.0700',
        maxRate: '0.1800',
        defaultRate: '0.1080',
        fees: [{ kind: 'UPFRONT', amount: '200.00' }],
        requiredDocuments: [...BASE_DOCUMENTS, 'BUSINESS_LICENSE'],
        autoDecision: { enabled: false, maxAmount: '30000.00', minScore: 750, allowedGrades: ['A'] },
        finalReviewerMax: '200000.00',
      });
    case 'FARMER':
      return product({
        code: 'FARMER_STD',
        loanType,
        name: { zh: '农户生产经营贷款', en: 'Farmer production loan' },
        minAmount: '5000.00',
        maxAmount: '300000.00',
        minTerm: 3,
        maxTerm: 24,
        methods: ['EQUAL_INSTALLMENT', 'INTEREST_FIRST', 'BULLET'],
        minRate: '0.0600',
        maxRate: '0.1500',
        defaultRate: '0.0875',
        fees: [],
        requiredDocuments: [...BASE_DOCUMENTS, 'LAND_CERTIFICATE'],
        autoDecision: { enabled: false, maxAmount: '20000.00', minScore: 750, allowedGrades: ['A'] },
        finalReviewerMax: '100000.00',
        penalty: penalty(7),
        documentDeadlineDays: 30,
        reminderDaysBeforeDue: [7, 3, 1],
      });
    case 'COLLATERAL':
      return product({
        code: 'COLLATERAL_STD',
        loanType,
        name: { zh: '抵押贷款', en: 'Collateral-secured loan' },
        minAmount: '50000.00',
        maxAmount: '1000000.00',
        minTerm: 6,
        maxTerm: 60,
        methods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL', 'INTEREST_FIRST'],
        minRate: '0.0600',
        maxRate: '0.1500',
        defaultRate: '0.0900',
        fees: [{ kind: 'UPFRONT', amount: '500.00' }],
        requiredDocuments: [...BASE_DOCUMENTS, 'COLLATERAL_CERTIFICATE'],
        autoDecision: { enabled: false, maxAmount: '50000.00', minScore: 750, allowedGrades: ['A'] },
        finalReviewerMax: '300000.00',
        maxLtv: '0.7000',
        documentDeadlineDays: 21,
        overpayment: 'PREPAY_REDUCE_TERM',
      });
    case 'GUARANTEED':
      return product({
        code: 'GUARANTEED_STD',
        loanType,
        name: { zh: '保证贷款', en: 'Guaranteed loan' },
        minAmount: '5000.00',
        maxAmount: '300000.00',
        minTerm: 3,
        maxTerm: 36,
        methods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL'],
        minRate: '0.0800',
        maxRate: '0.1800',
        defaultRate: '0.1300',
        fees: [],
        requiredDocuments: [...BASE_DOCUMENTS, 'GUARANTOR_ID'],
        autoDecision: { enabled: false, maxAmount: '20000.00', minScore: 750, allowedGrades: ['A'] },
        finalReviewerMax: '100000.00',
      });
  }
}

/** The default product of a loan type (a fresh object). */
export function defaultProductFor(loanType: LoanType): LoanProduct {
  return build(loanType);
}

/** All six default products, in LOAN_TYPES order (fresh objects). */
export function defaultProducts(): LoanProduct[] {
  return (['PERSONAL_CONSUMER', 'INDIVIDUAL_BUSINESS', 'FARMER', 'CREDIT', 'COLLATERAL', 'GUARANTEED'] as const).map(
    build,
  );
}
