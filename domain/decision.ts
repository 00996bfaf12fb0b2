import type { FieldProblem } from './errors.js';
import { problem } from './errors.js';
import type { ApprovalLimit, LoanProduct } from './products.js';
import type { CreditAssessment } from './scoring.js';
import type { BilingualText, Frequency, Money, Rate, RepaymentMethod, Role } from './types.js';
import { Dec, parseMoneyField, toMoney } from './money.js';
import type { Application } from './validation/application.js';
import { isRecord, path, readInteger } from './validation/fields.js';
import { parseRateField, toRate } from './rates.js';
import { roleList } from './labels.js';

export const DECISION_OUTCOMES = ['DECLINE', 'AUTO_APPROVE', 'REVIEW'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

export interface ApprovedTerms {
  amount: Money;
  annualRate: Rate;
  termCount: number;
  method: RepaymentMethod;
  frequency: Frequency;
}

export interface Decision {
  outcome: DecisionOutcome;
  /** Plain-language reasons, for the applicant on a decline and for the reviewer otherwise. */
  reasons: BilingualText[];
  /** Stable codes, one per reason, in the same order. */
  reasonCodes: string[];
  /** Only on AUTO_APPROVE. */
  approvedTerms?: ApprovedTerms;
}

/**
 * The automatic decision. Hard rules decline (every one that applies is given): age outside
 * the product's limits, blacklist, money overdue at the bureau now, a loan overdue with us now,
 * score below the product floor. Otherwise small low-risk loans are approved automatically when
 * the product allows it, and everything else goes to a person.
 */
export function decide(
  assessment: CreditAssessment,
  application: Application,
  product: LoanProduct,
  applicantAge: number,
): Decision {
  const declines = new Reasons();
  if (applicantAge < product.minAge || applicantAge > product.maxAge) {
    declines.add(
      'AGE_OUT_OF_RANGE',
      `本产品仅面向 ${product.minAge} 至 ${product.maxAge} 周岁的申请人`,
      `This product is only for applicants aged ${product.minAge} to ${product.maxAge}`,
    );
  }
  if (assessment.signals.blacklisted) {
    declines.add(
      'BLACKLISTED',
      '您的信用记录中存在不良名单记录，暂不符合借款条件',
      'Your credit record contains a blacklist entry, so we cannot lend at this time',
    );
  }
  if (new Dec(assessment.signals.bureauCurrentOverdue).gt(0)) {
    const amount = toMoney(assessment.signals.bureauCurrentOverdue);
    declines.add(
      'BUREAU_CURRENT_OVERDUE',
      `征信报告显示您当前有 ${amount} 元逾期未还，请结清后再申请`,
      `Your credit report shows ${amount} overdue now; please settle it before applying again`,
    );
  }
  if (assessment.signals.internalCurrentlyOverdue) {
    declines.add(
      'INTERNAL_OVERDUE',
      '您在本机构有贷款正在逾期，请先还清逾期款项',
      'A loan you have with us is overdue; please repay it first',
    );
  }
  if (assessment.score < product.scoreFloor) {
    declines.add(
      'SCORE_BELOW_FLOOR',
      '综合信用评估未达到本产品的最低要求',
      'Your overall credit assessment is below what this product requires',
    );
  }
  if (declines.codes.length > 0) return { outcome: 'DECLINE', reasons: declines.texts, reasonCodes: declines.codes };

  const review = new Reasons();
  const policy = product.autoDecision;
  if (!policy.enabled) {
    review.add(
      'MANUAL_PRODUCT',
      '本产品的申请均需人工审核',
      'Every application for this product is reviewed by a person',
    );
  }
  if (new Dec(application.amount).gt(policy.maxAmount)) {
    review.add(
      'ABOVE_AUTO_LIMIT',
      `申请金额超过自动审批上限 ${toMoney(policy.maxAmount)} 元`,
      `The amount is above the automatic-approval limit of ${toMoney(policy.maxAmount)}`,
    );
  }
  if (assessment.score < policy.minScore || !policy.allowedGrades.includes(assessment.grade)) {
    review.add(
      'GRADE_NEEDS_REVIEW',
      `信用评分 ${assessment.score}（${assessment.grade}级）需人工审核`,
      `Credit score ${assessment.score} (grade ${assessment.grade}) needs a reviewer`,
    );
  }
  if (new Dec(application.amount).gt(assessment.recommendedLimit)) {
    review.add(
      'ABOVE_RECOMMENDED_LIMIT',
      `申请金额高于建议额度 ${assessment.recommendedLimit} 元`,
      `The amount is above the recommended limit of ${assessment.recommendedLimit}`,
    );
  }
  for (const warning of assessment.warnings.filter((w) => w.severity === 'HIGH')) {
    review.add(warning.code, warning.message.zh, warning.message.en);
  }
  if (review.codes.length > 0) return { outcome: 'REVIEW', reasons: review.texts, reasonCodes: review.codes };

  return {
    outcome: 'AUTO_APPROVE',
    reasons: [{ zh: '符合自动审批条件', en: 'Meets every condition for automatic approval' }],
    reasonCodes: ['AUTO_APPROVED'],
    approvedTerms: {
      amount: application.amount,
      annualRate: rateWithinBand(product.defaultRate, assessment.rateBand),
      termCount: application.termCount,
      method: application.method,
      frequency: application.frequency,
    },
  };
}

/** The product's standard rate, moved to the nearest edge of the grade's band when outside it. */
export function rateWithinBand(rate: Rate, band: { min: Rate; max: Rate }): Rate {
  return toRate(Dec.min(Dec.max(new Dec(rate), band.min), band.max), 4);
}

class Reasons {
  readonly codes: string[] = [];
  readonly texts: BilingualText[] = [];
  add(code: string, zh: string, en: string): void {
    this.codes.push(code);
    this.texts.push({ zh, en });
  }
}

// ---- review rules for the workflow's update validators ----

export type ReviewStage = 'INITIAL' | 'FINAL';

export interface ReviewAuthorityInput {
  stage: ReviewStage;
  reviewer: { userId: string; role: Role };
  /** The amount being approved, after any change the final reviewer makes. */
  amount: Money;
  /** Who did the initial review; needed at the FINAL stage. */
  initialReviewerId?: string;
  product: LoanProduct;
  /** The amount limit binds approvals only; a final reviewer may reject any amount. Omitted means APPROVE. */
  decision?: string;
}

export interface AuthorityDenial {
  status: 403;
  code: 'REVIEW_ROLE_NOT_ALLOWED' | 'SEPARATION_OF_DUTIES' | 'ABOVE_APPROVAL_AUTHORITY';
  message: BilingualText;
}

/**
 * Null when the reviewer may act. INITIAL: the role must be one of the product's initial
 * reviewer roles. FINAL: the role must appear among the final approvers, the reviewer must not be
 * the initial reviewer, and, when approving, the amount must be within that role's limit (null =
 * no limit).
 */
export function checkReviewAuthority(input: ReviewAuthorityInput): AuthorityDenial | null {
  const { stage, reviewer, product } = input;
  const authority = product.approvalAuthority;
  if (stage === 'INITIAL') {
    if (!(authority.initialReviewerRoles as readonly Role[]).includes(reviewer.role)) {
      return deny('REVIEW_ROLE_NOT_ALLOWED', '您的角色无权进行初审', 'Your role may not do the initial review');
    }
    return null;
  }

  const limit = authority.finalApprovers.find((entry) => entry.role === reviewer.role);
  if (!limit) return deny('REVIEW_ROLE_NOT_ALLOWED', '您的角色无权进行终审', 'Your role may not give final approval');
  if (input.initialReviewerId !== undefined && input.initialReviewerId === reviewer.userId) {
    return deny(
      'SEPARATION_OF_DUTIES',
      '终审人不能与初审人为同一人',
      'The final reviewer must be someone other than the initial reviewer',
    );
  }
  const approving = input.decision === undefined || input.decision === 'APPROVE';
  if (approving && limit.maxAmount !== null && new Dec(input.amount).gt(limit.maxAmount)) {
    const who = roleList(approversFor(input.amount, authority.finalApprovers));
    return deny(
      'ABOVE_APPROVAL_AUTHORITY',
      `金额 ${toMoney(input.amount)} 元超过您的审批权限 ${toMoney(limit.maxAmount)} 元，须由${who.zh}终审`,
      `${toMoney(input.amount)} is above your approval limit of ${toMoney(limit.maxAmount)}; final approval needs a ${who.en}`,
    );
  }
  return null;
}

/** Roles that may give final approval to `amount`. */
export function approversFor(amount: Money, limits: readonly ApprovalLimit[]): Role[] {
  return limits.filter((l) => l.maxAmount === null || new Dec(amount).lte(l.maxAmount)).map((l) => l.role);
}

function deny(code: AuthorityDenial['code'], zh: string, en: string): AuthorityDenial {
  return { status: 403, code, message: { zh, en } };
}

/**
 * Problems with the terms a final reviewer wants to change; each must stay within the product's
 * limits. Field paths are `${prefix}.amount` etc. (prefix "changes" unless given).
 */
export function checkFinalChanges(changes: unknown, product: LoanProduct, prefix = 'changes'): FieldProblem[] {
  if (changes === undefined || changes === null) return [];
  if (!isRecord(changes))
    return [problem(prefix || '(body)', 'NOT_AN_OBJECT', '变更内容须为对象', 'changes must be an object')];
  const problems: FieldProblem[] = [];
  if (changes.amount !== undefined) {
    const result = parseMoneyField(changes.amount, path(prefix, 'amount'), {
      min: product.minAmount,
      max: product.maxAmount,
    });
    if (!result.ok) problems.push(...result.problems);
  }
  if (changes.annualRate !== undefined) {
    const result = parseRateField(changes.annualRate, path(prefix, 'annualRate'), 4, {
      min: product.minRate,
      max: product.maxRate,
    });
    if (!result.ok) problems.push(...result.problems);
  }
  if (changes.termCount !== undefined) {
    readInteger(changes.termCount, path(prefix, 'termCount'), problems, product.minTerm, product.maxTerm);
  }
  return problems;
}
