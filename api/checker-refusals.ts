// A checker's decision on a maker-checker item (a staff posting, a ledger request). A refusal —
// the maker deciding their own item, an item already decided, a step refused downstream — is
// audited as DENIED with the item's maker; an unknown item (404) and server errors are not refusals.
import type { Context } from 'hono';
import type { ApiDeps, AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { auditRequest } from './middleware/audit.js';

export interface CheckedItem {
  resourceType: string;
  resourceId: string;
  /** The item's maker and loan, read when a refusal is audited. */
  find: () => Promise<{ maker: string | null; loanId?: string | null }>;
}

export async function refusalsAudited<T>(
  c: Context<AppEnv>,
  sql: ApiDeps['sql'],
  action: string,
  item: CheckedItem,
  decide: () => Promise<T>,
): Promise<T> {
  try {
    return await decide();
  } catch (err) {
    if (err instanceof ApiError && err.status !== 404 && err.status < 500) {
      const { maker, loanId } = await item.find();
      await auditRequest(c, sql, {
        action,
        result: 'DENIED',
        resourceType: item.resourceType,
        resourceId: item.resourceId,
        ...(loanId !== undefined ? { loanId } : {}),
        detail: { reason: err.code, maker },
      });
    }
    throw err;
  }
}
