import { CREDIT_GRADES, type CreditGrade } from './credit-grade.js';
import { fail, ok, problem, type Result } from './errors.js';
import {
  ALLOCATION_COMPONENTS,
  DAY_COUNTS,
  DOCUMENT_TYPES,
  FEE_KINDS,
  FREQUENCIES,
  LOAN_TYPES,
  REPAYMENT_METHODS,
  type AllocationComponent,
  type BilingualText,
  type DayCount,
  type DocumentType,
  type Fee,
  type Frequency,
  type LateFeeRule,
  type LoanType,
  type Money,
  type PenaltyTerms,
  type Rate,
  type RepaymentMethod,
  type Role,
} from './types.js';
import { Dec, parseMoneyField } from './money.js';
import {
  isRecord,
  path,
  readBoolean,
  readEnum,
  readEnumList,
  readInteger,
  readObject,
  readText,
  take,
  type Problems,
} from './validation/fields.js';
import { parseRateField } from './rates.js';

export const ESCALATION_ACTIONS = ['SMS', 'COLLECTOR_CALL', 'SUPERVISOR', 'LEGAL', 'WRITE_OFF_REVIEW'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/** What collections does once an installment is `daysPastDue` days late. */
export interface EscalationStep {
  daysPastDue: number;
  action: EscalationAction;
}

/** Roles that may take part in credit review at all. */
export const REVIEW_ROLES = [
  'INITIAL_REVIEWER',
  'FINAL_REVIEWER',
  'RISK_MANAGER',
  'ADMIN',
] as const satisfies readonly Role[];
export type ReviewRole = (typeof REVIEW_ROLES)[number];

/** `role` may give final approval for amounts up to `maxAmount`; null means no limit. */
export interface ApprovalLimit {
  role: ReviewRole;
  maxAmount: Money | null;
}

/**
 * Who may review. The initial review may be done by any of `initialReviewerRoles`. The final
 * approval of an amount A may be given by a reviewer whose role has an entry in `finalApprovers`
 * with maxAmount null or A ≤ maxAmount; A is the amount being approved, after any change the final
 * reviewer makes. The final approver must never be the person who did the initial review.
 */
export interface ApprovalAuthority {
  initialReviewerRoles: ReviewRole[];
  finalApprovers: ApprovalLimit[];
}

export interface AutoDecisionPolicy {
  enabled: boolean;
  /** Largest requested amount that may be approved without a person. */
  maxAmount: Money;
  minScore: number;
  allowedGrades: CreditGrade[];
}

/**
 * What happens to money paid beyond what is due: keep it as a credit for the next installments,
 * prepay principal and shorten the term, prepay principal and lower the installments, or refund it.
 */
export const OVERPAYMENT_HANDLINGS = [
  'CARRY_FORWARD',
  'PREPAY_REDUCE_TERM',
  'PREPAY_REDUCE_INSTALLMENT',
  'REFUND',
] as const;
export type OverpaymentHandling = (typeof OVERPAYMENT_HANDLINGS)[number];

export interface LoanProduct {
  code: string;
  loanType: LoanType;
  name: BilingualText;
  minAmount: Money;
  maxAmount: Money;
  /** Number of installments, in periods of the chosen frequency. */
  minTerm: number;
  maxTerm: number;
  frequencies: Frequency[];
  methods: RepaymentMethod[];
  /** Annual nominal rates. */
  minRate: Rate;
  maxRate: Rate;
  defaultRate: Rate;
  dayCount: DayCount;
  fees: Fee[];
  penalty: PenaltyTerms;
  /** Highest APR (fees included) a loan of this product may carry. */
  aprCap: Rate;
  requiredDocuments: DocumentType[];
  documentDeadlineDays: number;
  offerAcceptanceDays: number;
  /** Days before each due date on which a reminder goes out, largest first. */
  reminderDaysBeforeDue: number[];
  /** Ascending by daysPastDue. */
  escalation: EscalationStep[];
  approvalAuthority: ApprovalAuthority;
  autoDecision: AutoDecisionPolicy;
  /** Assessments scoring below this are declined outright. */
  scoreFloor: number;
  /** Highest loan-to-value ((amount + existing liens) / appraised value) before a HIGH warning; required for COLLATERAL. */
  maxLtv: Rate | null;
  minAge: number;
  maxAge: number;
  allocationOrder: AllocationComponent[];
  overpayment: OverpaymentHandling;
  /**
   * Refunds owed back to a borrower above this amount are paid only after a finance user approves
   * them; absent on products saved before refunds were paid (domain/refunds.ts has the default).
   */
  refundApprovalThreshold?: Money;
  /**
   * Days every refund waits after the payment that left it owed, so a reversal of that payment can
   * cancel it first; absent on products saved before (domain/refunds.ts has the default).
   */
  refundHoldDays?: number;
}

/** Documents every product of a loan type must ask for, beyond which a product may ask for more. */
export const TYPE_REQUIRED_DOCUMENTS: Readonly<Record<LoanType, readonly DocumentType[]>> = {
  PERSONAL_CONSUMER: ['ID_FRONT', 'ID_BACK'],
  CREDIT: ['ID_FRONT', 'ID_BACK'],
  INDIVIDUAL_BUSINESS: ['ID_FRONT', 'ID_BACK', 'BUSINESS_LICENSE'],
  FARMER: ['ID_FRONT', 'ID_BACK', 'LAND_CERTIFICATE'],
  COLLATERAL: ['ID_FRONT', 'ID_BACK', 'COLLATERAL_CERTIFICATE'],
  GUARANTEED: ['ID_FRONT', 'ID_BACK', 'GUARANTOR_ID'],
};

/** Nominal rates and APR caps above this are not sane for this business (the judicial protection ceiling). */
export const RATE_CEILING: Rate = '0.3600';
/** Penalty interest may add at most 50% to the contract rate. */
export const MAX_PENALTY_MARKUP: Rate = '0.5000';
export const MIN_BORROWER_AGE = 18;
export const MAX_BORROWER_AGE = 75;
const PRODUCT_CODE = /^[A-Z][A-Z0-9_-]{1,31}$/;

/**
 * Validates a whole product as the risk manager submits it. Every field is required; problems
 * are collected across the whole input. Lists come back normalized (reminders largest first).
 */
export function validateProduct(input: unknown): Result<LoanProduct> {
  const problems: Problems = [];
  if (!isRecord(input)) return fail(problem('(body)', 'NOT_AN_OBJECT', '产品须为对象', 'product must be an object'));

  const code = readText(input.code, 'code', problems, { maxLength: 32 });
  if (code !== undefined && !PRODUCT_CODE.test(code)) {
    problems.push(
      problem(
        'code',
        'INVALID_PRODUCT_CODE',
        '产品代码须为大写字母开头的字母、数字、-、_ 组合（2–32位）',
        'code must be 2–32 capital letters, digits, - or _, starting with a letter',
      ),
    );
  }
  const loanType = readEnum(input.loanType, LOAN_TYPES, 'loanType', problems);
  const name = readBilingual(input.name, 'name', problems);

  const minAmount = take(parseMoneyField(input.minAmount, 'minAmount'), problems);
  const maxAmount = take(parseMoneyField(input.maxAmount, 'maxAmount'), problems);
  if (minAmount && maxAmount && new Dec(minAmount).gt(maxAmount)) {
    problems.push(
      problem('minAmount', 'MIN_ABOVE_MAX', '最低金额不能高于最高金额', 'minAmount must not exceed maxAmount'),
    );
  }

  const minTerm = readInteger(input.minTerm, 'minTerm', problems, 1, 360);
  const maxTerm = readInteger(input.maxTerm, 'maxTerm', problems, 1, 360);
  if (minTerm !== undefined && maxTerm !== undefined && minTerm > maxTerm) {
    problems.push(problem('minTerm', 'MIN_ABOVE_MAX', '最短期数不能大于最长期数', 'minTerm must not exceed maxTerm'));
  }
  const frequencies = readEnumList(input.frequencies, FREQUENCIES, 'frequencies', problems);
  const methods = readEnumList(input.methods, REPAYMENT_METHODS, 'methods', problems);

  const aprCap = take(parseRateField(input.aprCap, 'aprCap', 4, { max: RATE_CEILING }), problems);
  const rateMax = aprCap ?? RATE_CEILING;
  const minRate = take(parseRateField(input.minRate, 'minRate', 4, { max: rateMax }), problems);
  const maxRate = take(parseRateField(input.maxRate, 'maxRate', 4, { max: rateMax }), problems);
  const defaultRate = take(parseRateField(input.defaultRate, 'defaultRate', 4, { max: rateMax }), problems);
  if (minRate && maxRate && new Dec(minRate).gt(maxRate)) {
    problems.push(problem('minRate', 'MIN_ABOVE_MAX', '最低利率不能高于最高利率', 'minRate must not exceed maxRate'));
  } else if (
    minRate &&
    maxRate &&
    defaultRate &&
    (new Dec(defaultRate).lt(minRate) || new Dec(defaultRate).gt(maxRate))
  ) {
    problems.push(
      problem(
        'defaultRate',
        'OUT_OF_RANGE',
        '默认利率须在最低与最高利率之间',
        'defaultRate must lie between minRate and maxRate',
      ),
    );
  }
  const dayCount = readEnum(input.dayCount, DAY_COUNTS, 'dayCount', problems);
  const fees = readFees(input.fees, problems);
  const penalty = readPenalty(input.penalty, problems);

  const requiredDocuments = readEnumList(input.requiredDocuments, DOCUMENT_TYPES, 'requiredDocuments', problems);
  if (requiredDocuments && loanType) {
    const missing = TYPE_REQUIRED_DOCUMENTS[loanType].filter((doc) => !requiredDocuments.includes(doc));
    if (missing.length > 0) {
      problems.push(
        problem(
          'requiredDocuments',
          'MISSING_REQUIRED_DOCUMENTS',
          `该贷款类型必须要求以下材料：${missing.join(', ')}`,
          `this loan type must require: ${missing.join(', ')}`,
        ),
      );
    }
  }
  const documentDeadlineDays = readInteger(input.documentDeadlineDays, 'documentDeadlineDays', problems, 1, 90);
  const offerAcceptanceDays = readInteger(input.offerAcceptanceDays, 'offerAcceptanceDays', problems, 1, 30);
  const reminderDaysBeforeDue = readReminders(input.reminderDaysBeforeDue, problems);
  const escalation = readEscalation(input.escalation, problems);
  const approvalAuthority = readAuthority(input.approvalAuthority, maxAmount, problems);
  const autoDecision = readAutoDecision(input.autoDecision, problems);
  const scoreFloor = readInteger(input.scoreFloor, 'scoreFloor', problems, 0, 1000);

  let maxLtv: Rate | null | undefined = null;
  if (input.maxLtv !== null && input.maxLtv !== undefined) {
    maxLtv = take(parseRateField(input.maxLtv, 'maxLtv', 4, { max: '1' }), problems);
  } else if (loanType === 'COLLATERAL') {
    problems.push(problem('maxLtv', 'REQUIRED', '抵押贷款产品必须设置最高抵押率', 'a collateral product needs maxLtv'));
  }

  const minAge = readInteger(input.minAge, 'minAge', problems, MIN_BORROWER_AGE, MAX_BORROWER_AGE);
  const maxAge = readInteger(input.maxAge, 'maxAge', problems, MIN_BORROWER_AGE, MAX_BORROWER_AGE);
  if (minAge !== undefined && maxAge !== undefined && minAge > maxAge) {
    problems.push(problem('minAge', 'MIN_ABOVE_MAX', '最低年龄不能大于最高年龄', 'minAge must not exceed maxAge'));
  }
  const allocationOrder = readEnumList(input.allocationOrder, ALLOCATION_COMPONENTS, 'allocationOrder', problems);
  if (allocationOrder && allocationOrder.length !== ALLOCATION_COMPONENTS.length) {
    problems.push(
      problem(
        'allocationOrder',
        'INCOMPLETE_ORDER',
        `须列出全部还款分配项：${ALLOCATION_COMPONENTS.join(', ')}`,
        `must list every component once: ${ALLOCATION_COMPONENTS.join(', ')}`,
      ),
    );
  }
  const overpayment = readEnum(input.overpayment, OVERPAYMENT_HANDLINGS, 'overpayment', problems);
  const refundApprovalThreshold =
    input.refundApprovalThreshold === undefined
      ? undefined
      : take(parseMoneyField(input.refundApprovalThreshold, 'refundApprovalThreshold', { allowZero: true }), problems);
  const refundHoldDays =
    input.refundHoldDays === undefined
      ? undefined
      : readInteger(input.refundHoldDays, 'refundHoldDays', problems, 0, 30);

  if (problems.length > 0) return fail(...problems);
  return ok({
    code: code!,
    loanType: loanType!,
    name: name!,
    minAmount: minAmount!,
    maxAmount: maxAmount!,
    minTerm: minTerm!,
    maxTerm: maxTerm!,
    frequencies: frequencies!,
    methods: methods!,
    minRate: minRate!,
    maxRate: maxRate!,
    defaultRate: defaultRate!,
    dayCount: dayCount!,
    fees: fees!,
    penalty: penalty!,
    aprCap: aprCap!,
    requiredDocuments: requiredDocuments!,
    documentDeadlineDays: documentDeadlineDays!,
    offerAcceptanceDays: offerAcceptanceDays!,
    reminderDaysBeforeDue: reminderDaysBeforeDue!,
    escalation: escalation!,
    approvalAuthority: approvalAuthority!,
    autoDecision: autoDecision!,
    scoreFloor: scoreFloor!,
    maxLtv: maxLtv!,
    minAge: minAge!,
    maxAge: maxAge!,
    allocationOrder: allocationOrder!,
    overpayment: overpayment!,
    ...(refundApprovalThreshold !== undefined ? { refundApprovalThreshold } : {}),
    ...(refundHoldDays !== undefined ? { refundHoldDays } : {}),
  });
}

function readBilingual(value: unknown, field: string, problems: Problems): BilingualText | undefined {
  const object = readObject(value, field, problems);
  if (!object) return undefined;
  const zh = readText(object.zh, path(field, 'zh'), problems, { maxLength: 100 });
  const en = readText(object.en, path(field, 'en'), problems, { maxLength: 100 });
  return zh !== undefined && en !== undefined ? { zh, en } : undefined;
}

function readFees(value: unknown, problems: Problems): Fee[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(
      problem(
        'fees',
        value === undefined ? 'REQUIRED' : 'NOT_AN_ARRAY',
        '费用须为数组（可为空）',
        'fees must be a list (possibly empty)',
      ),
    );
    return undefined;
  }
  if (value.length > 10) {
    problems.push(problem('fees', 'TOO_MANY', '费用项不能超过10项', 'at most 10 fees'));
    return undefined;
  }
  const before = problems.length;
  const fees = value.map((item, index): Fee | undefined => {
    const field = path('fees', index);
    const fee = readObject(item, field, problems);
    if (!fee) return undefined;
    const kind = readEnum(fee.kind, FEE_KINDS, path(field, 'kind'), problems);
    const amount = take(parseMoneyField(fee.amount, path(field, 'amount')), problems);
    return kind && amount ? { kind, amount } : undefined;
  });
  return problems.length > before ? undefined : (fees as Fee[]);
}

