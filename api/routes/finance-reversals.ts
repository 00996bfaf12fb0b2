// Reversals of applied repayments for finance (mounted at /v1/finance): a maker requests one with
// a reason, a different finance user approves (the loan reverses it) or rejects it with a reason,
// and checkers list what waits for them. Every step, refusals included, is audited.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findReversal, listReversals, type ReversalRequest } from '../../db/payment-reversals.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { approveReversal, rejectReversalRequest, requestPaymentReversal } from '../payment-reversals.js';
import { checkerDecisionRoutes, checkerListRoute } from '../maker-checker-routes.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import { ReversalResult } from '../repayment-schemas.js';
import { updateIdFor } from '../update-id.js';
import { bilingual } from '../validation.js';

const MAX_LISTED = 500;

const PaymentIdParam = z.object({
  paymentId: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,120}$/, bilingual('paymentId 格式不正确', 'must be 1–120 letters, digits or :_.-'))
    .openapi({ param: { name: 'paymentId', in: 'path' } }),
});

const StatusEnum = z.enum(['PENDING_APPROVAL', 'APPROVED', 'REJECTED']);

const Reversal = z
  .object({
    paymentId: z.string(),
    loanId: z.string(),
    reason: z.string(),
    status: StatusEnum,
    maker: z.object({ userId: z.string(), username: z.string().nullable() }),
    requestedAt: z.string(),
    checkedBy: z.string().nullable(),
    checkedAt: z.string().nullable(),
    rejectReason: z.string().nullable(),
    reversedAt: z.string().nullable(),
  })
  .openapi('PaymentReversal');

function reversalView(r: ReversalRequest): z.infer<typeof Reversal> {
  return {
    paymentId: r.paymentId,
    loanId: r.loanId,
    reason: r.reason,
    status: r.status,
    maker: { userId: r.requestedBy, username: r.requestedByName },
    requestedAt: r.requestedAt.toISOString(),
    checkedBy: r.checkedBy,
    checkedAt: r.checkedAt?.toISOString() ?? null,
    rejectReason: r.rejectReason,
    reversedAt: r.reversedAt?.toISOString() ?? null,
  };
}

const ReasonBody = z
  .object({
    reason: z
      .string({ error: bilingual('须填写原因', 'a reason is required') })
      .trim()
      .min(1, bilingual('须填写原因', 'a reason is required'))
      .max(500, bilingual('原因最多 500 字', 'at most 500 characters')),
  })
  .strict()
  .openapi('ReversalReason');

const list = checkerListRoute({
  path: '/reversals',
  access: 'repayment:record',
  summary: 'Reversal requests for checkers / 待复核冲正',
  maxListed: MAX_LISTED,
  status: StatusEnum,
  item: Reversal,
  description: 'Reversal requests',
});

const request = secureRoute({
  method: 'post',
  path: '/repayments/{paymentId}/reversal',
  access: 'repayment:record',
  summary: 'Request the reversal of a repayment / 申请冲正还款',
  description:
    'A finance user asks, with a reason, for an applied repayment to be reversed; nothing changes until a different finance user approves. The same payment again answers the stored request. 409 when the loan is paid off or closed.',
  request: {
    params: PaymentIdParam,
    body: { content: { 'application/json': { schema: ReasonBody } }, required: true },
  },
  responses: {
    202: { description: 'Waiting for a checker', content: { 'application/json': { schema: Reversal } } },
    ...errorResponses,
  },
});

const { approve, reject } = checkerDecisionRoutes({
  item: '/repayments/{paymentId}/reversal',
  access: 'repayment:record',
  params: PaymentIdParam,
  approve: {
    summary: 'Approve a reversal / 复核通过冲正',
    description:
      'By a finance user other than the maker (403 otherwise). The loan rebuilds its balances, schedule and classification without the payment and posts the reversing entries. An Idempotency-Key makes a retry answer the first outcome; 409 once decided.',
    answer: {
      description: 'Reversed',
      schema: z.object({
        paymentId: z.string(),
        status: z.literal('APPROVED'),
        reversal: ReversalResult,
      }),
    },
  },
  reject: {
    summary: 'Reject a reversal / 复核驳回冲正',
    description: 'By a finance user other than the maker, with a reason. Nothing is reversed; 409 once decided.',
    body: ReasonBody,
    answer: { description: 'Rejected', schema: Reversal },
  },
});

type Step = 'REVERSAL_REQUEST' | 'REVERSAL_APPROVE' | 'REVERSAL_REJECT';

/** Runs a step; a refusal (own request, already decided, refused by the loan) is audited as DENIED. */
async function audited<T>(
  c: Context<AppEnv>,
  sql: ApiDeps['sql'],
  action: Step,
  paymentId: string,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof ApiError && err.status !== 404 && err.status < 500) {
      const r = await findReversal(sql, paymentId);
      await auditRequest(c, sql, {
        action,
        result: 'DENIED',
        resourceType: 'repayment',
        resourceId: paymentId,
        loanId: r?.loanId ?? null,
        detail: { reason: err.code, maker: r?.requestedBy ?? null },
      });
    }
    throw err;
  }
}

function auditDecided(c: Context<AppEnv>, sql: ApiDeps['sql'], action: Step, r: ReversalRequest, extra = {}) {
  return auditRequest(c, sql, {
    action,
    result: 'SUCCESS',
    resourceType: 'repayment',
    resourceId: r.paymentId,
    loanId: r.loanId,
    detail: {
      maker: r.requestedBy,
      checker: r.checkedBy,
      reason: r.reason,
      ...(r.rejectReason ? { rejectReason: r.rejectReason } : {}),
      ...extra,
    },
  });
}

export const financeReversalRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(list, async (c) => {
    const { status } = c.req.valid('query');
    const items = await listReversals(deps.sql, status, MAX_LISTED);
    return c.json({ items: items.map(reversalView) }, 200);
  });

  app.openapi(request, async (c) => {
    const { paymentId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const maker = currentUser(c).userId;
    const stored = await audited(c, deps.sql, 'REVERSAL_REQUEST', paymentId, () =>
      requestPaymentReversal(deps.sql, { paymentId, reason, requestedBy: maker }, (event) =>
        auditRequest(c, deps.sql, event),
      ),
    );
    return c.json(reversalView(stored), 202);
  });

  app.openapi(approve, async (c) => {
    const { paymentId } = c.req.valid('param');
    const user = currentUser(c);
    const updateId = updateIdFor(c, `reverse-payment:${paymentId}`, user);
    const { request: approved, result } = await audited(c, deps.sql, 'REVERSAL_APPROVE', paymentId, () =>
      approveReversal(deps, paymentId, { userId: user.userId, role: user.role }, updateId),
    );
    await auditDecided(c, deps.sql, 'REVERSAL_APPROVE', approved, {
      entries: result.entries,
      status: result.status,
      duplicate: result.duplicate,
    });
    return c.json({ paymentId, status: 'APPROVED' as const, reversal: result }, 200);
  });

  app.openapi(reject, async (c) => {
    const { paymentId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const checker = currentUser(c).userId;
    const rejected = await audited(c, deps.sql, 'REVERSAL_REJECT', paymentId, () =>
      rejectReversalRequest(deps.sql, paymentId, checker, reason),
    );
    await auditDecided(c, deps.sql, 'REVERSAL_REJECT', rejected);
    return c.json(reversalView(rejected), 200);
  });

  return app;
};
