// Finance's decisions on the refunds a loan owes its borrower (mounted at /v1/finance): approve or
// reject one above the product's approval threshold, retry one the bank refused. Each is a
// workflow update whose id comes from the Idempotency-Key, so a repeated request gets the first
// answer; the loan's workflow refuses a second decision on the same refund (409).
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { refundDecisionUpdate } from '../../contracts/definitions.js';
import type { RefundDecision } from '../../contracts/messages.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { loanInScope } from '../loan-access.js';
import { loanHandle } from '../loan-workflows.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { projectionCaughtUp } from '../projection-wait.js';
import { checkerDecisionRoutes, rejectionBody } from '../maker-checker-routes.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam } from '../schemas.js';
import { updateIdFor } from '../update-id.js';
import { bilingual } from '../validation.js';
import { callWorkflow } from '../workflow-errors.js';

const RefundParams = LoanIdParam.extend({
  refundId: z
    .string()
    .regex(/^R[1-9]\d{0,3}$/, bilingual('退款编号格式不正确（如 R1）', 'is not a refund id (such as R1)'))
    .openapi({ param: { name: 'refundId', in: 'path' }, example: 'R1' }),
});

const RefundStatusEnum = z.enum(['PENDING', 'APPROVAL', 'PAID', 'FAILED', 'REJECTED', 'CANCELLED']);
const Refund = z
  .object({
    refundId: z.string(),
    amount: z.string(),
    status: RefundStatusEnum,
    paymentId: z.string(),
    owedOn: z.string(),
    attempt: z.number(),
    idempotencyKey: z.string(),
    heldUntil: z.string().optional(),
    approvedBy: z.string().optional(),
    retriedBy: z.string().optional(),
    failureReason: z.string().optional(),
    paidOn: z.string().optional(),
  })
  .openapi('Refund');
const Answer = z.object({ loanId: z.string(), refund: Refund });

const ok = { description: 'Decided', schema: Answer };

const { approve, reject } = checkerDecisionRoutes({
  item: '/loans/{loanId}/refunds/{refundId}',
  access: 'refund:decide',
  params: RefundParams,
  approve: {
    summary: 'Approve a refund / 退款审批通过',
    description:
      'A refund above the product’s refundApprovalThreshold waits in APPROVAL; a finance user other than the one who recorded the payment approves it (403 otherwise) and the bank is asked to pay it. 409 once decided; the same Idempotency-Key repeats the first answer.',
    answer: ok,
  },
  reject: {
    summary: 'Reject a refund / 退款审批驳回',
    description:
      'With a reason. The refund becomes REJECTED: nothing is paid through the bank and the amount stays owed to the borrower as credit (it pays later installments; on a closed loan a BORROWER_CREDIT_SETTLE finance task asks finance to settle it). 409 once decided.',
    body: rejectionBody('RefundRejection'),
    answer: ok,
  },
});

const retry = secureRoute({
  method: 'post',
  path: '/loans/{loanId}/refunds/{refundId}/retry',
  access: 'refund:decide',
  summary: 'Retry a failed refund / 重新发起退款',
  description:
    'Only a FAILED refund (409 otherwise). A new attempt with a bank key of its own; the finance user who retries approves it, unless the loan’s refunds together pass the approval threshold: then it goes back to APPROVAL for a different finance user.',
  request: { params: RefundParams },
  responses: {
    200: { description: ok.description, content: { 'application/json': { schema: Answer } } },
    ...errorResponses,
  },
});

const ACTIONS = {
  APPROVE: { update: 'refund-approve', audit: 'REFUND_APPROVED' },
  REJECT: { update: 'refund-reject', audit: 'REFUND_REJECTED' },
  RETRY: { update: 'refund-retry', audit: 'REFUND_RETRIED' },
} as const;

async function decide(
  c: Context<AppEnv>,
  deps: ApiDeps,
  p: { loanId: string; refundId: string; action: RefundDecision['action']; reason?: string },
) {
  const user = currentUser(c);
  await loanInScope(deps.sql, user, p.loanId);
  const view = await callWorkflow(() =>
    loanHandle(deps.temporal, p.loanId).executeUpdate(refundDecisionUpdate, {
      args: [
        {
          refundId: p.refundId,
          action: p.action,
          ...(p.reason !== undefined ? { reason: p.reason } : {}),
          by: { userId: user.userId, role: user.role },
        },
      ],
      updateId: updateIdFor(c, `${ACTIONS[p.action].update}:${p.loanId}:${p.refundId}`, user),
    }),
  );
  await projectionCaughtUp(deps.sql, p.loanId, view);
  const refund = view.refunds!.find((r) => r.refundId === p.refundId)!;
  await auditRequest(c, deps.sql, {
    action: ACTIONS[p.action].audit,
    result: 'SUCCESS',
    resourceType: 'refund',
    resourceId: `${p.loanId}:${p.refundId}`,
    loanId: p.loanId,
    detail: { refundId: p.refundId, amount: refund.amount, ...(p.reason !== undefined ? { reason: p.reason } : {}) },
  });
  const { requestedBy: _maker, ...shown } = refund;
  return c.json({ loanId: p.loanId, refund: shown }, 200);
}

export const financeRefundRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(approve, (c) => decide(c, deps, { ...c.req.valid('param'), action: 'APPROVE' }));
  app.openapi(reject, (c) =>
    decide(c, deps, { ...c.req.valid('param'), action: 'REJECT', reason: c.req.valid('json').reason }),
  );
  app.openapi(retry, (c) => decide(c, deps, { ...c.req.valid('param'), action: 'RETRY' }));
  return app;
};
