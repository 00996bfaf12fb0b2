import { z } from '@hono/zod-openapi';
import { queryAudit } from '../../security/audit.js';
import { newRouter, type RouteModule } from '../app.js';
import { auditRequest } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import { bilingual } from '../validation.js';
import { JsonRecord, type JsonRecordData } from '../schemas.js';

const instant = z.iso.datetime({
  offset: true,
  error: bilingual(
    '须为 ISO 8601 时间，如 2026-01-31T00:00:00+08:00',
    'must be an ISO 8601 instant, e.g. 2026-01-31T00:00:00+08:00',
  ),
});

const Query = z.object({
  loanId: z.string().min(1).max(64).optional(),
  userId: z.string().min(1).max(64).optional(),
  from: instant.optional().openapi({ description: 'inclusive' }),
  to: instant.optional().openapi({ description: 'exclusive' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z
    .string()
    .regex(/^\d{1,19}$/, bilingual('须为审计记录编号', 'must be an audit entry id'))
    .optional()
    .openapi({ description: 'page: entries with a smaller id' }),
});

const Entry = z
  .object({
    id: z.string(),
    at: z.string(),
    actorId: z.string().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    resourceType: z.string().nullable(),
    resourceId: z.string().nullable(),
    loanId: z.string().nullable(),
    sourceIp: z.string().nullable(),
    result: z.enum(['SUCCESS', 'FAILURE', 'DENIED']),
    detail: JsonRecord.openapi({ description: 'What the action recorded; its fields depend on the action' }),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'audit:read',
  summary: '查询审计日志 / Search the audit log',
  request: { query: Query },
  responses: {
    200: {
      description: 'Newest first; pass `nextBefore` as `before` for the next page',
      content: {
        'application/json': { schema: z.object({ items: z.array(Entry), nextBefore: z.string().nullable() }) },
      },
    },
  },
});

/** Mounted at /v1/audit. */
export const auditRoutes: RouteModule = (deps) => {
  const router = newRouter();
  router.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const rows = await queryAudit(deps.sql, {
      loanId: q.loanId,
      userId: q.userId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeId: q.before,
      limit: q.limit,
    });
    // Reading the audit trail is itself audited.
    await auditRequest(c, deps.sql, {
      action: 'AUDIT_QUERY',
      result: 'SUCCESS',
      loanId: q.loanId ?? null,
      detail: {
        filter: { loanId: q.loanId, userId: q.userId, from: q.from, to: q.to, before: q.before, limit: q.limit },
        rows: rows.length,
      },
      at: deps.now(),
    });
    return c.json(
      {
        items: rows.map((r) => ({ ...r, at: r.at.toISOString(), detail: r.detail as JsonRecordData })),
        nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
      },
      200,
    );
  });
  return router;
};
