import type { Context } from 'hono';
import type { Sql, TransactionSql } from '../../lib/db-client.js';
import { recordAudit, type AuditEvent } from '../../security/audit.js';
import type { AppEnv } from '../env.js';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
  server?: NodeBindings;
}

/**
 * The caller's address: the socket's peer, or — when TRUST_PROXY=true because a reverse proxy
 * stands in front — the last X-Forwarded-For entry, the one our proxy appended.
 */
export function sourceIp(c: Context): string {
  if (process.env.TRUST_PROXY === 'true') {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1]!;
  }
  const env = c.env as NodeBindings | undefined;
  const bindings = env?.server ?? env;
  return bindings?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export type RequestAuditEvent = Omit<AuditEvent, 'actorId' | 'actorRole' | 'sourceIp'> &
  Partial<Pick<AuditEvent, 'actorId' | 'actorRole'>>;

/**
 * Records who (the signed-in user, or the given actor), what, when, from where and the result.
 * Awaited by the route: when the audit row cannot be written, the request fails too.
 */
export async function auditRequest(
  c: Context<AppEnv>,
  sql: Sql | TransactionSql,
  event: RequestAuditEvent,
): Promise<void> {
  const user = c.get('user');
  const channel = c.get('channel');
  await recordAudit(sql, {
    ...event,
    actorId: event.actorId !== undefined ? event.actorId : (user?.userId ?? null),
    actorRole: event.actorRole !== undefined ? event.actorRole : (user?.role ?? null),
    sourceIp: sourceIp(c),
    detail: { ...(event.detail ?? {}), ...(channel ? { channel } : {}), requestId: c.get('requestId') },
  });
}
