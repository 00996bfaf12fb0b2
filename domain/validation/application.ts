import { fail, ok, problem, type Result } from '../errors.js';
import { INDUSTRY_CODES, type IndustryCode } from '../industries.js';
import type { LoanProduct } from '../products.js';
import {
  LOAN_TYPES,
  REPAYMENT_METHODS,
  type Frequency,
  type LoanType,
  type LocalDate,
  type Money,
  type RepaymentMethod,
} from '../types.js';
import { Dec, parseMoneyField } from '../money.js';
import { validateBankCard } from './bank-card.js';
import { validateLicenseNumber } from './business-license.js';
import { isRecord, path, readEnum, readInteger, readObject, readText, take, type Problems } from './fields.js';
import { validateIdNumber } from './id-number.js';
import { completedYears } from '../dates.js';
import { validatePhone } from './phone.js';

export const COLLATERAL_TYPES = ['REAL_ESTATE', 'VEHICLE', 'EQUIPMENT', 'LAND_USE_RIGHT', 'DEPOSIT', 'OTHER'] as const;
export type CollateralType = (typeof COLLATERAL_TYPES)[number];

export const GUARANTOR_RELATIONSHIPS = [
  'SPOUSE',
  'PARENT',
  'CHILD',
  'SIBLING',
  'RELATIVE',
  'FRIEND',
  'COLLEAGUE',
  'BUSINESS_PARTNER',
  'OTHER',
] as const;
export type GuarantorRelationship = (typeof GUARANTOR_RELATIONSHIPS)[number];

export interface Applicant {
  name: string;
  /** Normalized 18 characters, check letter uppercase. */
  idNumber: string;
  /** Bare 11 digits. */
  phone: string;
  monthlyIncome: Money;
  employer?: string;
}

export interface BankAccount {
  /** Bare digits. */
  cardNumber: string;
  bankName: string;
  /** The phone the bank holds for the card (银行预留手机号); the applicant's phone when absent. */
  reservedPhone?: string;
}

export interface Consent {
  creditQuery: boolean;
  dataProcessing: boolean;
  /** 征信报送授权: the loan's record may be reported to the credit reference center. */
  creditReporting: boolean;
  textVersion?: string;
}

export interface BusinessInfo {
  licenseNumber: string;
  industry: IndustryCode;
  monthlyRevenue: Money;
}

export interface FarmInfo {
  /** Land farmed, in mu (亩), a decimal string with two places. */
  landAreaMu: string;
  crops: string[];
  livestock?: string;
  cooperative?: string;
}

export interface CollateralInfo {
  type: CollateralType;
  description: string;
  appraisedValue: Money;
  /** Debt already secured on the same asset; "0.00" when none. */
  existingLiens: Money;
}

export interface GuarantorInfo {
  name: string;
  idNumber: string;
  phone: string;
  monthlyIncome: Money;
  relationship: GuarantorRelationship;
}

export interface Application {
  loanType: LoanType;
  amount: Money;
  termCount: number;
  method: RepaymentMethod;
  /** Defaults to the product's first frequency when the applicant does not choose one. */
  frequency: Frequency;
  purpose: string;
  applicant: Applicant;
  bankAccount: BankAccount;
  consent: Consent;
  /** Present exactly when the loan type needs it; sections a type does not use are dropped. */
  business?: BusinessInfo;
  farm?: FarmInfo;
  collateral?: CollateralInfo;
  guarantor?: GuarantorInfo;
}

/** Which optional section each loan type requires. */
export const REQUIRED_SECTION: Readonly<Record<LoanType, 'business' | 'farm' | 'collateral' | 'guarantor' | null>> = {
  PERSONAL_CONSUMER: null,
  CREDIT: null,
  INDIVIDUAL_BUSINESS: 'business',
  FARMER: 'farm',
  COLLATERAL: 'collateral',
  GUARANTEED: 'guarantor',
};

const LAND_AREA = /^\d{1,6}(\.\d{1,2})?$/;

/**
 * Validates a loan application against the product it is for, on `today`. Collects every
 * problem; field paths follow the input ("applicant.idNumber", "farm.crops.0").
 */
