import { describe, expect, it } from 'vitest';
import {
  approversFor,
  checkFinalChanges,
  checkReviewAuthority,
  decide,
  rateWithinBand,
} from '../../../domain/decision.js';
import { defaultProductFor } from '../../../domain/default-products.js';
import { assessCredit, type CreditAssessment } from '../../../domain/scoring.js';
import { applicantAgeOn } from '../../../domain/validation/application.js';
import {
  assessmentInput,
  blacklistedBureau,
  cleanBureau,
  newCustomer,
  steadyStatement,
  TODAY,
  validApplication,
} from './fixtures.js';

const consumer = defaultProductFor('PERSONAL_CONSUMER');

function decideFor(
  overrides: Parameters<typeof assessmentInput>[1] = {},
  appOverrides: Record<string, unknown> = {},
  age = 36,
) {
  const input = assessmentInput('PERSONAL_CONSUMER', overrides, { amount: '15000.00', ...appOverrides });
  const assessment = assessCredit(input);
  return { assessment, decision: decide(assessment, input.application, input.product, age) };
}

describe('decide: hard-rule declines', () => {
  it('declines an applicant outside the product age limits', () => {
    expect(decideFor({}, {}, 17).decision).toMatchObject({ outcome: 'DECLINE', reasonCodes: ['AGE_OUT_OF_RANGE'] });
    expect(decideFor({}, {}, 66).decision).toMatchObject({ outcome: 'DECLINE', reasonCodes: ['AGE_OUT_OF_RANGE'] });
    expect(decideFor({}, {}, 18).decision.outcome).toBe('AUTO_APPROVE');
    expect(decideFor({}, {}, 65).decision.outcome).toBe('AUTO_APPROVE');
  });

  it('declines a blacklisted applicant, with a plain reason in both languages', () => {
    const { decision } = decideFor({ bureau: blacklistedBureau() });
    expect(decision.outcome).toBe('DECLINE');
    expect(decision.reasonCodes).toContain('BLACKLISTED');
    const reason = decision.reasons[decision.reasonCodes.indexOf('BLACKLISTED')]!;
    expect(reason.zh).toMatch(/不良名单/);
    expect(reason.en).toMatch(/blacklist/);
    expect(decision.approvedTerms).toBeUndefined();
  });

  it('declines any amount currently overdue at the bureau, even one cent', () => {
    const { decision } = decideFor({ bureau: cleanBureau({ currentOverdueAmount: '0.01' }) });
    expect(decision.outcome).toBe('DECLINE');
    expect(decision.reasonCodes).toContain('BUREAU_CURRENT_OVERDUE');
    expect(decision.reasons[decision.reasonCodes.indexOf('BUREAU_CURRENT_OVERDUE')]!.zh).toContain('0.01');
  });

  it('declines an applicant with a loan overdue with us now', () => {
    expect(decideFor({ history: newCustomer({ currentlyOverdue: true }) }).decision.reasonCodes).toContain(
      'INTERNAL_OVERDUE',
    );
  });

  it('declines a score below the product floor, and gives every applicable reason', () => {
    const assessment = assessCredit(assessmentInput('PERSONAL_CONSUMER'));
    const low: CreditAssessment = { ...assessment, score: consumer.scoreFloor - 1, grade: 'E' };
    const atFloor: CreditAssessment = { ...assessment, score: consumer.scoreFloor, grade: 'E' };
    expect(decide(low, validApplication('PERSONAL_CONSUMER'), consumer, 36).reasonCodes).toEqual(['SCORE_BELOW_FLOOR']);
    expect(decide(atFloor, validApplication('PERSONAL_CONSUMER'), consumer, 36).outcome).toBe('REVIEW');
    const everything = decide(
      { ...low, signals: { ...low.signals, blacklisted: true } },
      validApplication('PERSONAL_CONSUMER'),
      consumer,
      70,
    );
    expect(everything.reasonCodes).toEqual(['AGE_OUT_OF_RANGE', 'BLACKLISTED', 'SCORE_BELOW_FLOOR']);
    expect(everything.reasons).toHaveLength(3);
  });
});

