// Classification overrides (五级分类调整, maker-checker; mounted at /v1): a risk manager proposes a
// class for a paid-out loan with a reason, a second risk manager approves or rejects it. The
// approved class holds over the computed class until lifted (an approved override to COMPUTED) or
// until the computed class is worse (domain/classification.ts effectiveClass; SQL
// effective_classification). Each step is audited; refusals of a checker are audited as DENIED.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  approveOverride,
  findOverride,
  proposeOverride,
  rejectOverride,
  type ClassificationOverride,
  type DecideOutcome,
} from '../../db/classification-overrides.js';
import { localDateOf } from '../../domain/business-time.js';
import { LOAN_CLASSES } from '../../domain/types.js';
import { newRouter, type RouteModule } from '../app.js';
import { refusalsAudited } from '../checker-refusals.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { checkerDecisionRoutes, rejectionBody } from '../maker-checker-routes.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam } from '../schemas.js';
import { bilingual } from '../validation.js';

const TargetEnum = z.enum([...LOAN_CLASSES, 'COMPUTED']).openapi({
  description: 'The class to hold (五级分类), or COMPUTED to lift the override and return to the computed class',
});

const OverrideIdParam = z.object({
  overrideId: z
    .string()
    .uuid(bilingual('调整编号格式不正确', 'is not an override id'))
    .openapi({ param: { name: 'overrideId', in: 'path' } }),
});

const Proposal = z
  .object({
    toClass: TargetEnum,
    reason: z
      .string()
      .trim()
      .min(1, bilingual('须填写调整原因', 'a reason is required'))
      .max(500, bilingual('原因最多 500 字', 'at most 500 characters')),
  })
  .strict()
  .openapi('ClassificationOverrideProposal');

const Override = z
  .object({
    overrideId: z.string(),
    loanId: z.string(),
    toClass: TargetEnum,
    reason: z.string(),
    status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
    proposedBy: z.string(),
    proposedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    rejectReason: z.string().nullable(),
  })
  .openapi('ClassificationOverride');

const propose = secureRoute({
  method: 'post',
  path: '/loans/{loanId}/classification-overrides',
  access: 'classification:override',
  summary: 'Propose a classification override / 提议五级分类调整',
  description:
    'A risk manager proposes the class a paid-out loan (ACTIVE, OVERDUE or NEEDS_ATTENTION) should hold, with a reason; COMPUTED lifts an override. It takes effect when a second risk manager approves it. 409 when one is already pending for the loan or the loan is not serviced.',
  request: {
    params: LoanIdParam,
    body: { content: { 'application/json': { schema: Proposal } }, required: true },
  },
  responses: {
    201: { description: 'Proposed, pending approval', content: { 'application/json': { schema: Override } } },
    ...errorResponses,
  },
});

const { approve, reject } = checkerDecisionRoutes({
  item: '/classification-overrides/{overrideId}',
  access: 'classification:override',
  params: OverrideIdParam,
  approve: {
    summary: 'Approve a classification override / 复核通过五级分类调整',
    description:
      'By a risk manager other than the proposer (403 OWN_PROPOSAL otherwise). The loan’s class becomes the approved one unless the computed class is worse; its provision moves to the new class; the timeline gets CLASSIFICATION_OVERRIDDEN (from, to). Two checkers at once: one 200, the other 409.',
    answer: {
      description: 'Approved: the loan’s class before and after',
      schema: z
        .object({
          override: Override,
          from: z.enum(LOAN_CLASSES),
          to: z.enum(LOAN_CLASSES),
        })
        .openapi('ClassificationOverrideApproval'),
    },
  },
  reject: {
    summary: 'Reject a classification override / 驳回五级分类调整',
    description: 'By a risk manager other than the proposer, with a reason. Nothing changes; 409 once decided.',
    body: rejectionBody('ClassificationOverrideRejection'),
    answer: { description: 'Rejected', schema: Override },
  },
});

const OWN_PROPOSAL = {
  zh: '提议人不能复核自己的五级分类调整（双人复核）',
  en: 'The proposer cannot decide their own classification override (maker-checker)',
};

