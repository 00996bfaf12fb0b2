// The collections work queue (/v1/collections): each loan the workflow keeps OVERDUE is a case.
// Collectors see their cases and the unassigned ones, claim one (of two claims at once one wins,
// the other is 409) and record each contact with its outcome; supervisors assign by the rule,
// reassign, set what each collector covers and read each collector's figures. A contact outside
// 08:00–21:00 local time is refused 422. Rules: domain/collection-queue.ts; data: db/collection-queue.ts.
import { z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import {
  BUCKETS,
  CONTACT_CHANNELS,
  CONTACT_HOURS,
  CONTACT_OUTCOMES,
  PRIORITIES,
  withinContactHours,
} from '../../domain/collection-queue.js';
import { localDateOf } from '../../domain/business-time.js';
import { addDays, compareDates, isValidLocalDate } from '../../domain/dates.js';
import { can } from '../../domain/permissions.js';
import { PROVINCE_CODES } from '../../domain/validation/id-number.js';
import {
  assignByRule,
  caseContacts,
  caseHolder,
  claimCase,
  collectorFigures,
  collectorLoads,
  openCases,
  reassignCase,
  recordContact,
  setCoverage,
  syncCases,
  type CaseRow,
} from '../../db/collection-queue.js';
import type { Sql, TransactionSql } from '../../lib/db-client.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { Count, errorResponses, InstantString, LocalDateString, MoneyString } from '../schemas.js';
import { staffNames } from '../staff-names.js';
import { idempotencyKeyOf } from '../update-id.js';
import { bilingual } from '../validation.js';

/** How far back a contact may be recorded, in days. */
const CONTACT_RECORD_DAYS = 7;
/** How far ahead a promise to pay may fall, in days. */
const PROMISE_DAYS = 30;

const RealDate = z
  .string()
  .refine(isValidLocalDate, bilingual('日期须为有效的 YYYY-MM-DD', 'must be a real date, YYYY-MM-DD'));
const CaseIdParam = z.object({ caseId: z.uuid().openapi({ param: { name: 'caseId', in: 'path' } }) });
const UserIdParam = z.object({ userId: z.uuid().openapi({ param: { name: 'userId', in: 'path' } }) });
const OutcomeEnum = z.enum(CONTACT_OUTCOMES);
const ChannelEnum = z.enum(CONTACT_CHANNELS);
const BucketEnum = z.enum(BUCKETS);

const Case = z
  .object({
    caseId: z.string(),
    loanId: z.string(),
    daysPastDue: Count,
    bucket: BucketEnum,
    province: z.string().nullable().openapi({ description: "Two-digit province code of the borrower's resident ID" }),
    priority: z.enum(PRIORITIES),
    outstandingPrincipal: MoneyString,
    escalation: z
      .string()
      .nullable()
      .openapi({ description: "The workflow's latest escalation step (SMS, COLLECTOR_CALL, SUPERVISOR, LEGAL, …)" }),
    assigneeId: z.string().nullable(),
    assigneeName: z.string().nullable(),
    assignedHow: z.enum(['RULE', 'CLAIM', 'SUPERVISOR']).nullable(),
    assignedAt: z.string().nullable(),
    openedAt: z.string(),
    contacts: Count,
    lastContact: z.object({ outcome: OutcomeEnum, channel: ChannelEnum, at: z.string() }).strict().nullable(),
    promise: z
      .object({ promisedOn: LocalDateString, amount: MoneyString })
      .strict()
      .nullable()
      .openapi({ description: 'The latest promise to pay still pending' }),
  })
  .strict()
  .openapi('CollectionCase');

const CaseList = z.object({ cases: z.array(Case) }).strict();

const myCases = secureRoute({
  method: 'get',
  path: '/my-cases',
  access: 'collection:act',
  summary: 'My collection cases and the unassigned ones / 我的催收案件',
  responses: {
    200: {
      description: 'Open cases held by the caller, and open cases no one holds (to claim)',
      content: {
        'application/json': {
          schema: z
            .object({ mine: z.array(Case), unassigned: z.array(Case) })
            .strict()
            .openapi('MyCollectionCases'),
        },
      },
    },
    ...errorResponses,
  },
});

const allCases = secureRoute({
  method: 'get',
  path: '/cases',
  access: 'collection:supervise',
  summary: 'Every open collection case / 全部催收案件',
  request: {
    query: z.object({
      assigneeId: z.uuid().optional(),
      unassigned: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Open cases, most urgent first',
      content: { 'application/json': { schema: CaseList.openapi('CollectionCaseList') } },
    },
    ...errorResponses,
  },
});

const AssignedAnswer = z
  .object({ caseId: z.string(), loanId: z.string(), assigneeId: z.string() })
  .strict()
  .openapi('CollectionCaseAssigned');

const claim = secureRoute({
  method: 'post',
  path: '/cases/{caseId}/claim',
  access: 'collection:act',
  summary: 'Claim an unassigned case / 认领案件',
  description: 'Of two claims at once, one wins; the other, and any claim of a held case, is 409 CASE_TAKEN.',
  request: { params: CaseIdParam },
  responses: {
    200: { description: 'Claimed', content: { 'application/json': { schema: AssignedAnswer } } },
    ...errorResponses,
  },
});

const reassign = secureRoute({
  method: 'post',
  path: '/cases/{caseId}/reassign',
  access: 'collection:assign',
  summary: 'Give a case to a collector / 改派案件',
  request: {
    params: CaseIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              collectorId: z.uuid(),
              reason: z.string().trim().min(1, bilingual('请填写改派原因', 'reason is required')).max(500),
            })
            .strict()
            .openapi('CollectionReassignment'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'Reassigned', content: { 'application/json': { schema: AssignedAnswer } } },
    ...errorResponses,
  },
});