function readPenalty(value: unknown, problems: Problems): PenaltyTerms | undefined {
  const penalty = readObject(value, 'penalty', problems);
  if (!penalty) return undefined;
  const penaltyMarkup = take(
    parseRateField(penalty.penaltyMarkup, 'penalty.penaltyMarkup', 4, { allowZero: true, max: MAX_PENALTY_MARKUP }),
    problems,
  );
  const graceDays = readInteger(penalty.graceDays, 'penalty.graceDays', problems, 0, 30);
  let lateFee: LateFeeRule | undefined;
  const rule = readObject(penalty.lateFee, 'penalty.lateFee', problems);
  if (rule) {
    const kind = readEnum(
      rule.kind,
      ['FLAT', 'PERCENT_OF_OVERDUE_INSTALLMENT'] as const,
      'penalty.lateFee.kind',
      problems,
    );
    const amount =
      kind === 'FLAT'
        ? take(parseMoneyField(rule.value, 'penalty.lateFee.value', { allowZero: true, max: '1000.00' }), problems)
        : kind === 'PERCENT_OF_OVERDUE_INSTALLMENT'
          ? take(parseRateField(rule.value, 'penalty.lateFee.value', 4, { allowZero: true, max: '0.1' }), problems)
          : undefined;
    if (kind && amount !== undefined) lateFee = { kind, value: amount };
  }
  return penaltyMarkup !== undefined && graceDays !== undefined && lateFee
    ? { penaltyMarkup, lateFee, graceDays }
    : undefined;
}