export function validateApplication(input: unknown, product: LoanProduct, today: LocalDate): Result<Application> {
  if (!isRecord(input))
    return fail(problem('(body)', 'NOT_AN_OBJECT', '申请须为对象', 'application must be an object'));
  const problems: Problems = [];

  const loanType = readEnum(input.loanType, LOAN_TYPES, 'loanType', problems);
  if (loanType && loanType !== product.loanType) {
    problems.push(
      problem('loanType', 'PRODUCT_MISMATCH', '贷款类型与所选产品不符', 'loan type does not match the chosen product'),
    );
  }
  const amount = take(
    parseMoneyField(input.amount, 'amount', { min: product.minAmount, max: product.maxAmount }),
    problems,
  );
  const termCount = readTerm(input.termCount, product, problems);
  const method = readEnum(input.method, REPAYMENT_METHODS, 'method', problems);
  if (method && !product.methods.includes(method)) {
    problems.push(
      problem(
        'method',
        'METHOD_NOT_OFFERED',
        '该产品不支持此还款方式',
        'this product does not offer that repayment method',
      ),
    );
  }
  const frequency = readFrequency(input.frequency, product, problems);
  const purpose = readText(input.purpose, 'purpose', problems, { maxLength: 200 });

  const applicant = readApplicant(input.applicant, product, today, problems);
  const bankAccount = readBankAccount(input.bankAccount, problems);
  const consent = readConsent(input.consent, problems);

  const section = REQUIRED_SECTION[product.loanType];
  const business = section === 'business' ? readBusiness(input.business, problems) : undefined;
  const farm = section === 'farm' ? readFarm(input.farm, problems) : undefined;
  const collateral = section === 'collateral' ? readCollateral(input.collateral, problems) : undefined;
  const guarantor =
    section === 'guarantor' ? readGuarantor(input.guarantor, applicant?.idNumber, today, problems) : undefined;

  if (problems.length > 0) return fail(...problems);
  return ok({
    loanType: loanType!,
    amount: amount!,
    termCount: termCount!,
    method: method!,
    frequency: frequency!,
    purpose: purpose!,
    applicant: applicant!,
    bankAccount: bankAccount!,
    consent: consent!,
    ...(business ? { business } : {}),
    ...(farm ? { farm } : {}),
    ...(collateral ? { collateral } : {}),
    ...(guarantor ? { guarantor } : {}),
  });
}

/** The applicant's completed years of age on `asOf`, read from the (already validated) ID number. */
export function applicantAgeOn(application: Application, asOf: LocalDate): number {
  const id = application.applicant.idNumber;
  return completedYears(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, asOf);
}

function readTerm(value: unknown, product: LoanProduct, problems: Problems): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && (value < product.minTerm || value > product.maxTerm)) {
    problems.push(
      problem(
        'termCount',
        'TERM_OUT_OF_RANGE',
        `期数须在 ${product.minTerm} 至 ${product.maxTerm} 期之间`,
        `term must be between ${product.minTerm} and ${product.maxTerm} installments`,
      ),
    );
    return undefined;
  }
  return readInteger(value, 'termCount', problems, product.minTerm, product.maxTerm);
}

function readFrequency(value: unknown, product: LoanProduct, problems: Problems): Frequency | undefined {
  if (value === undefined || value === null) return product.frequencies[0];
  const frequency = readEnum(value, product.frequencies, 'frequency', problems);
  return frequency;
}

function readApplicant(value: unknown, product: LoanProduct, today: LocalDate, problems: Problems) {
  const field = 'applicant';
  const applicant = readObject(value, field, problems);
  if (!applicant) return undefined;
  const name = readText(applicant.name, path(field, 'name'), problems, { maxLength: 50 });
  const id = take(validateIdNumber(applicant.idNumber, today, path(field, 'idNumber')), problems);
  if (id && (id.age < product.minAge || id.age > product.maxAge)) {
    problems.push(
      problem(
        path(field, 'idNumber'),
        'AGE_OUT_OF_RANGE',
        `申请人年龄须在 ${product.minAge} 至 ${product.maxAge} 周岁之间`,
        `applicant must be between ${product.minAge} and ${product.maxAge} years old`,
      ),
    );
  }
  const phone = take(validatePhone(applicant.phone, path(field, 'phone')), problems);
  const monthlyIncome = take(parseMoneyField(applicant.monthlyIncome, path(field, 'monthlyIncome')), problems);
  const employer = readText(applicant.employer, path(field, 'employer'), problems, { optional: true, maxLength: 100 });
  if (name === undefined || !id || phone === undefined || monthlyIncome === undefined) return undefined;
  const result: Applicant = { name, idNumber: id.idNumber, phone, monthlyIncome };
  if (employer !== undefined) result.employer = employer;
  return result;
}

