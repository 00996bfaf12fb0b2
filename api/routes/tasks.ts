import { z } from '@hono/zod-openapi';
import type { Role } from '../../domain/types.js';
import { newRouter, type RouteModule } from '../app.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, JsonRecord, type JsonRecordData } from '../schemas.js';
import { staffNames } from '../staff-names.js';

/** Which task roles each user role works on. */
const INBOX: Partial<Record<Role, Role[]>> = {
  INITIAL_REVIEWER: ['INITIAL_REVIEWER'],
  FINAL_REVIEWER: ['FINAL_REVIEWER'],
  RISK_MANAGER: ['FINAL_REVIEWER', 'RISK_MANAGER'],
  COLLECTOR: ['COLLECTOR'],
  LOAN_OFFICER: ['LOAN_OFFICER'],
  OPS: ['OPS'],
  FINANCE: ['FINANCE'],
};

const Task = z
  .object({
    taskId: z.string(),
    loanId: z.string(),
    kind: z.string(),
    role: z.string(),
    status: z.enum(['OPEN', 'DONE', 'CANCELLED']),
    assigneeId: z.string().nullable(),
    assigneeName: z.string().nullable().openapi({ description: "The assigned staff user's name (or username)" }),
    detail: JsonRecord.openapi({ description: 'What the task needs; its fields depend on the kind' }),
    createdAt: z.string(),
    dueAt: z.string().nullable(),
    ageHours: z.number(),
    overdue: z.boolean(),
    loanStatus: z.string(),
    loanType: z.string(),
    amount: z.string().openapi({ description: 'The amount applied for' }),
    approvedAmount: z
      .string()
      .nullable()
      .openapi({ description: "The approved offer's amount; null until the loan is approved" }),
  })
  .openapi('Task');

const inbox = secureRoute({
  method: 'get',
  path: '/',
  access: 'task:read',
  summary: 'Your pending work / 待办任务',
  request: {
    query: z.object({
      status: z.enum(['OPEN', 'DONE', 'CANCELLED']).default('OPEN'),
      kind: z.string().max(40).optional(),
      loanType: z.string().max(40).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Tasks, oldest first, with counts by kind',
      content: {
        'application/json': { schema: z.object({ tasks: z.array(Task), counts: z.record(z.string(), z.number()) }) },
      },
    },
    ...errorResponses,
  },
});

export const taskRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(inbox, async (c) => {
    const user = currentUser(c);
    const q = c.req.valid('query');
    const roles = INBOX[user.role] ?? [];
    const now = deps.now();
    if (roles.length === 0) return c.json({ tasks: [], counts: {} }, 200);
    const mine =
      user.role === 'COLLECTOR' ? deps.sql`and (t.assignee_id is null or t.assignee_id = ${user.userId})` : deps.sql``;
    const rows = await deps.sql<Array<Record<string, unknown>>>`
      select t.id, t.loan_id, t.kind, t.role, t.status, t.assignee_id, t.detail, t.created_at, t.due_at,
             l.status as loan_status, l.loan_type, l.amount, l.offer->>'amount' as approved_amount
      from tasks t join loans l on l.id = t.loan_id
      where t.role in ${deps.sql(roles)} and t.status = ${q.status} ${mine}
        ${q.kind ? deps.sql`and t.kind = ${q.kind}` : deps.sql``}
        ${q.loanType ? deps.sql`and l.loan_type = ${q.loanType}` : deps.sql``}
      order by t.created_at limit ${q.limit}`;
    const people = await staffNames(
      deps.sql,
      deps.cipher,
      rows.map((r) => r.assignee_id as string | null),
    );
    const tasks = rows.map((r) => {
      const createdAt = r.created_at as Date;
      const dueAt = (r.due_at as Date | null) ?? null;
      return {
        taskId: r.id as string,
        loanId: r.loan_id as string,
        kind: r.kind as string,
        role: r.role as string,
        status: r.status as 'OPEN' | 'DONE' | 'CANCELLED',
        assigneeId: (r.assignee_id as string | null) ?? null,
        assigneeName: people[r.assignee_id as string]?.name ?? null,
        detail: r.detail as JsonRecordData,
        createdAt: createdAt.toISOString(),
        dueAt: dueAt?.toISOString() ?? null,
        ageHours: Math.round(((now.getTime() - createdAt.getTime()) / 3_600_000) * 10) / 10,
        overdue: dueAt !== null && dueAt.getTime() < now.getTime(),
        loanStatus: r.loan_status as string,
        loanType: r.loan_type as string,
        amount: r.amount as string,
        approvedAmount: (r.approved_amount as string | null) ?? null,
      };
    });
    const counts: Record<string, number> = {};
    for (const t of tasks) counts[t.kind] = (counts[t.kind] ?? 0) + 1;
    return c.json({ tasks, counts }, 200);
  });
  return app;
};
