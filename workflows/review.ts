// Phase 3: initial review (completeness and compliance), then final review (overall
// assessment). Decisions arrive as the `review` Update; its validator has already checked
// stage, role, authority and separation of duties.
import { patched } from '@temporalio/workflow';
import { records } from './activity-proxies.js';
import { PATCHES } from './patches.js';
import { changeStatus, nowIso, record, type LoanContext } from './context.js';
import type { ReviewInput, ReviewStage } from '../contracts/messages.js';
import type { IntakeState } from './intake.js';
import { refreshMissing } from './intake.js';
import { waitUntil, DAY_MS } from './waiting.js';

export type ReviewOutcome = 'APPROVED' | 'REJECTED' | 'MORE_DOCUMENTS' | 'WITHDRAWN';

export interface ReviewState {
  /** A decision the update handler accepted and the phase has not yet acted on. */
  pending?: ReviewInput & { at: string };
}

const STAGE_STATUS = { INITIAL: 'INITIAL_REVIEW', FINAL: 'FINAL_REVIEW' } as const;
const STAGE_ROLE = { INITIAL: 'INITIAL_REVIEWER', FINAL: 'FINAL_REVIEWER' } as const;
const STAGE_TEXT = {
  INITIAL: { zh: '初审', en: 'Initial review' },
  FINAL: { zh: '终审', en: 'Final review' },
} as const;

export async function reviewStage(
  ctx: LoanContext,
  state: ReviewState,
  intakeState: IntakeState,
  stage: ReviewStage,
): Promise<ReviewOutcome> {
  const round = ctx.view.reviews.filter((r) => r.stage === stage).length + 1;
  const taskKey = `${STAGE_STATUS[stage]}:${round}`;
  // The round opens for one decision with the status, in one step: the update handler takes it.
  ctx.view.openReview = { stage, round, since: nowIso() };
  await changeStatus(ctx, STAGE_STATUS[stage]);
  await records.openTask({
    loanId: ctx.view.loanId,
    kind: STAGE_STATUS[stage],
    taskKey,
    role: STAGE_ROLE[stage],
    dueAt: new Date(Date.now() + 2 * DAY_MS).toISOString(),
    detail: {
      amount: ctx.view.requested.amount,
      loanType: ctx.view.loanType,
      grade: ctx.view.assessment?.grade ?? null,
    },
  });

  const outcome = await waitUntil(ctx, () => state.pending?.stage === stage);
  delete ctx.view.openReview;
  if (outcome === 'WITHDRAWN') {
    await records.closeTask({ loanId: ctx.view.loanId, taskKey, status: 'CANCELLED' });
    return 'WITHDRAWN';
  }
  const review = state.pending!;
  state.pending = undefined;
  const changes = stage === 'FINAL' && review.decision === 'APPROVE' ? pickChanges(review) : undefined;
  ctx.view.reviews.push({
    stage,
    decision: review.decision,
    comment: review.comment,
    reviewer: review.reviewer,
    at: review.at,
    ...(changes ? { changes } : {}),
    ...(review.commentForBorrower && patched(PATCHES.REVIEW_COMMENT_FOR_BORROWER)
      ? { commentForBorrower: review.commentForBorrower }
      : {}),
  });
  if (changes) ctx.view.requested = { ...ctx.view.requested, ...changes };

  await records.closeTask({ loanId: ctx.view.loanId, taskKey, status: 'DONE', closedBy: review.reviewer.userId });
  const reviewerColumn = stage === 'INITIAL' ? 'initialReviewerId' : 'finalReviewerId';
  await record(
    ctx,
    `REVIEW_${stage}_${review.decision}`,
    {
      zh: `${STAGE_TEXT[stage].zh}：${decisionText(review.decision).zh}。${review.comment}`,
      en: `${STAGE_TEXT[stage].en}: ${decisionText(review.decision).en}. ${review.comment}`,
    },
    {
      actor: review.reviewer,
      detail: { changes: changes ?? null },
      projection: { [reviewerColumn]: review.reviewer.userId },
    },
  );

  if (review.decision === 'REJECT') return 'REJECTED';
  if (review.decision === 'REQUEST_DOCUMENTS') {
    const since = nowIso();
    for (const type of review.documents ?? []) intakeState.requests.push({ type, since });
    refreshMissing(ctx, intakeState);
    return 'MORE_DOCUMENTS';
  }
  return 'APPROVED';
}

function pickChanges(review: ReviewInput) {
  const changes: { amount?: string; annualRate?: string; termCount?: number } = {};
  if (review.amount !== undefined) changes.amount = review.amount;
  if (review.annualRate !== undefined) changes.annualRate = review.annualRate;
  if (review.termCount !== undefined) changes.termCount = review.termCount;
  return Object.keys(changes).length > 0 ? changes : undefined;
}

function decisionText(decision: ReviewInput['decision']) {
  return {
    APPROVE: { zh: '通过', en: 'approved' },
    REJECT: { zh: '拒绝', en: 'rejected' },
    REQUEST_DOCUMENTS: { zh: '要求补充资料', en: 'more documents requested' },
  }[decision];
}