function readBankAccount(value: unknown, problems: Problems): BankAccount | undefined {
  const field = 'bankAccount';
  const account = readObject(value, field, problems);
  if (!account) return undefined;
  const cardNumber = take(validateBankCard(account.cardNumber, path(field, 'cardNumber')), problems);
  const bankName = readText(account.bankName, path(field, 'bankName'), problems, { maxLength: 50 });
  return cardNumber !== undefined && bankName !== undefined ? { cardNumber, bankName } : undefined;
}

function readConsent(value: unknown, problems: Problems): Consent | undefined {
  const field = 'consent';
  const consent = readObject(value, field, problems);
  if (!consent) return undefined;
  const before = problems.length;
  if (consent.creditQuery !== true) {
    problems.push(
      problem(
        path(field, 'creditQuery'),
        'CONSENT_REQUIRED',
        '须同意查询个人征信报告',
        'you must agree to the credit bureau enquiry',
      ),
    );
  }
  if (consent.dataProcessing !== true) {
    problems.push(
      problem(
        path(field, 'dataProcessing'),
        'CONSENT_REQUIRED',
        '须同意个人信息处理授权',
        'you must agree to the processing of your personal data',
      ),
    );
  }
  if (consent.creditReporting !== true) {
    problems.push(
      problem(
        path(field, 'creditReporting'),
        'CONSENT_REQUIRED',
        '须同意向征信机构报送本人借贷信息',
        'you must agree to the reporting of this loan to the credit reference center',
      ),
    );
  }
  const textVersion = readText(consent.textVersion, path(field, 'textVersion'), problems, {
    optional: true,
    maxLength: 50,
  });
  if (problems.length > before) return undefined;
  return {
    creditQuery: true,
    dataProcessing: true,
    creditReporting: true,
    ...(textVersion !== undefined ? { textVersion } : {}),
  };
}

function readBusiness(value: unknown, problems: Problems): BusinessInfo | undefined {
  const field = 'business';
  const business = readObject(value, field, problems);
  if (!business) return undefined;
  const licenseNumber = take(validateLicenseNumber(business.licenseNumber, path(field, 'licenseNumber')), problems);
  const industry = readEnum(business.industry, INDUSTRY_CODES, path(field, 'industry'), problems);
  const monthlyRevenue = take(parseMoneyField(business.monthlyRevenue, path(field, 'monthlyRevenue')), problems);
  return licenseNumber !== undefined && industry && monthlyRevenue !== undefined
    ? { licenseNumber, industry, monthlyRevenue }
    : undefined;
}

