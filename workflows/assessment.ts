// Phase 2: gather the credit data by activities, then score and decide with pure domain code.
import { patched } from '@temporalio/workflow';
import { monthlyRepaymentBurden } from '../domain/repayment-burden.js';
import { assessCredit } from '../domain/scoring.js';
import { decide } from '../domain/decision.js';
import { partners, records } from './activity-proxies.js';
import { changeStatus, record, today, type LoanContext } from './context.js';
import { buildOffer } from './offer.js';
import { PATCHES } from './patches.js';

export type AssessmentOutcome = 'DECLINE' | 'AUTO_APPROVE' | 'REVIEW';

export async function assess(ctx: LoanContext): Promise<AssessmentOutcome> {
  await changeStatus(ctx, 'ASSESSING');
  const { loanId } = ctx.view;
  const facts = await records.loadApplicationFacts(loanId);
  const [bureau, statement, history, guarantorBureau] = await Promise.all([
    partners.fetchCreditReport({ loanId, subject: 'APPLICANT' }),
    partners.analyzeBankStatement({ loanId }),
    records.loadRepaymentHistory({ borrowerId: ctx.input.borrowerId, excludeLoanId: loanId }),
    facts.application.guarantor
      ? partners.fetchCreditReport({ loanId, subject: 'GUARANTOR' })
      : Promise.resolve(undefined),
  ]);
  const estimate = buildOffer(ctx.input.product, ctx.view.requested, today(ctx));
  // Loans assessed before the patch counted only the first installment.
  const newInstallment = patched(PATCHES.DTI_LARGEST_PAYMENT)
    ? monthlyRepaymentBurden({ ...ctx.view.requested, installments: estimate.installments })
    : estimate.installments[0]!.total;
  const assessment = assessCredit({
    application: facts.application,
    product: ctx.input.product,
    bureau,
    statement,
    history,
    newInstallment,
    guarantorBureau,
    asOf: today(ctx),
  });
  const decision = decide(assessment, facts.application, ctx.input.product, facts.applicantAge);
  ctx.view.assessment = assessment;
  ctx.view.decision = { outcome: decision.outcome, reasons: decision.reasons };
  const gradeText = {
    zh: `评分 ${assessment.score}，等级 ${assessment.grade}`,
    en: `Score ${assessment.score}, grade ${assessment.grade}`,
  };
  await record(ctx, 'ASSESSED', gradeText, {
    detail: { outcome: decision.outcome },
    projection: { assessment },
  });
  return decision.outcome;
}
