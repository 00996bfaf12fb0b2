// Refusals of a signed-in caller: a missing permission (403), a password that must change first,
// or a resource outside the caller's scope (the 404 that hides another borrower's loan, or a 403
// for acting on someone else's). Every one is audited through auditAccessRefusal, as ACCESS_DENIED.
import type { Context } from 'hono';
import type { Sql } from '../lib/db-client.js';
import type { Permission } from '../security/permissions.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { auditRequest } from './middleware/audit.js';

export interface AccessRefusal {
  reason: 'PERMISSION' | 'PASSWORD_CHANGE_REQUIRED' | 'OUT_OF_SCOPE' | 'NOT_OWNER';
  permission?: Permission;
  /** What was asked for: a route pattern for permission refusals, else the resource (loan, …). */
  resourceType: string;
  resourceId: string;
  loanId?: string;
}

/** The one audit row of an access refusal; awaited before the refusal goes out. */
export async function auditAccessRefusal(c: Context<AppEnv>, sql: Sql, refusal: AccessRefusal): Promise<void> {
  await auditRequest(c, sql, {
    action: 'ACCESS_DENIED',
    result: 'DENIED',
    resourceType: refusal.resourceType,
    resourceId: refusal.resourceId,
    loanId: refusal.loanId ?? null,
    detail: {
      reason: refusal.reason,
      ...(refusal.permission ? { permission: refusal.permission } : {}),
      route: `${c.req.method} ${c.req.routePath}`,
    },
  });
}

/**
 * A scope refusal: answered exactly as `answer` (so a hidden loan stays a plain 404), and audited
 * by the app's error handler (api/app.ts) wherever in a route it is thrown.
 */
export class ScopeRefusal extends ApiError {
  constructor(
    answer: ApiError,
    readonly refusal: AccessRefusal,
  ) {
    super(answer.status, answer.code, answer.text, answer.fields);
  }
}