function readFarm(value: unknown, problems: Problems): FarmInfo | undefined {
  const field = 'farm';
  const farm = readObject(value, field, problems);
  if (!farm) return undefined;
  const before = problems.length;
  let landAreaMu: string | undefined;
  const areaField = path(field, 'landAreaMu');
  if (farm.landAreaMu === undefined || farm.landAreaMu === null || farm.landAreaMu === '') {
    problems.push(problem(areaField, 'REQUIRED', '请填写土地面积（亩）', 'land area in mu is required'));
  } else if (
    typeof farm.landAreaMu !== 'string' ||
    !LAND_AREA.test(farm.landAreaMu) ||
    new Dec(farm.landAreaMu).lte(0)
  ) {
    problems.push(
      problem(
        areaField,
        'INVALID_LAND_AREA',
        '土地面积须为大于零的数字（亩，最多两位小数）',
        'land area must be a positive number of mu with at most two decimals',
      ),
    );
  } else {
    landAreaMu = new Dec(farm.landAreaMu).toFixed(2);
  }
  const cropsField = path(field, 'crops');
  let crops: string[] | undefined;
  if (!Array.isArray(farm.crops)) {
    problems.push(
      problem(
        cropsField,
        farm.crops === undefined ? 'REQUIRED' : 'NOT_AN_ARRAY',
        '请列出种植作物',
        'crops must be a list',
      ),
    );
  } else if (farm.crops.length > 20) {
    problems.push(problem(cropsField, 'TOO_MANY', '作物最多20项', 'at most 20 crops'));
  } else {
    const read = farm.crops.map((crop, index) => readText(crop, path(cropsField, index), problems, { maxLength: 30 }));
    if (read.every((crop) => crop !== undefined)) crops = read;
  }
  const livestock = readText(farm.livestock, path(field, 'livestock'), problems, { optional: true, maxLength: 100 });
  const cooperative = readText(farm.cooperative, path(field, 'cooperative'), problems, {
    optional: true,
    maxLength: 100,
  });
  if (crops !== undefined && crops.length === 0 && livestock === undefined) {
    problems.push(
      problem(
        cropsField,
        'NO_FARMING_ACTIVITY',
        '请至少填写一种作物或养殖情况',
        'list at least one crop or the livestock kept',
      ),
    );
  }
  if (problems.length > before || landAreaMu === undefined || crops === undefined) return undefined;
  return {
    landAreaMu,
    crops,
    ...(livestock !== undefined ? { livestock } : {}),
    ...(cooperative !== undefined ? { cooperative } : {}),
  };
}

function readCollateral(value: unknown, problems: Problems): CollateralInfo | undefined {
  const field = 'collateral';
  const collateral = readObject(value, field, problems);
  if (!collateral) return undefined;
  const type = readEnum(collateral.type, COLLATERAL_TYPES, path(field, 'type'), problems);
  const description = readText(collateral.description, path(field, 'description'), problems, { maxLength: 500 });
  const appraisedValue = take(parseMoneyField(collateral.appraisedValue, path(field, 'appraisedValue')), problems);
  const existingLiens = take(
    parseMoneyField(collateral.existingLiens ?? '0.00', path(field, 'existingLiens'), { allowZero: true }),
    problems,
  );
  if (appraisedValue !== undefined && existingLiens !== undefined && new Dec(existingLiens).gte(appraisedValue)) {
    problems.push(
      problem(
        path(field, 'existingLiens'),
        'NO_EQUITY',
        '抵押物已有负担不低于评估价值，无剩余担保价值',
        'existing liens leave no value in the collateral',
      ),
    );
    return undefined;
  }
  return type && description !== undefined && appraisedValue !== undefined && existingLiens !== undefined
    ? { type, description, appraisedValue, existingLiens }
    : undefined;
}

function readGuarantor(
  value: unknown,
  applicantId: string | undefined,
  today: LocalDate,
  problems: Problems,
): GuarantorInfo | undefined {
  const field = 'guarantor';
  const guarantor = readObject(value, field, problems);
  if (!guarantor) return undefined;
  const name = readText(guarantor.name, path(field, 'name'), problems, { maxLength: 50 });
  const id = take(validateIdNumber(guarantor.idNumber, today, path(field, 'idNumber')), problems);
  let idNumber = id?.idNumber;
  if (id && id.age < 18) {
    problems.push(
      problem(
        path(field, 'idNumber'),
        'GUARANTOR_UNDERAGE',
        '保证人须年满18周岁',
        'the guarantor must be at least 18 years old',
      ),
    );
    idNumber = undefined;
  }
  if (id && applicantId !== undefined && id.idNumber === applicantId) {
    problems.push(
      problem(
        path(field, 'idNumber'),
        'GUARANTOR_IS_APPLICANT',
        '保证人不能是申请人本人',
        'the guarantor cannot be the applicant',
      ),
    );
    idNumber = undefined;
  }
  const phone = take(validatePhone(guarantor.phone, path(field, 'phone')), problems);
  const monthlyIncome = take(parseMoneyField(guarantor.monthlyIncome, path(field, 'monthlyIncome')), problems);
  const relationship = readEnum(guarantor.relationship, GUARANTOR_RELATIONSHIPS, path(field, 'relationship'), problems);
  return name !== undefined &&
    idNumber !== undefined &&
    phone !== undefined &&
    monthlyIncome !== undefined &&
    relationship
    ? { name, idNumber, phone, monthlyIncome, relationship }
    : undefined;
}