const byRule = secureRoute({
  method: 'post',
  path: '/assign-by-rule',
  access: 'collection:assign',
  summary: 'Assign unassigned cases by the rule / 按规则分案',
  description:
    "Each unassigned case, most urgent first, goes to a collector who works its bucket (M1/M2/M3+), preferring one who covers the borrower's province, then the fewest open cases.",
  responses: {
    200: {
      description: 'The cases assigned',
      content: {
        'application/json': {
          schema: z
            .object({ assigned: z.array(AssignedAnswer) })
            .strict()
            .openapi('CollectionAssignments'),
        },
      },
    },
    ...errorResponses,
  },
});

const Coverage = z
  .object({
    buckets: z.array(BucketEnum).max(BUCKETS.length).openapi({ description: 'Empty: every bucket' }),
    provinces: z
      .array(
        z
          .string()
          .refine(
            (p) => PROVINCE_CODES.has(p),
            bilingual('省份代码须为身份证号前两位', 'must be a province code (first two digits of a resident ID)'),
          ),
      )
      .max(40)
      .openapi({ description: 'Two-digit province codes; empty: every province' }),
  })
  .strict()
  .openapi('CollectorCoverage');

const coverage = secureRoute({
  method: 'put',
  path: '/collectors/{userId}/coverage',
  access: 'collection:assign',
  summary: 'Set the buckets and provinces a collector works / 设置催收员分案范围',
  request: {
    params: UserIdParam,
    body: { content: { 'application/json': { schema: Coverage } }, required: true },
  },
  responses: {
    200: {
      description: 'Saved',
      content: {
        'application/json': {
          schema: z
            .object({ userId: z.string(), buckets: z.array(BucketEnum), provinces: z.array(z.string()) })
            .strict()
            .openapi('CollectorCoverageSaved'),
        },
      },
    },
    ...errorResponses,
  },
});

