// How a month-end close or capital injection request waiting for its checker is shown over HTTP.
import { z } from '@hono/zod-openapi';
import type { LedgerRequest } from '../db/ledger-requests.js';

export const LedgerRequestStatusEnum = z.enum(['PENDING_APPROVAL', 'APPROVED', 'REJECTED']);

export const LedgerRequestSchema = z
  .object({
    requestId: z.string(),
    kind: z.enum(['PERIOD_CLOSE', 'CAPITAL_INJECTION']),
    period: z.string().nullable(),
    injectionId: z.string().nullable(),
    amount: z.string().nullable(),
    effectiveOn: z.string().nullable(),
    reference: z.string().nullable(),
    status: LedgerRequestStatusEnum,
    maker: z.object({ userId: z.string(), username: z.string().nullable() }),
    requestedAt: z.string(),
    ageSeconds: z.number().int(),
    checkedBy: z.string().nullable(),
    checkedAt: z.string().nullable(),
    rejectReason: z.string().nullable(),
  })
  .openapi('LedgerRequest');

export function ledgerRequestView(r: LedgerRequest, now: Date): z.infer<typeof LedgerRequestSchema> {
  return {
    requestId: r.requestId,
    kind: r.kind,
    period: r.kind === 'PERIOD_CLOSE' ? r.subject : null,
    injectionId: r.kind === 'CAPITAL_INJECTION' ? r.subject : null,
    amount: r.capital?.amount ?? null,
    effectiveOn: r.capital?.effectiveOn ?? null,
    reference: r.capital?.reference ?? null,
    status: r.status,
    maker: { userId: r.requestedBy, username: r.requestedByName },
    requestedAt: r.requestedAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - r.requestedAt.getTime()) / 1000)),
    checkedBy: r.checkedBy,
    checkedAt: r.checkedAt?.toISOString() ?? null,
    rejectReason: r.rejectReason,
  };
}
