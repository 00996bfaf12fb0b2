// A held application whose screening hit a compliance officer cleared becomes a loan: stored as the
// application route stores one (same loan id, same Idempotency-Key), then its workflow is started.
// Both steps are idempotent, so clearing again after a failure (Temporal away, another application
// of the borrower in flight) finishes the job without a second loan.
import type { Context } from 'hono';
import { insertLoanApplication } from '../db/loans.js';
import { heldApplication } from '../db/aml-reviews.js';
import { borrowerHash } from '../security/blind-index.js';
import type { ApiDeps, AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { initialViewFields, loanWorkflowInput, startLoanWorkflow } from './loan-workflows.js';
import { auditRequest } from './middleware/audit.js';
import { callWorkflow } from './workflow-errors.js';

export async function startClearedApplication(
  c: Context<AppEnv>,
  deps: ApiDeps,
  reviewId: string,
): Promise<{ loanId: string; created: boolean }> {
  const held = await heldApplication(deps.sql, deps.cipher, reviewId);
  if (!held) throw ApiError.notFound({ zh: '待复核申请', en: 'Held application' });
  const { application, product } = held;
  const input = loanWorkflowInput({
    loanId: held.loanId,
    borrowerId: held.borrowerId,
    borrowerHash: borrowerHash(deps.keyring, application.applicant.idNumber),
    channel: held.channel,
    product,
    application,
    annualRate: product.defaultRate,
  });
  const result = await insertLoanApplication(deps.sql, deps.cipher, {
    loanId: held.loanId,
    borrowerId: held.borrowerId,
    createdBy: held.createdBy,
    channel: held.channel,
    product,
    application,
    annualRate: product.defaultRate,
    // The applicant's own key when they gave one (a retry of their request then finds this loan).
    idempotencyKey: held.idempotencyKey ?? `aml-review:${reviewId}`,
    idempotencyBodySha256: held.idempotencyBodySha256 ?? undefined,
    sourceIp: held.sourceIp ?? undefined,
    viewFields: initialViewFields(input),
  });
  if (result.kind === 'IN_FLIGHT') {
    throw ApiError.conflict('APPLICATION_IN_FLIGHT', {
      zh: `该借款人已有一笔在途申请（${result.loanId}），待其结束后再次放行即可创建本笔申请`,
      en: `The borrower has another application in progress (${result.loanId}); clear again once it has finished to create this one`,
    });
  }
  if (result.kind === 'KEY_REUSED' || result.loanId !== held.loanId) {
    throw ApiError.conflict('IDEMPOTENCY_KEY_REUSED', {
      zh: `该申请的 Idempotency-Key 已用于另一笔贷款（${result.loanId}）`,
      en: `The application's Idempotency-Key was used for another loan (${result.loanId})`,
    });
  }
  await callWorkflow(() =>
    startLoanWorkflow(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, input, deps.config.BUSINESS_TIME_ZONE),
  );
  if (result.kind === 'CREATED') {
    await auditRequest(c, deps.sql, {
      action: 'LOAN_APPLICATION_SUBMITTED',
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: held.loanId,
      loanId: held.loanId,
      detail: {
        channel: held.channel,
        loanType: application.loanType,
        amount: application.amount,
        clearedReviewId: reviewId,
      },
    });
  }
  return { loanId: held.loanId, created: result.kind === 'CREATED' };
}
