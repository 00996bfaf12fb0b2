import { z } from '@hono/zod-openapi';
import { AML_REPORT_KINDS, AML_RULE_IDS } from '../../domain/aml-rules.js';
import { localDateOf } from '../../domain/business-time.js';
import { compareDates, daysBetween, isValidLocalDate } from '../../domain/dates.js';
import { problem } from '../../domain/errors.js';
import { maskIdNumber, maskName } from '../../domain/masking.js';
import { decideReview, listReviews, reviewById, type AmlReviewRow } from '../../db/aml-reviews.js';
import { decideReport, listReports, reportById, submittedReports, type AmlReportRow } from '../../db/aml-reports.js';
import { toCsv } from '../../lib/csv.js';
import { USER_FIELDS } from '../../security/encryption-contexts.js';
import { newRouter, type RouteModule } from '../app.js';
import { runAmlDetection } from '../aml-detection.js';
import { startClearedApplication } from '../aml-clearance.js';
import type { ApiDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LocalDateString, MoneyString } from '../schemas.js';
import { bilingual } from '../validation.js';

const ReviewStatus = z.enum(['OPEN', 'CLEARED', 'CONFIRMED']);
const ReviewKind = z.enum(['APPLICATION', 'RESCREEN']).openapi({
  description: 'APPLICATION 申请被名单姓名命中而暂停, RESCREEN 名单新增条目命中存量借款人',
});

const Review = z
  .object({
    id: z.string(),
    kind: ReviewKind,
    status: ReviewStatus,
    subject: z.enum(['APPLICANT', 'GUARANTOR', 'BORROWER']),
    field: z.string(),
    match: z.enum(['NAME', 'ID_NUMBER']),
    list: z.string(),
    entryId: z.string(),
    entryName: z.string().nullable().openapi({ description: 'masked' }),
    entryIdNumber: z.string().nullable().openapi({ description: 'masked' }),
    borrowerId: z.string(),
    borrowerName: z.string().nullable().openapi({ description: 'masked' }),
    loanId: z.string().nullable().openapi({ description: 'The loan a held application becomes once cleared' }),
    loanCreated: z.boolean(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AmlReview');

const Reason = z
  .strictObject({ reason: z.string().trim().min(1, bilingual('请填写理由', 'is required')).max(500) })
  .openapi('AmlDecisionReason');
const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const Paging = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};

const Report = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerName: z.string().nullable().openapi({ description: 'masked' }),
    day: z.string(),
    rule: z.enum(AML_RULE_IDS),
    kind: z.enum(AML_REPORT_KINDS).openapi({ description: 'LARGE_VALUE 大额交易报告, SUSPICIOUS 可疑交易报告' }),
    amount: MoneyString,
    paymentIds: z.array(z.string()),
    loanIds: z.array(z.string()),
    status: z.enum(['DRAFT', 'SUBMITTED', 'DISMISSED']),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable(),
    detectedAt: z.string(),
    amends: z
      .string()
      .nullable()
      .openapi({ description: 'the report this one amends (cash that came after it was decided)' }),
  })
  .openapi('AmlReport');

const reviews = secureRoute({
  method: 'get',
  path: '/reviews',
  access: 'aml:review',
  summary: '反洗钱复核队列 / The AML review queue',
  description: 'Screening hits waiting for (or decided by) a compliance officer, newest first. Personal data masked.',
  request: { query: z.object({ status: ReviewStatus.optional(), kind: ReviewKind.optional(), ...Paging }) },
  responses: {
    200: {
      description: 'Reviews',
      content: { 'application/json': { schema: z.object({ items: z.array(Review), total: z.number() }) } },
    },
    ...errorResponses,
  },
});

const ClearAnswer = Review.extend({
  loanStarted: z.boolean().openapi({ description: 'A held application: its loan now exists and its workflow runs' }),
}).openapi('AmlReviewCleared');

const clear = secureRoute({
  method: 'post',
  path: '/reviews/{id}/clear',
  access: 'aml:review',
  summary: '排除误报并放行 / Clear a screening hit as a false positive',
  description:
    'The person is not the listed one (the reason says why). A held application becomes its loan and its workflow starts; the clearance is remembered for this person and entry. One decision per review: a second (or one racing it) gets 409 AML_REVIEW_DECIDED. Clearing a review already cleared finishes starting its loan (after 503 or 409 APPLICATION_IN_FLIGHT) and changes nothing else.',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: Reason } } } },
  responses: {
    200: { description: 'Cleared', content: { 'application/json': { schema: ClearAnswer } } },
    ...errorResponses,
  },
});