function readReminders(value: unknown, problems: Problems): number[] | undefined {
  const field = 'reminderDaysBeforeDue';
  if (!Array.isArray(value)) {
    problems.push(
      problem(field, value === undefined ? 'REQUIRED' : 'NOT_AN_ARRAY', '应为天数数组', 'must be a list of day counts'),
    );
    return undefined;
  }
  if (value.length > 5) {
    problems.push(problem(field, 'TOO_MANY', '最多5次提醒', 'at most 5 reminders'));
    return undefined;
  }
  const before = problems.length;
  const days = value.map((item, index) => readInteger(item, path(field, index), problems, 0, 30));
  if (problems.length > before) return undefined;
  if (new Set(days).size !== days.length) {
    problems.push(problem(field, 'DUPLICATE_VALUES', '不能包含重复项', 'must not contain duplicates'));
    return undefined;
  }
  return (days as number[]).sort((a, b) => b - a);
}

function readEscalation(value: unknown, problems: Problems): EscalationStep[] | undefined {
  const field = 'escalation';
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(problem(field, 'REQUIRED', '须至少设置一级催收升级', 'needs at least one escalation step'));
    return undefined;
  }
  const before = problems.length;
  const steps = value.map((item, index): EscalationStep | undefined => {
    const stepField = path(field, index);
    const step = readObject(item, stepField, problems);
    if (!step) return undefined;
    const daysPastDue = readInteger(step.daysPastDue, path(stepField, 'daysPastDue'), problems, 1, 3650);
    const action = readEnum(step.action, ESCALATION_ACTIONS, path(stepField, 'action'), problems);
    return daysPastDue !== undefined && action ? { daysPastDue, action } : undefined;
  });
  if (problems.length > before) return undefined;
  const valid = steps as EscalationStep[];
  for (let i = 1; i < valid.length; i += 1) {
    if (valid[i]!.daysPastDue <= valid[i - 1]!.daysPastDue) {
      problems.push(
        problem(
          field,
          'NOT_ASCENDING',
          '升级步骤须按逾期天数严格递增',
          'steps must be in strictly ascending daysPastDue',
        ),
      );
      return undefined;
    }
  }
  return valid;
}

