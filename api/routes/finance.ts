// Finance and operations (mounted at /v1/finance): reconciliation, ledger reads, the global
// disbursement pause switch, and retrying a failed disbursement.
import { z } from '@hono/zod-openapi';
import { loanJournal, loanLines, runReconciliation } from '../../db/ledger-reads.js';
import { ACCOUNTS, ENTRY_KINDS, loanBalancesOf } from '../../domain/ledger.js';
import { createBankClient } from '../../partners/bank-client.js';
import { retryDisbursementUpdate } from '../../contracts/definitions.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { projectionCaughtUp } from '../projection-wait.js';
import { loanHandle } from '../loan-workflows.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import {
  AmountString,
  errorResponses,
  InstantString,
  KeyString,
  LoanIdParam,
  LoanIdString,
  LocalDateString,
  LoanStatusEnum,
} from '../schemas.js';
import { callWorkflow } from '../workflow-errors.js';
import { updateIdFor } from '../update-id.js';

const Finding = z.object({
  code: z.string(),
  loanId: z.string().nullable(),
  ref: z.string().nullable(),
  text: z.object({ zh: z.string(), en: z.string() }),
});
const Report = z
  .object({
    clean: z.boolean(),
    checkedAt: z.string(),
    counts: z.record(z.string(), z.number()),
    totals: z.object({ debits: z.string(), credits: z.string() }),
    findings: z.array(Finding),
  })
  .openapi('ReconciliationReport');

const reconciliation = secureRoute({
  method: 'get',
  path: '/reconciliation',
  access: 'reconciliation:run',
  summary: 'Reconcile the ledger / 对账',
  description:
    'Debits equal credits; each loan’s balance equals what its schedule and payments imply; the bank’s transfers, debits and incoming payments match the ledger one to one.',
  responses: {
    200: {
      description: 'The report; `clean` is false when anything was found',
      content: { 'application/json': { schema: Report } },
    },
    ...errorResponses,
  },
});

const JournalEntry = z
  .object({
    businessKey: KeyString.openapi({
      description: 'The business key that makes the entry unique, e.g. loan:<id>:disbursement',
    }),
    kind: z.enum(ENTRY_KINDS),
    effectiveOn: LocalDateString,
    externalRef: z.string().nullable(),
    memo: z.string(),
    createdAt: InstantString,
    lines: z.array(z.object({ account: z.enum(ACCOUNTS), debit: AmountString, credit: AmountString }).strict()),
  })
  .strict()
  .openapi('JournalEntry');

const loanLedger = secureRoute({
  method: 'get',
  path: '/ledger/loans/{loanId}',
  access: 'ledger:read',
  summary: 'A loan’s journal and balances / 单笔贷款分录',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'Journal entries oldest first, balances derived from them',
      content: {
        'application/json': {
          schema: z
            .object({
              loanId: LoanIdString,
              balances: z.record(z.string(), AmountString),
              entries: z.array(JournalEntry),
            })
            .strict(),
        },
      },
    },
    ...errorResponses,
  },
});

const PauseBody = z
  .object({ paused: z.boolean(), reason: z.string().min(1).max(500) })
  .strict()
  .openapi('DisbursementPause');
const PauseState = z.object({
  paused: z.boolean(),
  reason: z.string().nullable(),
  changedBy: z.string().nullable(),
  changedAt: z.string().nullable(),
});

const pause = secureRoute({
  method: 'put',
  path: '/disbursements/pause',
  access: 'disbursement:pause',
  summary: 'Pause or resume all disbursements / 暂停或恢复放款',
  description: 'Loans reaching disbursement while paused wait, and continue by themselves when resumed.',
  request: { body: { content: { 'application/json': { schema: PauseBody } }, required: true } },
  responses: {
    200: { description: 'The switch now', content: { 'application/json': { schema: PauseState } } },
    ...errorResponses,
  },
});