const confirm = secureRoute({
  method: 'post',
  path: '/reviews/{id}/confirm',
  access: 'aml:review',
  summary: '确认命中 / Confirm a screening hit',
  description:
    'The person is the listed one. A held application is refused for good (no loan is created). One decision per review: a second gets 409 AML_REVIEW_DECIDED.',
  request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: Reason } } } },
  responses: {
    200: { description: 'Confirmed', content: { 'application/json': { schema: Review } } },
    ...errorResponses,
  },
});

const detect = secureRoute({
  method: 'post',
  path: '/detection-runs',
  access: 'aml:report',
  summary: '运行反洗钱监测 / Run the AML detection for a business day',
  description:
    'Runs the rules of the daily detection (which also runs by itself every hour for the last days) for one business day, today or before. Idempotent: one report per customer, day and rule.',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ day: LocalDateString.optional() }) } },
    },
  },
  responses: {
    200: {
      description: 'What the run found and created',
      content: {
        'application/json': {
          schema: z.object({ day: z.string(), findings: z.number(), created: z.array(z.string()) }),
        },
      },
    },
    ...errorResponses,
  },
});

const reports = secureRoute({
  method: 'get',
  path: '/reports',
  access: 'aml:report',
  summary: '大额与可疑交易报告队列 / Large-value and suspicious transaction reports',
  request: {
    query: z.object({
      status: z.enum(['DRAFT', 'SUBMITTED', 'DISMISSED']).optional(),
      kind: z.enum(AML_REPORT_KINDS).optional(),
      customerId: z.uuid().optional(),
      ...Paging,
    }),
  },
  responses: {
    200: {
      description: 'Reports, newest day first',
      content: { 'application/json': { schema: z.object({ items: z.array(Report), total: z.number() }) } },
    },
    ...errorResponses,
  },
});

const decide = (action: 'submit' | 'dismiss') =>
  secureRoute({
    method: 'post',
    path: `/reports/{id}/${action}`,
    access: 'aml:report',
    summary:
      action === 'submit'
        ? '提交报告 / Submit a report (it goes into the export file)'
        : '排除报告 / Dismiss a report draft, with the reason',
    description:
      action === 'submit'
        ? 'One decision per report: a second gets 409 AML_REPORT_DECIDED.'
        : 'Only SUSPICIOUS drafts: a LARGE_VALUE report must be filed (409 AML_LARGE_VALUE_MUST_BE_FILED). One decision per report: a second gets 409 AML_REPORT_DECIDED.',
    request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: Reason } } } },
    responses: {
      200: { description: 'Decided', content: { 'application/json': { schema: Report } } },
      ...errorResponses,
    },
  });
const submit = decide('submit');
const dismiss = decide('dismiss');

const exportFile = secureRoute({
  method: 'get',
  path: '/reports/export',
  access: 'aml:report',
  summary: '导出已提交报告 / Export the submitted reports (CSV)',
  description:
    'Submitted reports of business days from `from` to `to` (at most 366 days), one line each. The customer’s name and ID number are masked; the report id and customer id lead to the full record for an authorised reader. Audited.',
  request: { query: z.object({ from: LocalDateString, to: LocalDateString }) },
  responses: { 200: { description: 'text/csv', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
});

async function maskedNames(deps: ApiDeps, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.sql<{ id: string; name_enc: string | null }[]>`
    select id, name_enc from users where id in ${deps.sql([...new Set(ids)])}`;
  return new Map(
    rows.map((r) => [r.id, r.name_enc ? maskName(deps.cipher.decrypt(r.name_enc, USER_FIELDS.name)) : null]),
  );
}

/** No lender's repayments are older: a run before it would only read nothing (or dates PostgreSQL refuses). */
const EARLIEST_DETECTION_DAY = '2000-01-01';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function presentReview(r: AmlReviewRow, names: Map<string, string | null>) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    subject: r.subject,
    field: r.field,
    match: r.match,
    list: r.list,
    entryId: r.entry_id,
    entryName: r.entry_name,
    entryIdNumber: r.entry_id_number,
    borrowerId: r.borrower_id,
    borrowerName: names.get(r.borrower_id) ?? null,
    loanId: r.loan_id,
    loanCreated: r.loan_created,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    reason: r.decision_reason,
    createdAt: r.created_at.toISOString(),
  };
}