function readAuthority(
  value: unknown,
  productMax: Money | undefined,
  problems: Problems,
): ApprovalAuthority | undefined {
  const field = 'approvalAuthority';
  const authority = readObject(value, field, problems);
  if (!authority) return undefined;
  const initialReviewerRoles = readEnumList(
    authority.initialReviewerRoles,
    REVIEW_ROLES,
    path(field, 'initialReviewerRoles'),
    problems,
  );
  const listField = path(field, 'finalApprovers');
  if (!Array.isArray(authority.finalApprovers) || authority.finalApprovers.length === 0) {
    problems.push(problem(listField, 'REQUIRED', '须至少设置一个终审角色', 'needs at least one final approver role'));
    return undefined;
  }
  const before = problems.length;
  const finalApprovers = authority.finalApprovers.map((item, index): ApprovalLimit | undefined => {
    const itemField = path(listField, index);
    const limit = readObject(item, itemField, problems);
    if (!limit) return undefined;
    const role = readEnum(limit.role, REVIEW_ROLES, path(itemField, 'role'), problems);
    const maxAmount =
      limit.maxAmount === null ? null : take(parseMoneyField(limit.maxAmount, path(itemField, 'maxAmount')), problems);
    return role && maxAmount !== undefined ? { role, maxAmount } : undefined;
  });
  if (problems.length > before || !initialReviewerRoles) return undefined;
  const limits = finalApprovers as ApprovalLimit[];
  if (new Set(limits.map((l) => l.role)).size !== limits.length) {
    problems.push(problem(listField, 'DUPLICATE_VALUES', '每个角色只能出现一次', 'each role may appear once'));
    return undefined;
  }
  if (productMax && !limits.some((l) => l.maxAmount === null || new Dec(l.maxAmount).gte(productMax))) {
    problems.push(
      problem(
        listField,
        'NO_APPROVER_FOR_MAX_AMOUNT',
        '须有角色能够审批产品最高金额',
        'some role must be able to approve the product maximum amount',
      ),
    );
    return undefined;
  }
  return { initialReviewerRoles, finalApprovers: limits };
}

function readAutoDecision(value: unknown, problems: Problems): AutoDecisionPolicy | undefined {
  const field = 'autoDecision';
  const policy = readObject(value, field, problems);
  if (!policy) return undefined;
  const enabled = readBoolean(policy.enabled, path(field, 'enabled'), problems);
  const maxAmount = take(parseMoneyField(policy.maxAmount, path(field, 'maxAmount')), problems);
  const minScore = readInteger(policy.minScore, path(field, 'minScore'), problems, 0, 1000);
  const allowedGrades = readEnumList(policy.allowedGrades, CREDIT_GRADES, path(field, 'allowedGrades'), problems);
  if (allowedGrades?.includes('E')) {
    problems.push(
      problem(
        path(field, 'allowedGrades'),
        'GRADE_NOT_ALLOWED',
        'E级不能自动审批',
        'grade E can never be approved automatically',
      ),
    );
    return undefined;
  }
  return enabled !== undefined && maxAmount && minScore !== undefined && allowedGrades
    ? { enabled, maxAmount, minScore, allowedGrades }
    : undefined;
}