describe('decide: automatic approval', () => {
  it('approves a small clean loan with terms inside the grade band', () => {
    const { assessment, decision } = decideFor();
    expect(decision.outcome).toBe('AUTO_APPROVE');
    expect(decision.approvedTerms).toEqual({
      amount: '15000.00',
      annualRate: rateWithinBand(consumer.defaultRate, assessment.rateBand),
      termCount: 12,
      method: 'EQUAL_INSTALLMENT',
      frequency: 'MONTHLY',
    });
    expect(decision.approvedTerms!.annualRate).toBe('0.0990');
  });

  it('approves up to and including the policy maximum, reviews one cent more', () => {
    expect(decideFor({}, { amount: consumer.autoDecision.maxAmount }).decision.outcome).toBe('AUTO_APPROVE');
    const above = decideFor({}, { amount: '20000.01' }).decision;
    expect(above).toMatchObject({ outcome: 'REVIEW', reasonCodes: ['ABOVE_AUTO_LIMIT'] });
  });

  it('reviews a grade the policy does not allow', () => {
    const { decision } = decideFor({ bureau: cleanBureau({ score: 520 }) });
    expect(decision.outcome).toBe('REVIEW');
    expect(decision.reasonCodes).toContain('GRADE_NEEDS_REVIEW');
  });

  it('reviews anything with a HIGH warning, naming it', () => {
    const { decision } = decideFor(
      {
        bureau: cleanBureau({ monthlyDebtPayments: '6000.00' }),
        statement: steadyStatement(),
        newInstallment: '2000.00',
      },
      {
        applicant: {
          name: '王小明',
          idNumber: validApplication('CREDIT').applicant.idNumber,
          phone: '13800138000',
          monthlyIncome: '12000.00',
        },
      },
    );
    expect(decision.outcome).toBe('REVIEW');
    expect(decision.reasonCodes).toContain('HIGH_DTI');
  });

  it('reviews an amount above the recommended limit', () => {
    const assessment = assessCredit(assessmentInput('PERSONAL_CONSUMER'));
    const decision = decide(
      { ...assessment, recommendedLimit: '10000.00' },
      validApplication('PERSONAL_CONSUMER', { amount: '15000.00' }),
      consumer,
      36,
    );
    expect(decision).toMatchObject({ outcome: 'REVIEW', reasonCodes: ['ABOVE_RECOMMENDED_LIMIT'] });
  });

  it('always reviews products with automatic decisions disabled', () => {
    const input = assessmentInput('INDIVIDUAL_BUSINESS', {}, { amount: '10000.00' });
    const decision = decide(
      assessCredit(input),
      input.application,
      input.product,
      applicantAgeOn(input.application, TODAY),
    );
    expect(decision.outcome).toBe('REVIEW');
    expect(decision.reasonCodes).toContain('MANUAL_PRODUCT');
  });
});

