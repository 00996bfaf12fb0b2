import { defaultProductFor } from '../../../domain/default-products.js';
import type { LoanProduct } from '../../../domain/products.js';
import type { CreditAssessmentInput } from '../../../domain/scoring.js';
import type { BureauReport, InternalHistory, LoanType, StatementSummary } from '../../../domain/types.js';
import { luhnCheckDigit } from '../../../domain/validation/bank-card.js';
import { idNumberCheckChar } from '../../../domain/validation/id-number.js';
import { validateApplication, type Application } from '../../../domain/validation/application.js';

export const TODAY = '2026-06-15';

/** A valid 18-character ID for a region, a birth date "YYYYMMDD" and a 3-digit sequence. */
export function makeId(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + idNumberCheckChar(first17);
}

export const APPLICANT_ID = makeId('110105', '19900101', '002'); // 36, female
export const GUARANTOR_ID = makeId('440304', '19850615', '123'); // 41, male
export const CARD = (() => {
  const partial = '622202100112345678';
  return partial + luhnCheckDigit(partial);
})();

/** Raw application input for a loan type, as a client would send it. */
export function applicationInput(loanType: LoanType, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const product = defaultProductFor(loanType);
  const base: Record<string, unknown> = {
    loanType,
    amount: '50000.00',
    termCount: 12,
    method: product.methods[0],
    purpose: '装修房屋',
    applicant: {
      name: '王小明',
      idNumber: APPLICANT_ID,
      phone: '+86 138-0013-8000',
      monthlyIncome: '15000.00',
      employer: '北京某科技有限公司',
    },
    bankAccount: { cardNumber: CARD, bankName: '中国工商银行' },
    consent: { creditQuery: true, dataProcessing: true, creditReporting: true, textVersion: 'v2026.1' },
  };
  if (loanType === 'INDIVIDUAL_BUSINESS') {
    base.business = { licenseNumber: '92110105MA01ABCD23', industry: 'RETAIL', monthlyRevenue: '30000.00' };
  }
  if (loanType === 'FARMER') {
    base.farm = { landAreaMu: '25', crops: ['玉米', '大豆'], livestock: '生猪20头', cooperative: '红旗农民专业合作社' };
  }
  if (loanType === 'COLLATERAL') {
    base.amount = '200000.00';
    base.collateral = {
      type: 'REAL_ESTATE',
      description: '北京市朝阳区某小区2号楼301室',
      appraisedValue: '800000.00',
      existingLiens: '0.00',
    };
  }
  if (loanType === 'GUARANTEED') {
    base.guarantor = {
      name: '李强',
      idNumber: GUARANTOR_ID,
      phone: '13912345678',
      monthlyIncome: '20000.00',
      relationship: 'FRIEND',
    };
  }
  return { ...base, ...overrides };
}

export function validApplication(loanType: LoanType, overrides: Record<string, unknown> = {}): Application {
  const result = validateApplication(applicationInput(loanType, overrides), defaultProductFor(loanType), TODAY);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

export function cleanBureau(overrides: Partial<BureauReport> = {}): BureauReport {
  return {
    idNumberHash: 'hash',
    profile: 'CLEAN',
    score: 760,
    blacklisted: false,
    currentOverdueAmount: '0.00',
    maxOverdueDaysLast24Months: 0,
    openLoans: 1,
    monthlyDebtPayments: '1500.00',
    queriesLast3Months: 1,
    creditHistoryMonths: 84,
    reportedAt: '2026-06-14T09:00:00Z',
    ...overrides,
  };
}

export const thinBureau = (): BureauReport =>
  cleanBureau({
    profile: 'THIN_FILE',
    score: null,
    creditHistoryMonths: 0,
    openLoans: 0,
    monthlyDebtPayments: '0.00',
    queriesLast3Months: 0,
  });

export const delinquentBureau = (): BureauReport =>
  cleanBureau({
    profile: 'DELINQUENT',
    score: 560,
    currentOverdueAmount: '3200.00',
    maxOverdueDaysLast24Months: 75,
    openLoans: 4,
    monthlyDebtPayments: '4000.00',
    queriesLast3Months: 7,
  });

export const blacklistedBureau = (): BureauReport =>
  cleanBureau({ profile: 'BLACKLISTED', score: 420, blacklisted: true, maxOverdueDaysLast24Months: 180 });

export function steadyStatement(overrides: Partial<StatementSummary> = {}): StatementSummary {
  return {
    monthsCovered: 12,
    averageMonthlyInflow: '16000.00',
    averageMonthlyOutflow: '11000.00',
    inflowVariability: '0.15',
    bouncedPayments: 0,
    ...overrides,
  };
}

export function newCustomer(overrides: Partial<InternalHistory> = {}): InternalHistory {
  return {
    loansRepaid: 0,
    loansWrittenOff: 0,
    maxDaysPastDue: 0,
    currentlyOverdue: false,
    activeLoans: 0,
    ...overrides,
  };
}

export function assessmentInput(
  loanType: LoanType,
  overrides: Partial<CreditAssessmentInput> = {},
  appOverrides: Record<string, unknown> = {},
): CreditAssessmentInput {
  const product: LoanProduct = defaultProductFor(loanType);
  return {
    application: validApplication(loanType, appOverrides),
    product,
    bureau: cleanBureau(),
    statement: steadyStatement(),
    history: newCustomer(),
    newInstallment: '1000.00',
    asOf: TODAY,
    ...overrides,
  };
}
