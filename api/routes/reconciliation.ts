// Reconciliation runs for finance (mounted at /v1/finance): run every check now (the clearing
// accounts and receivables included) and store it with the finance task of each finding, read the
// latest stored run, and list the reconciliation tasks.
import { z } from '@hono/zod-openapi';
import { latestRun, reconcileAndRecord, reconciliationTasks, type StoredRun } from '../../db/reconciliation-runs.js';
import { findingKey } from '../../domain/reconciliation.js';
import { createBankClient } from '../../partners/bank-client.js';
import { createGatewayClient } from '../../partners/gateway-client.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';

const Finding = z.object({
  code: z.string(),
  loanId: z.string().nullable(),
  ref: z.string().nullable(),
  text: z.object({ zh: z.string(), en: z.string() }),
  key: z.string(),
});

const Task = z
  .object({
    taskId: z.string(),
    key: z.string(),
    loanId: z.string().nullable(),
    status: z.enum(['OPEN', 'DONE', 'CANCELLED']),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    findings: z.array(Finding.omit({ key: true })),
    openedInRun: z.number(),
    lastSeenInRun: z.number(),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
    resolution: z.string().nullable(),
  })
  .openapi('ReconciliationTask');

const Run = z
  .object({
    runId: z.number(),
    runAt: z.string(),
    runBy: z.string(),
    clean: z.boolean(),
    checkedAt: z.string(),
    counts: z.record(z.string(), z.number()),
    totals: z.object({ debits: z.string(), credits: z.string() }),
    findings: z.array(Finding),
    tasksOpened: z.number(),
    tasksClosed: z.number(),
    tasksOpen: z.number(),
    openTasks: z.array(Task),
  })
  .openapi('ReconciliationRun');

const runNow = secureRoute({
  method: 'post',
  path: '/reconciliation/runs',
  access: 'reconciliation:run',
  summary: 'Run reconciliation and open a task per finding / 执行对账',
  description:
    'Every check of GET /reconciliation, and the clearing accounts against the partners’ records (every BANK line against the bank’s statement, PAYMENT_GATEWAY against the gateway’s settlement files, CASH_ON_HAND against the counter’s approved postings) and each loan’s interest, fee and penalty receivables against its account. The run is stored; each finding key has one open FINANCE task with an owner, and a task whose finding is no longer found is closed with a note.',
  responses: {
    201: { description: 'The stored run', content: { 'application/json': { schema: Run } } },
    ...errorResponses,
  },
});

const latest = secureRoute({
  method: 'get',
  path: '/reconciliation/runs/latest',
  access: 'reconciliation:run',
  summary: 'The latest reconciliation run / 最近一次对账',
  responses: {
    200: { description: 'The latest stored run and the open tasks', content: { 'application/json': { schema: Run } } },
    ...errorResponses,
  },
});

const tasks = secureRoute({
  method: 'get',
  path: '/reconciliation/tasks',
  access: 'reconciliation:run',
  summary: 'Reconciliation tasks / 对账差异任务',
  request: {
    query: z.object({
      status: z.enum(['OPEN', 'DONE']).default('OPEN'),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
  },
  responses: {
    200: {
      description: 'Tasks, oldest first',
      content: { 'application/json': { schema: z.object({ tasks: z.array(Task) }) } },
    },
    ...errorResponses,
  },
});

export const reconciliationRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const { BANK_URL, GATEWAY_URL } = deps.config;
  const sources =
    BANK_URL && GATEWAY_URL
      ? {
          bank: createBankClient({ baseUrl: BANK_URL, log: deps.log, timeoutMs: 10_000 }),
          gateway: createGatewayClient({ baseUrl: GATEWAY_URL, log: deps.log, timeoutMs: 10_000 }),
        }
      : null;

  const present = async (run: StoredRun) => ({
    runId: run.runId,
    runAt: run.runAt,
    runBy: run.runBy,
    ...run.report,
    findings: run.report.findings.map((f) => ({ ...f, key: findingKey(f) })),
    tasksOpened: run.tasksOpened,
    tasksClosed: run.tasksClosed,
    tasksOpen: run.tasksOpen,
    openTasks: await reconciliationTasks(deps.sql, { status: 'OPEN', limit: 1000 }),
  });

  app.openapi(runNow, async (c) => {
    const user = currentUser(c);
    if (!sources)
      throw new ApiError(503, 'PARTNERS_NOT_CONFIGURED', {
        zh: '未配置银行或支付网关接口',
        en: 'BANK_URL and GATEWAY_URL must both be configured',
      });
    const run = await reconcileAndRecord(deps.sql, sources, { id: user.userId, role: user.role }, deps.now());
    return c.json(await present(run), 201);
  });

  app.openapi(latest, async (c) => {
    const run = await latestRun(deps.sql);
    if (!run)
      throw new ApiError(404, 'NO_RECONCILIATION_RUN', { zh: '尚未执行过对账', en: 'No reconciliation has run yet' });
    return c.json(await present(run), 200);
  });

  app.openapi(tasks, async (c) => {
    const q = c.req.valid('query');
    return c.json({ tasks: await reconciliationTasks(deps.sql, { status: q.status, limit: q.limit }) }, 200);
  });

  return app;
};