const NewContact = z
  .object({
    outcome: OutcomeEnum,
    channel: ChannelEnum,
    note: z.string().trim().min(1, bilingual('请填写催收记录', 'note is required')).max(1000),
    contactedAt: InstantString.optional().openapi({
      description: `When the contact took place (default now); within ${CONTACT_HOURS.from}–${CONTACT_HOURS.until} local time and the last ${CONTACT_RECORD_DAYS} days`,
    }),
    promisedOn: RealDate.optional().openapi({ description: 'PROMISE_TO_PAY only: the date promised' }),
    promisedAmount: MoneyString.refine((v) => Number(v) > 0, bilingual('承诺金额须大于 0', 'must be more than 0'))
      .optional()
      .openapi({ description: 'PROMISE_TO_PAY only: the amount promised' }),
  })
  .strict()
  .openapi('CollectionContact');

const contact = secureRoute({
  method: 'post',
  path: '/cases/{caseId}/contacts',
  access: 'collection:act',
  summary: 'Record a contact on my case / 登记催收联系',
  description:
    `Only on the caller's own open case (403 CASE_NOT_YOURS). A contact outside ${CONTACT_HOURS.from}–${CONTACT_HOURS.until} ` +
    'in the business time zone is refused 422 OUTSIDE_CONTACT_HOURS. A promise to pay needs promisedOn and promisedAmount. ' +
    'The same Idempotency-Key again records it once.',
  request: {
    params: CaseIdParam,
    body: { content: { 'application/json': { schema: NewContact } }, required: true },
  },
  responses: {
    201: {
      description: 'Recorded',
      content: {
        'application/json': {
          schema: z
            .object({ contactId: z.string(), caseId: z.string(), loanId: z.string() })
            .strict()
            .openapi('CollectionContactRecorded'),
        },
      },
    },
    ...errorResponses,
  },
});

const contacts = secureRoute({
  method: 'get',
  path: '/cases/{caseId}/contacts',
  access: 'task:read',
  summary: "A case's contacts / 案件催收记录",
  description: 'For the collector holding the case and for supervisors (collection:supervise); 403 otherwise.',
  request: { params: CaseIdParam },
  responses: {
    200: {
      description: 'Contacts, newest first',
      content: {
        'application/json': {
          schema: z
            .object({
              contacts: z.array(
                z
                  .object({
                    contactId: z.string(),
                    collectorId: z.string(),
                    collectorName: z.string().nullable(),
                    outcome: OutcomeEnum,
                    channel: ChannelEnum,
                    note: z.string(),
                    contactedAt: z.string(),
                    promise: z
                      .object({
                        promisedOn: LocalDateString,
                        amount: MoneyString,
                        status: z.enum(['PENDING', 'KEPT', 'BROKEN']),
                      })
                      .strict()
                      .nullable(),
                  })
                  .strict(),
              ),
            })
            .strict()
            .openapi('CollectionContacts'),
        },
      },
    },
    ...errorResponses,
  },
});

const figures = secureRoute({
  method: 'get',
  path: '/figures',
  access: 'collection:supervise',
  summary: "Each collector's figures / 催收员业绩",
  description:
    'Per active collector: open cases now; contacts and promises to pay made in the period (business dates, inclusive) and how those promises stand; repayments received in the period on the cases they hold since each became theirs (reversed payments excluded).',
  request: {
    query: z.object({ from: RealDate.optional(), to: RealDate.optional() }),
  },
  responses: {
    200: {
      description: 'Figures by collector',
      content: {
        'application/json': {
          schema: z
            .object({
              from: LocalDateString,
              to: LocalDateString,
              collectors: z.array(
                z
                  .object({
                    collectorId: z.string(),
                    name: z.string(),
                    buckets: z.array(BucketEnum),
                    provinces: z.array(z.string()),
                    openCases: Count,
                    contacts: Count,
                    promisesMade: Count,
                    promisesKept: Count,
                    promisesBroken: Count,
                    recovered: MoneyString,
                  })
                  .strict(),
              ),
            })
            .strict()
            .openapi('CollectorFigures'),
        },
      },
    },
    ...errorResponses,
  },
});

