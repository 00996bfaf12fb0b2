// A loan the borrower ends before any money moved: a withdrawal, or a cancellation after the
// payout account failed. Both send one update with the caller as actor and an optional reason,
// wait for the loans projection and audit the request.
import type { Context } from 'hono';
import { cancelLoanUpdate, withdrawUpdate } from '../contracts/definitions.js';
import type { LoanStatus } from '../domain/types.js';
import type { ApiDeps, AppEnv } from './env.js';
import { loanInScope } from './loan-access.js';
import { loanHandle } from './loan-workflows.js';
import { auditRequest } from './middleware/audit.js';
import { currentUser } from './middleware/auth.js';
import { projectionCaughtUp } from './projection-wait.js';
import { updateIdFor } from './update-id.js';
import { callWorkflow } from './workflow-errors.js';

const CLOSINGS = {
  withdraw: { update: withdrawUpdate, audit: 'LOAN_WITHDRAWN' },
  cancel: { update: cancelLoanUpdate, audit: 'LOAN_CANCELLED' },
} as const;

export async function closeLoanOnRequest(
  c: Context<AppEnv>,
  deps: ApiDeps,
  loanId: string,
  closing: keyof typeof CLOSINGS,
): Promise<{ loanId: string; status: LoanStatus }> {
  const user = currentUser(c);
  await loanInScope(deps.sql, user, loanId);
  const body = c.req.header('content-length') === '0' ? {} : await c.req.json<unknown>().catch(() => ({}));
  const reason =
    typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : undefined;
  const { update, audit } = CLOSINGS[closing];
  const view = await callWorkflow(() =>
    loanHandle(deps.temporal, loanId).executeUpdate(update, {
      args: [{ by: { userId: user.userId, role: user.role }, ...(reason ? { reason } : {}) }],
      updateId: updateIdFor(c, closing, user),
    }),
  );
  await projectionCaughtUp(deps.sql, loanId, view);
  await auditRequest(c, deps.sql, {
    action: audit,
    result: 'SUCCESS',
    resourceType: 'loan',
    resourceId: loanId,
    loanId,
  });
  return { loanId, status: view.status };
}