function presentReport(r: AmlReportRow, names: Map<string, string | null>) {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: names.get(r.customer_id) ?? null,
    day: r.day,
    rule: r.rule as (typeof AML_RULE_IDS)[number],
    kind: r.kind as (typeof AML_REPORT_KINDS)[number],
    amount: r.amount,
    paymentIds: r.payment_ids,
    loanIds: r.loan_ids,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    reason: r.decision_reason,
    detectedAt: r.detected_at.toISOString(),
    amends: r.amends,
  };
}

function dateProblem(field: string, value: string) {
  return isValidLocalDate(value) ? null : problem(field, 'INVALID_DATE', '日期无效', 'is not a real date');
}

/** Mounted at /v1/aml. */
export const amlRoutes: RouteModule = (deps) => {
  const router = newRouter();
  const today = () => localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);
  const reviewNotFound = () => ApiError.notFound({ zh: '复核事项', en: 'AML review' });
  const decided = (r: AmlReviewRow) =>
    ApiError.conflict('AML_REVIEW_DECIDED', {
      zh: `该复核事项已处理（${r.status === 'CLEARED' ? '已放行' : '已确认命中'}）`,
      en: `This review was already decided (${r.status})`,
    });

  router.openapi(reviews, async (c) => {
    const q = c.req.valid('query');
    const rows = await listReviews(deps.sql, q);
    const names = await maskedNames(
      deps,
      rows.map((r) => r.borrower_id),
    );
    return c.json(
      { items: rows.map((r) => presentReview(r, names)), total: rows.length ? Number(rows[0]!.total) : 0 },
      200,
    );
  });

  router.openapi(clear, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const user = currentUser(c);
    const now = deps.now();
    const before = await reviewById(deps.sql, id);
    if (!before) throw reviewNotFound();
    const won = await decideReview(deps.sql, id, { status: 'CLEARED', by: user.userId, reason, at: now });
    if (won) {
      await auditRequest(c, deps.sql, {
        action: 'AML_REVIEW_CLEARED',
        result: 'SUCCESS',
        resourceType: 'aml_review',
        resourceId: id,
        loanId: before.kind === 'APPLICATION' ? before.loan_id : null,
        detail: { kind: before.kind, entryId: before.entry_id, borrowerId: before.borrower_id, reason },
        at: now,
      });
    } else {
      const current = (await reviewById(deps.sql, id))!;
      // A clearance already made is finished (its loan started), never made twice.
      if (current.status !== 'CLEARED' || current.kind !== 'APPLICATION') throw decided(current);
    }
    const loanStarted = before.kind === 'APPLICATION' ? !!(await startClearedApplication(c, deps, id)) : false;
    const after = (await reviewById(deps.sql, id))!;
    const names = await maskedNames(deps, [after.borrower_id]);
    return c.json({ ...presentReview(after, names), loanStarted }, 200);
  });

  router.openapi(confirm, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const user = currentUser(c);
    const now = deps.now();
    const before = await reviewById(deps.sql, id);
    if (!before) throw reviewNotFound();
    if (!(await decideReview(deps.sql, id, { status: 'CONFIRMED', by: user.userId, reason, at: now })))
      throw decided((await reviewById(deps.sql, id))!);
    await auditRequest(c, deps.sql, {
      action: 'AML_REVIEW_CONFIRMED',
      result: 'SUCCESS',
      resourceType: 'aml_review',
      resourceId: id,
      detail: {
        kind: before.kind,
        entryId: before.entry_id,
        borrowerId: before.borrower_id,
        heldLoanId: before.loan_id,
        reason,
      },
      at: now,
    });
    const after = (await reviewById(deps.sql, id))!;
    return c.json(presentReview(after, await maskedNames(deps, [after.borrower_id])), 200);
  });

  router.openapi(detect, async (c) => {
    const day = c.req.valid('json').day ?? today();
    const bad = dateProblem('day', day);
    if (bad) throw ApiError.validation([bad]);
    if (compareDates(day, today()) > 0)
      throw ApiError.validation([problem('day', 'IN_FUTURE', '不能晚于今天', 'cannot be after today')]);
    if (compareDates(day, EARLIEST_DETECTION_DAY) < 0)
      throw ApiError.validation([
        problem('day', 'TOO_EARLY', `不能早于 ${EARLIEST_DETECTION_DAY}`, `cannot be before ${EARLIEST_DETECTION_DAY}`),
      ]);
    const result = await runAmlDetection(deps.sql, day, deps.config.BUSINESS_TIME_ZONE, deps.now());
    await auditRequest(c, deps.sql, {
      action: 'AML_DETECTION_RUN',
      result: 'SUCCESS',
      resourceType: 'aml_report',
      detail: { day, findings: result.findings, created: result.created.length },
    });
    return c.json(result, 200);
  });

  router.openapi(reports, async (c) => {
    const rows = await listReports(deps.sql, c.req.valid('query'));
    const names = await maskedNames(
      deps,
      rows.map((r) => r.customer_id),
    );
    return c.json(
      { items: rows.map((r) => presentReport(r, names)), total: rows.length ? Number(rows[0]!.total) : 0 },
      200,
    );
  });

  for (const [route, status] of [
    [submit, 'SUBMITTED'],
    [dismiss, 'DISMISSED'],
  ] as const) {
    router.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      const user = currentUser(c);
      const now = deps.now();
      const row = await decideReport(deps.sql, id, { status, by: user.userId, reason, at: now });
      if (!row) {
        const current = await reportById(deps.sql, id);
        if (!current) throw ApiError.notFound({ zh: '反洗钱报告', en: 'AML report' });
        if (current.status === 'DRAFT' && current.kind === 'LARGE_VALUE')
          throw ApiError.conflict('AML_LARGE_VALUE_MUST_BE_FILED', {
            zh: `大额交易报告（规则 ${current.rule}）必须提交，不能排除（《金融机构大额交易和可疑交易报告管理办法》第五条）`,
            en: `A large-value report (rule ${current.rule}) must be filed and cannot be dismissed (PBOC Order [2016] No. 3, art. 5)`,
          });
        throw ApiError.conflict('AML_REPORT_DECIDED', {
          zh: `该报告已处理（${current.status === 'SUBMITTED' ? '已提交' : '已排除'}）`,
          en: `This report was already decided (${current.status})`,
        });
      }
      await auditRequest(c, deps.sql, {
        action: status === 'SUBMITTED' ? 'AML_REPORT_SUBMITTED' : 'AML_REPORT_DISMISSED',
        result: 'SUCCESS',
        resourceType: 'aml_report',
        resourceId: id,
        detail: { rule: row.rule, day: row.day, customerId: row.customer_id, amount: row.amount, reason },
        at: now,
      });
      return c.json(presentReport(row, await maskedNames(deps, [row.customer_id])), 200);
    });
  }

  router.openapi(exportFile, async (c) => {
    const { from, to } = c.req.valid('query');
    const problems = [dateProblem('from', from), dateProblem('to', to)].filter((p) => p !== null);
    if (problems.length) throw ApiError.validation(problems);
    if (compareDates(from, to) > 0 || daysBetween(from, to) > 366)
      throw ApiError.validation([
        problem(
          'to',
          'INVALID_RANGE',
          '须不早于开始日期且跨度不超过 366 天',
          'must be on or after from, at most 366 days',
        ),
      ]);
    const rows = await submittedReports(deps.sql, { from, to });
    const csv = toCsv([
      [
        'report_id',
        'kind',
        'rule',
        'business_day',
        'customer_id',
        'customer_name_masked',
        'customer_id_number_masked',
        'amount_cny',
        'payment_ids',
        'loan_ids',
        'submitted_at',
        'submitted_by',
        'reason',
      ],
      ...rows.map((r) => [
        r.id,
        r.kind,
        r.rule,
        r.day,
        r.customer_id,
        r.name_enc ? maskName(deps.cipher.decrypt(r.name_enc, USER_FIELDS.name)) : null,
        r.id_number_enc ? maskIdNumber(deps.cipher.decrypt(r.id_number_enc, USER_FIELDS.idNumber)) : null,
        r.amount,
        r.payment_ids.join(';'),
        r.loan_ids.join(';'),
        iso(r.decided_at),
        r.decided_by,
        r.decision_reason,
      ]),
    ]);
    await auditRequest(c, deps.sql, {
      action: 'AML_REPORTS_EXPORTED',
      result: 'SUCCESS',
      resourceType: 'aml_report',
      detail: { from, to, reports: rows.length },
    });
    return new Response(csv, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="aml-reports_${from}_${to}.csv"`,
        'cache-control': 'private, no-store',
      },
    });
  });

  return router;
};