const caseNotFound = () => ApiError.notFound({ zh: '催收案件', en: 'Collection case' });
const caseClosed = () =>
  ApiError.conflict('CASE_CLOSED', {
    zh: '该案件已结案（贷款已不再逾期）',
    en: 'The case is closed: the loan is no longer overdue',
  });

export const collectionRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const tz = deps.config.BUSINESS_TIME_ZONE;

  async function withNames(rows: CaseRow[]) {
    const people = await staffNames(
      deps.sql,
      deps.cipher,
      rows.map((r) => r.assigneeId),
    );
    return rows.map((r) => ({ ...r, assigneeName: r.assigneeId ? (people[r.assigneeId]?.name ?? null) : null }));
  }

  app.openapi(myCases, async (c) => {
    const user = currentUser(c);
    await syncCases(deps.sql, deps.cipher);
    const [mine, unassigned] = await Promise.all([
      openCases(deps.sql, { assignee: user.userId }),
      openCases(deps.sql, { unassigned: true }),
    ]);
    return c.json({ mine: await withNames(mine), unassigned: await withNames(unassigned) }, 200);
  });

  app.openapi(allCases, async (c) => {
    const q = c.req.valid('query');
    await syncCases(deps.sql, deps.cipher);
    const filter = q.assigneeId
      ? { assignee: q.assigneeId }
      : q.unassigned === 'true'
        ? { unassigned: true as const }
        : { all: true as const };
    return c.json({ cases: await withNames(await openCases(deps.sql, filter)) }, 200);
  });

  app.openapi(claim, async (c) => {
    const user = currentUser(c);
    const { caseId } = c.req.valid('param');
    const loanId = await deps.sql.begin(async (tx) => {
      const result = await claimCase(tx, caseId, user.userId);
      if (result.kind === 'NONE') throw caseNotFound();
      if (result.kind === 'CLOSED') throw caseClosed();
      if (result.kind === 'TAKEN')
        throw ApiError.conflict('CASE_TAKEN', { zh: '该案件已由他人认领', en: 'Someone else holds this case' });
      await auditRequest(c, tx, {
        action: 'COLLECTION_CASE_CLAIM',
        result: 'SUCCESS',
        resourceType: 'collection_case',
        resourceId: caseId,
        loanId: result.loanId,
        detail: {},
      });
      return result.loanId;
    });
    return c.json({ caseId, loanId, assigneeId: user.userId }, 200);
  });

  app.openapi(reassign, async (c) => {
    const user = currentUser(c);
    const { caseId } = c.req.valid('param');
    const { collectorId, reason } = c.req.valid('json');
    const loanId = await deps.sql.begin(async (tx) => {
      const result = await reassignCase(tx, caseId, collectorId, user.userId);
      if (result.kind === 'NOT_A_COLLECTOR')
        throw ApiError.validation([
          {
            field: 'collectorId',
            code: 'NOT_A_COLLECTOR',
            message: { zh: '须为在职的催收员', en: 'must be an active collector' },
          },
        ]);
      if (result.kind === 'NONE') throw caseNotFound();
      if (result.kind === 'CLOSED') throw caseClosed();
      await auditRequest(c, tx, {
        action: 'COLLECTION_CASE_REASSIGN',
        result: 'SUCCESS',
        resourceType: 'collection_case',
        resourceId: caseId,
        loanId: result.loanId,
        detail: { from: result.from, to: collectorId, reason },
      });
      return result.loanId;
    });
    return c.json({ caseId, loanId, assigneeId: collectorId }, 200);
  });

  app.openapi(byRule, async (c) => {
    const user = currentUser(c);
    await syncCases(deps.sql, deps.cipher);
    const assigned = await deps.sql.begin(async (tx) => {
      const done = await assignByRule(tx, user.userId);
      for (const a of done)
        await auditRequest(c, tx, {
          action: 'COLLECTION_CASE_ASSIGN',
          result: 'SUCCESS',
          resourceType: 'collection_case',
          resourceId: a.caseId,
          loanId: a.loanId,
          detail: { to: a.collectorId, how: 'RULE' },
        });
      return done;
    });
    return c.json(
      { assigned: assigned.map((a) => ({ caseId: a.caseId, loanId: a.loanId, assigneeId: a.collectorId })) },
      200,
    );
  });

  app.openapi(coverage, async (c) => {
    const user = currentUser(c);
    const { userId } = c.req.valid('param');
    const body = c.req.valid('json');
    const buckets = [...new Set(body.buckets)];
    const provinces = [...new Set(body.provinces)].sort();
    await deps.sql.begin(async (tx) => {
      if (!(await setCoverage(tx, userId, { buckets, provinces }, user.userId)))
        throw ApiError.notFound({ zh: '催收员', en: 'Collector' });
      await auditRequest(c, tx, {
        action: 'COLLECTOR_COVERAGE_SET',
        result: 'SUCCESS',
        resourceType: 'user',
        resourceId: userId,
        detail: { buckets, provinces },
      });
    });
    return c.json({ userId, buckets, provinces }, 200);
  });

  app.openapi(contact, async (c) => {
    const user = currentUser(c);
    const { caseId } = c.req.valid('param');
    const body = c.req.valid('json');
    const now = deps.now();
    const contactedAt = body.contactedAt ? new Date(body.contactedAt) : now;
    const fieldProblem = (field: string, zh: string, en: string) =>
      ApiError.validation([{ field, code: 'INVALID', message: { zh, en } }]);
    if (contactedAt.getTime() > now.getTime() + 60_000)
      throw fieldProblem('contactedAt', '联系时间不能晚于现在', 'contactedAt cannot be in the future');
    if (contactedAt.getTime() < now.getTime() - CONTACT_RECORD_DAYS * 86_400_000)
      throw fieldProblem(
        'contactedAt',
        `只能登记最近 ${CONTACT_RECORD_DAYS} 天内的联系`,
        `contactedAt must be within the last ${CONTACT_RECORD_DAYS} days`,
      );
    const contactedOn = localDateOf(contactedAt.getTime(), tz);
    let promise: { promisedOn: string; amount: string } | null = null;
    if (body.outcome === 'PROMISE_TO_PAY') {
      if (!body.promisedOn)
        throw fieldProblem('promisedOn', '承诺还款须填写承诺日期', 'promisedOn is required for a promise to pay');
      if (!body.promisedAmount)
        throw fieldProblem(
          'promisedAmount',
          '承诺还款须填写承诺金额',
          'promisedAmount is required for a promise to pay',
        );
      if (
        compareDates(body.promisedOn, contactedOn) < 0 ||
        compareDates(body.promisedOn, addDays(contactedOn, PROMISE_DAYS)) > 0
      )
        throw fieldProblem(
          'promisedOn',
          `承诺日期须在联系当日起 ${PROMISE_DAYS} 天内`,
          `promisedOn must fall within ${PROMISE_DAYS} days from the contact`,
        );
      promise = { promisedOn: body.promisedOn, amount: body.promisedAmount };
    } else if (body.promisedOn !== undefined || body.promisedAmount !== undefined) {
      throw fieldProblem(
        body.promisedOn !== undefined ? 'promisedOn' : 'promisedAmount',
        '只有承诺还款可填写承诺日期和金额',
        'promisedOn and promisedAmount belong to a PROMISE_TO_PAY only',
      );
    }
    const holder = await caseHolder(deps.sql, caseId);
    if (!holder) throw caseNotFound();
    const audit = (
      result: 'SUCCESS' | 'DENIED',
      detail: Record<string, unknown>,
      sql: Sql | TransactionSql = deps.sql,
    ) =>
      auditRequest(c, sql, {
        action: 'COLLECTION_CONTACT',
        result,
        resourceType: 'collection_case',
        resourceId: caseId,
        loanId: holder.loanId,
        detail: { outcome: body.outcome, channel: body.channel, contactedAt: contactedAt.toISOString(), ...detail },
      });
    if (!withinContactHours(contactedAt.getTime(), tz)) {
      await audit('DENIED', { refusal: 'OUTSIDE_CONTACT_HOURS' });
      throw new ApiError(422, 'OUTSIDE_CONTACT_HOURS', {
        zh: `催收时间限于当地时间 ${CONTACT_HOURS.from}–${CONTACT_HOURS.until}，此时间不得联系借款人`,
        en: `Borrowers may be contacted only between ${CONTACT_HOURS.from} and ${CONTACT_HOURS.until} local time`,
      });
    }
    const key = idempotencyKeyOf(c, user) ?? randomUUID();
    const recorded = await deps.sql.begin(async (tx) => {
      const result = await recordContact(tx, deps.cipher, {
        caseId,
        collectorId: user.userId,
        idempotencyKey: key,
        outcome: body.outcome,
        channel: body.channel,
        note: body.note,
        contactedAt,
        contactedOn,
        promise,
      });
      if (result.kind === 'NONE') throw caseNotFound();
      if (result.kind === 'CLOSED') throw caseClosed();
      if (result.kind === 'NOT_YOURS') return null;
      if (!result.repeated) await audit('SUCCESS', { contactId: result.contactId, promise }, tx);
      return result;
    });
    if (!recorded) {
      await audit('DENIED', { refusal: 'CASE_NOT_YOURS' });
      throw ApiError.forbidden(
        { zh: '只能在本人负责的案件上登记联系', en: 'You can record contacts only on cases you hold' },
        'CASE_NOT_YOURS',
      );
    }
    return c.json({ contactId: recorded.contactId, caseId, loanId: recorded.loanId }, 201);
  });

  app.openapi(contacts, async (c) => {
    const user = currentUser(c);
    const { caseId } = c.req.valid('param');
    const holder = await caseHolder(deps.sql, caseId);
    if (!holder) throw caseNotFound();
    if (holder.assigneeId !== user.userId && !can(user.role, 'collection:supervise'))
      throw ApiError.forbidden(
        { zh: '只能查看本人负责的案件', en: 'You can read only the cases you hold' },
        'CASE_NOT_YOURS',
      );
    const rows = await caseContacts(deps.sql, deps.cipher, caseId);
    const people = await staffNames(
      deps.sql,
      deps.cipher,
      rows.map((r) => r.collectorId),
    );
    return c.json({ contacts: rows.map((r) => ({ ...r, collectorName: people[r.collectorId]?.name ?? null })) }, 200);
  });

  app.openapi(figures, async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? localDateOf(deps.now().getTime(), tz);
    const from = q.from ?? addDays(to, -29);
    if (compareDates(from, to) > 0)
      throw ApiError.validation([
        {
          field: 'from',
          code: 'INVALID',
          message: { zh: '开始日期不能晚于结束日期', en: 'from must not be after to' },
        },
      ]);
    const [rows, loads] = await Promise.all([collectorFigures(deps.sql, from, to), collectorLoads(deps.sql)]);
    const people = await staffNames(
      deps.sql,
      deps.cipher,
      rows.map((r) => r.collectorId),
    );
    const coverageOf = new Map(loads.map((l) => [l.userId, l]));
    return c.json(
      {
        from,
        to,
        collectors: rows.map((r) => ({
          ...r,
          name: people[r.collectorId]?.name ?? r.collectorId,
          buckets: [...(coverageOf.get(r.collectorId)?.buckets ?? [])],
          provinces: [...(coverageOf.get(r.collectorId)?.provinces ?? [])],
        })),
      },
      200,
    );
  });

  return app;
};