/** The override a decision made, or the refusal it met, as an ApiError. */
function decidedOrThrown(outcome: DecideOutcome): Extract<DecideOutcome, { kind: 'DECIDED' }> {
  switch (outcome.kind) {
    case 'DECIDED':
      return outcome;
    case 'NOT_FOUND':
      throw ApiError.notFound({ zh: '五级分类调整', en: 'Classification override' });
    case 'OWN_PROPOSAL':
      throw ApiError.forbidden(OWN_PROPOSAL, 'OWN_PROPOSAL');
    case 'ALREADY_DECIDED':
      throw ApiError.conflict('ALREADY_DECIDED', {
        zh: `该调整已处理（${outcome.override.status}）`,
        en: `The override was already decided (${outcome.override.status})`,
      });
    case 'NOT_SERVICED':
      throw ApiError.conflict('WRONG_STAGE', {
        zh: `贷款状态为 ${outcome.status}，不能调整分类`,
        en: `The loan is ${outcome.status}; its class cannot be overridden`,
      });
  }
}

type Action = 'CLASSIFICATION_OVERRIDE_APPROVE' | 'CLASSIFICATION_OVERRIDE_REJECT';

async function decided(
  c: Context<AppEnv>,
  sql: ApiDeps['sql'],
  action: Action,
  overrideId: string,
  decide: () => Promise<DecideOutcome>,
) {
  return refusalsAudited(
    c,
    sql,
    action,
    {
      resourceType: 'classification_override',
      resourceId: overrideId,
      find: async () => {
        const o = await findOverride(sql, overrideId);
        return { maker: o?.proposedBy ?? null, loanId: o?.loanId ?? null };
      },
    },
    async () => decidedOrThrown(await decide()),
  );
}

function audited(c: Context<AppEnv>, sql: ApiDeps['sql'], action: string, o: ClassificationOverride, extra = {}) {
  return auditRequest(c, sql, {
    action,
    result: 'SUCCESS',
    resourceType: 'classification_override',
    resourceId: o.overrideId,
    loanId: o.loanId,
    detail: { toClass: o.toClass, maker: o.proposedBy, checker: o.decidedBy, ...extra },
  });
}

export const classificationOverrideRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(propose, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const { toClass, reason } = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const outcome = await proposeOverride(deps.sql, { loanId, toClass, reason, proposedBy: user.userId });
    if (outcome.kind === 'PENDING_EXISTS')
      throw ApiError.conflict('OVERRIDE_PENDING', {
        zh: `该贷款已有待复核的五级分类调整（${outcome.overrideId}）`,
        en: `An override is already pending for this loan (${outcome.overrideId})`,
      });
    if (outcome.kind === 'NOT_SERVICED')
      throw ApiError.conflict('WRONG_STAGE', {
        zh: `贷款状态为 ${outcome.status}，只能调整已放款且在还款中的贷款`,
        en: `The loan is ${outcome.status}; only a paid-out loan being serviced can be reclassified`,
      });
    await audited(c, deps.sql, 'CLASSIFICATION_OVERRIDE_PROPOSE', outcome.override, { reason });
    return c.json(outcome.override, 201);
  });

  app.openapi(approve, async (c) => {
    const user = currentUser(c);
    const { overrideId } = c.req.valid('param');
    const on = localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);
    const { override, from, to } = await decided(c, deps.sql, 'CLASSIFICATION_OVERRIDE_APPROVE', overrideId, () =>
      approveOverride(deps.sql, { overrideId, checker: user.userId, checkerRole: user.role, on }),
    );
    await audited(c, deps.sql, 'CLASSIFICATION_OVERRIDE_APPROVE', override, { from, to });
    return c.json({ override, from: from!, to: to! }, 200);
  });

  app.openapi(reject, async (c) => {
    const user = currentUser(c);
    const { overrideId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const { override } = await decided(c, deps.sql, 'CLASSIFICATION_OVERRIDE_REJECT', overrideId, () =>
      rejectOverride(deps.sql, { overrideId, checker: user.userId, reason }),
    );
    await audited(c, deps.sql, 'CLASSIFICATION_OVERRIDE_REJECT', override, { reason });
    return c.json(override, 200);
  });

  return app;
};
