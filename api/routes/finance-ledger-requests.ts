// Month-end closes and capital injections for checkers (mounted at /v1/finance): the list of
// requests, approve (by a finance user other than the maker: the month is closed or the capital
// posted) and reject with a reason. Every step, refusals included, is audited.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findLedgerRequest, listLedgerRequests } from '../../db/ledger-requests.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { LedgerRequestSchema, LedgerRequestStatusEnum, ledgerRequestView } from '../ledger-request-view.js';
import { approveLedgerRequest, rejectLedgerRequestBy, type Checker } from '../ledger-requests.js';
import { auditRequest } from '../middleware/audit.js';
import { refusalsAudited } from '../checker-refusals.js';
import { currentUser } from '../middleware/auth.js';
import { checkerDecisionRoutes, checkerListRoute, rejectionBody } from '../maker-checker-routes.js';
import { idempotencyKeyOf } from '../update-id.js';
import { bilingual } from '../validation.js';

const MAX_LISTED = 500;

const RequestIdParam = z.object({
  requestId: z
    .string()
    .regex(/^lr-[0-9a-f-]{36}$/, bilingual('requestId 格式不正确', 'is not a ledger request id'))
    .openapi({ param: { name: 'requestId', in: 'path' } }),
});

const ClosedPeriodSchema = z.object({ period: z.string(), closedBy: z.string(), closedAt: z.string() });
const InjectionSchema = z.object({
  injectionId: z.string(),
  amount: z.string(),
  effectiveOn: z.string(),
  postedOn: z.string(),
  reference: z.string(),
  recordedBy: z.string(),
});

const list = checkerListRoute({
  path: '/ledger-requests',
  access: 'ledger:close',
  summary: 'Month-end closes and capital injections for checkers / 待复核结账与注资',
  maxListed: MAX_LISTED,
  status: LedgerRequestStatusEnum,
  item: LedgerRequestSchema,
  description: 'Requests',
});

const { approve, reject } = checkerDecisionRoutes({
  item: '/ledger-requests/{requestId}',
  access: 'ledger:close',
  params: RequestIdParam,
  approve: {
    summary: 'Approve a close or capital injection / 复核通过结账或注资',
    description:
      'By a finance user other than the maker (403 otherwise): the month is closed, or the capital posted (Dr BANK, Cr FUNDING_CAPITAL), in the transaction that approves it. Of two approvals at once one wins, the other is 409; the same Idempotency-Key from the same checker repeats the first answer.',
    answer: {
      description: 'Approved and done',
      schema: z.object({
        requestId: z.string(),
        status: z.literal('APPROVED'),
        request: LedgerRequestSchema,
        closed: ClosedPeriodSchema.nullable(),
        injection: InjectionSchema.nullable(),
      }),
    },
  },
  reject: {
    summary: 'Reject a close or capital injection / 复核驳回结账或注资',
    description:
      'By a finance user other than the maker, with a reason. Nothing is closed or posted; 409 once decided.',
    body: rejectionBody('LedgerRequestRejection'),
    answer: { description: 'Rejected', schema: LedgerRequestSchema },
  },
});

type Step = 'LEDGER_REQUEST_APPROVE' | 'LEDGER_REQUEST_REJECT';

/** Runs a checker's decision; a refusal (own request, already decided) is audited as DENIED. */
function decided<T>(
  c: Context<AppEnv>,
  sql: ApiDeps['sql'],
  action: Step,
  requestId: string,
  decide: () => Promise<T>,
) {
  return refusalsAudited(
    c,
    sql,
    action,
    {
      resourceType: 'ledger_request',
      resourceId: requestId,
      find: async () => ({ maker: (await findLedgerRequest(sql, requestId))?.requestedBy ?? null }),
    },
    decide,
  );
}

function checkerOf(c: Context<AppEnv>): Checker {
  const user = currentUser(c);
  return { userId: user.userId, decisionKey: idempotencyKeyOf(c, user) };
}

export const financeLedgerRequestRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const audit =
    (c: Context<AppEnv>) => (sql: Parameters<typeof auditRequest>[1], e: Parameters<typeof auditRequest>[2]) =>
      auditRequest(c, sql, e);

  app.openapi(list, async (c) => {
    const { status } = c.req.valid('query');
    const now = deps.now();
    const items = await listLedgerRequests(deps.sql, status, MAX_LISTED);
    return c.json({ items: items.map((r) => ledgerRequestView(r, now)) }, 200);
  });

  app.openapi(approve, async (c) => {
    const { requestId } = c.req.valid('param');
    const checker = checkerOf(c);
    const approved = await decided(c, deps.sql, 'LEDGER_REQUEST_APPROVE', requestId, () =>
      approveLedgerRequest(deps.sql, requestId, checker, audit(c)),
    );
    return c.json(
      {
        requestId,
        status: 'APPROVED' as const,
        request: ledgerRequestView(approved.request, deps.now()),
        closed: approved.closed,
        injection: approved.injection,
      },
      200,
    );
  });

  app.openapi(reject, async (c) => {
    const { requestId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const checker = checkerOf(c);
    const rejected = await decided(c, deps.sql, 'LEDGER_REQUEST_REJECT', requestId, () =>
      rejectLedgerRequestBy(deps.sql, requestId, checker, reason, audit(c)),
    );
    return c.json(ledgerRequestView(rejected, deps.now()), 200);
  });

  return app;
};
