// Ops' way out for a loan parked in NEEDS_ATTENTION: retry the step that failed, or close a loan
// no money has left for. The workflow's validator checks the stage and the role.
import { z } from '@hono/zod-openapi';
import { resolveAttentionUpdate } from '../../contracts/definitions.js';
import { newRouter, type RouteModule } from '../app.js';
import { loanInScope } from '../loan-access.js';
import { loanHandle } from '../loan-workflows.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam, LoanStatusEnum } from '../schemas.js';
import { updateIdFor } from '../update-id.js';
import { bilingual } from '../validation.js';
import { callWorkflow } from '../workflow-errors.js';

const Resolution = z
  .object({
    action: z.enum(['RETRY', 'CLOSE']).openapi({
      description:
        'RETRY runs the failed step again with the same input and keys; CLOSE cancels a loan no money has left for',
    }),
    reason: z.string().trim().min(1, bilingual('请填写处理说明', 'reason is required')).max(500),
  })
  .strict()
  .openapi('AttentionResolution');

const resolve = secureRoute({
  method: 'post',
  path: '/{loanId}/attention',
  access: 'loan:resolve',
  summary: 'Resolve a loan that needs attention / 处理挂起的贷款',
  description:
    'Only for a loan in NEEDS_ATTENTION (409 otherwise). RETRY runs the step that failed again; CLOSE ends the loan as CANCELLED and is refused with 409 once the bank may have paid out. The same Idempotency-Key again is applied once.',
  request: { params: LoanIdParam, body: { content: { 'application/json': { schema: Resolution } }, required: true } },
  responses: {
    200: {
      description: 'The loan after the decision',
      content: { 'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum }) } },
    },
    ...errorResponses,
  },
});

export const attentionRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(resolve, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(resolveAttentionUpdate, {
        args: [{ action: body.action, reason: body.reason, by: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'resolve-attention', user),
      }),
    );
    await auditRequest(c, deps.sql, {
      action: `ATTENTION_${body.action}`,
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
      detail: { reason: body.reason },
    });
    return c.json({ loanId, status: view.status }, 200);
  });

  return app;
};