const pauseState = secureRoute({
  method: 'get',
  path: '/disbursements/pause',
  access: 'disbursement:read',
  summary: 'Whether disbursements are paused / 放款暂停状态',
  description: 'The switch, its reason, and who changed it when (null before anyone has). Changes are audited.',
  responses: {
    200: { description: 'The switch now', content: { 'application/json': { schema: PauseState } } },
    ...errorResponses,
  },
});

const retry = secureRoute({
  method: 'post',
  path: '/loans/{loanId}/disbursement/retry',
  access: 'disbursement:retry',
  summary: 'Retry a failed disbursement / 重新放款',
  description:
    'Only for a loan in DISBURSEMENT_FAILED (409 otherwise). The retry is a new transfer under its own idempotency key; the failed one can never pay.',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'The loan after the retry started',
      content: { 'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum }) } },
    },
    ...errorResponses,
  },
});

export const financeRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const bank = deps.config.BANK_URL
    ? createBankClient({ baseUrl: deps.config.BANK_URL, log: deps.log, timeoutMs: 10_000 })
    : null;

  app.openapi(reconciliation, async (c) => {
    if (!bank)
      throw new ApiError(503, 'BANK_NOT_CONFIGURED', { zh: '未配置银行接口', en: 'BANK_URL is not configured' });
    const report = await runReconciliation(deps.sql, bank, deps.now());
    await auditRequest(c, deps.sql, {
      action: 'RECONCILIATION_RUN',
      result: 'SUCCESS',
      detail: { clean: report.clean, findings: report.findings.length },
    });
    return c.json(report, 200);
  });

  app.openapi(loanLedger, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const [entries, lines] = await Promise.all([loanJournal(deps.sql, loanId, 5_000), loanLines(deps.sql, loanId)]);
    return c.json({ loanId, balances: { ...loanBalancesOf(lines) }, entries }, 200);
  });

  app.openapi(pause, async (c) => {
    const user = currentUser(c);
    const { paused, reason } = c.req.valid('json');
    const [row] = await deps.sql<
      { enabled: boolean; reason: string | null; changed_by: string | null; changed_at: Date }[]
    >`
      insert into system_flags (name, enabled, reason, changed_by, changed_at)
      values ('DISBURSEMENTS_PAUSED', ${paused}, ${reason}, ${user.userId}, now())
      on conflict (name) do update set enabled = excluded.enabled, reason = excluded.reason, changed_by = excluded.changed_by, changed_at = now()
      returning enabled, reason, changed_by, changed_at`;
    await auditRequest(c, deps.sql, {
      action: paused ? 'DISBURSEMENTS_PAUSED' : 'DISBURSEMENTS_RESUMED',
      result: 'SUCCESS',
      resourceType: 'system_flag',
      resourceId: 'DISBURSEMENTS_PAUSED',
      detail: { reason },
    });
    return c.json(
      {
        paused: row!.enabled,
        reason: row!.reason,
        changedBy: row!.changed_by,
        changedAt: row!.changed_at.toISOString(),
      },
      200,
    );
  });

  app.openapi(pauseState, async (c) => {
    const [row] = await deps.sql<
      { enabled: boolean; reason: string | null; changed_by: string | null; changed_at: Date }[]
    >`select enabled, reason, changed_by, changed_at from system_flags where name = 'DISBURSEMENTS_PAUSED'`;
    return c.json(
      {
        paused: row?.enabled ?? false,
        reason: row?.reason ?? null,
        changedBy: row?.changed_by ?? null,
        changedAt: row ? row.changed_at.toISOString() : null,
      },
      200,
    );
  });

  app.openapi(retry, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, user, loanId);
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(retryDisbursementUpdate, {
        args: [{ userId: user.userId, role: user.role }],
        updateId: updateIdFor(c, 'retry-disbursement', user),
      }),
    );
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: 'DISBURSEMENT_RETRY',
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
    });
    return c.json({ loanId, status: view.status }, 200);
  });

  return app;
};