describe('checkReviewAuthority', () => {
  const initial = { userId: 'u-init', role: 'INITIAL_REVIEWER' as const };
  const finalReviewer = { userId: 'u-final', role: 'FINAL_REVIEWER' as const };

  it('lets only initial-reviewer roles do the initial review', () => {
    expect(
      checkReviewAuthority({ stage: 'INITIAL', reviewer: initial, amount: '50000.00', product: consumer }),
    ).toBeNull();
    expect(
      checkReviewAuthority({ stage: 'INITIAL', reviewer: finalReviewer, amount: '50000.00', product: consumer }),
    ).toMatchObject({
      status: 403,
      code: 'REVIEW_ROLE_NOT_ALLOWED',
    });
    expect(
      checkReviewAuthority({
        stage: 'INITIAL',
        reviewer: { userId: 'x', role: 'LOAN_OFFICER' },
        amount: '1.00',
        product: consumer,
      })?.code,
    ).toBe('REVIEW_ROLE_NOT_ALLOWED');
  });

  it('lets only final-approver roles give final approval', () => {
    const denial = checkReviewAuthority({
      stage: 'FINAL',
      reviewer: initial,
      amount: '5000.00',
      initialReviewerId: 'someone',
      product: consumer,
    });
    expect(denial).toMatchObject({ status: 403, code: 'REVIEW_ROLE_NOT_ALLOWED' });
    expect(denial!.message.zh).toContain('终审');
  });

  it('limits the final reviewer to the product threshold; above it a risk manager approves, an admin never', () => {
    const at = { stage: 'FINAL' as const, amount: '100000.00', initialReviewerId: 'u-init', product: consumer };
    expect(checkReviewAuthority({ ...at, reviewer: finalReviewer })).toBeNull();
    const above = checkReviewAuthority({ ...at, amount: '100000.01', reviewer: finalReviewer });
    expect(above).toMatchObject({ status: 403, code: 'ABOVE_APPROVAL_AUTHORITY' });
    expect(above!.message.zh).toContain('须由风控经理终审');
    expect(above!.message.zh).not.toMatch(/[A-Z_]{3,}/);
    expect(above!.message.en).toContain('Risk manager');
    expect(above!.message.en).not.toContain('Administrator');
    expect(
      checkReviewAuthority({ ...at, amount: '200000.00', reviewer: { userId: 'u-risk', role: 'RISK_MANAGER' } }),
    ).toBeNull();
    expect(
      checkReviewAuthority({ ...at, amount: '200000.00', reviewer: { userId: 'u-admin', role: 'ADMIN' } })?.code,
    ).toBe('REVIEW_ROLE_NOT_ALLOWED');
    expect(
      checkReviewAuthority({ ...at, amount: '1000.00', reviewer: { userId: 'u-admin', role: 'ADMIN' } })?.code,
    ).toBe('REVIEW_ROLE_NOT_ALLOWED');
    expect(
      checkReviewAuthority({ ...at, amount: '150000.00', reviewer: finalReviewer, decision: 'REJECT' }),
    ).toBeNull();
    expect(
      checkReviewAuthority({ ...at, amount: '150000.00', reviewer: finalReviewer, decision: 'APPROVE' })?.code,
    ).toBe('ABOVE_APPROVAL_AUTHORITY');
    expect(approversFor('100000.00', consumer.approvalAuthority.finalApprovers)).toEqual([
      'FINAL_REVIEWER',
      'RISK_MANAGER',
    ]);
    expect(approversFor('100000.01', consumer.approvalAuthority.finalApprovers)).toEqual(['RISK_MANAGER']);
  });

  it('never lets the initial reviewer also give final approval', () => {
    const riskManager = { userId: 'u-risk', role: 'RISK_MANAGER' as const };
    const denial = checkReviewAuthority({
      stage: 'FINAL',
      reviewer: riskManager,
      amount: '1000.00',
      initialReviewerId: 'u-risk',
      product: consumer,
    });
    expect(denial).toMatchObject({ status: 403, code: 'SEPARATION_OF_DUTIES' });
    expect(
      checkReviewAuthority({
        stage: 'FINAL',
        reviewer: riskManager,
        amount: '1000.00',
        initialReviewerId: 'u-init',
        product: consumer,
      }),
    ).toBeNull();
  });
});

describe('checkFinalChanges', () => {
  it('accepts changes within the product limits, and no changes', () => {
    expect(checkFinalChanges({ amount: '80000.00', annualRate: '0.1500', termCount: 24 }, consumer)).toEqual([]);
    expect(checkFinalChanges({}, consumer)).toEqual([]);
    expect(checkFinalChanges(undefined, consumer)).toEqual([]);
  });

  it('reports each change outside the product limits', () => {
    const problems = checkFinalChanges({ amount: '500.00', annualRate: '0.3000', termCount: 48 }, consumer);
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'changes.amount:AMOUNT_BELOW_MIN',
      'changes.annualRate:RATE_ABOVE_MAX',
      'changes.termCount:OUT_OF_RANGE',
    ]);
    expect(checkFinalChanges({ annualRate: '0.05' }, consumer, '').map((p) => `${p.field}:${p.code}`)).toEqual([
      'annualRate:RATE_BELOW_MIN',
    ]);
    expect(checkFinalChanges({ amount: 5000 }, consumer)[0]!.code).toBe('NOT_A_STRING');
  });
});
