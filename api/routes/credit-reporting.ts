// Credit reporting (征信报送), mounted at /v1/credit-reporting: a day's records (masked), running a
// day's report, corrections (更正) and deletions (删除) of a record, and borrowers' disputes (异议)
// with their 20-day deadline. The work is in db/credit-reporting.ts and db/credit-disputes.ts.
import { z } from '@hono/zod-openapi';
import { disputeById, listDisputes, raiseDispute, recordFinding } from '../../db/credit-disputes.js';
import {
  CreditRecordNotFound,
  recordsOf,
  runDailyCreditReport,
  sendCorrection,
  type CreditReportDeps,
} from '../../db/credit-reporting.js';
import { localDateOf } from '../../domain/business-time.js';
import { ACCOUNT_STATUSES, REPORTABLE_EVENTS, STATUS_CODES } from '../../domain/credit-reporting/account-state.js';
import { DISPUTE_FINDINGS, disputeReasonProblems } from '../../domain/credit-reporting/disputes.js';
import { RECORD_TYPES } from '../../domain/credit-reporting/record.js';
import { LOAN_CLASSES } from '../../domain/types.js';
import { compareDates, isValidLocalDate } from '../../domain/dates.js';
import { problem } from '../../domain/errors.js';
import { createCreditReportingClient } from '../../partners/credit-reporting-client.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, FrequencyEnum, LoanIdString, LoanTypeEnum, LocalDateString, Sha256Hex } from '../schemas.js';
import { bilingual } from '../validation.js';

// Checked in the handler, so any bad value is a 400 naming `date` itself.
const DateQuery = z.object({
  date: z
    .string()
    .max(40)
    .openapi({ param: { name: 'date', in: 'query' }, format: 'date', description: 'The report date, YYYY-MM-DD' }),
});

const Reason = z.object({ code: z.string(), message: z.string() });
const Amount = z.string().openapi({ example: '1530.00' });
const LendingAccountRecordSchema = z
  .object({
    recordId: z.string(),
    recordType: z.enum(RECORD_TYPES),
    correctsRecordId: z.string().nullable(),
    reportDate: z.string(),
    basics: z
      .object({
        accountId: z.string(),
        accountType: z.literal('D1'),
        loanType: LoanTypeEnum,
        openDate: z.string(),
        currency: z.literal('CNY'),
        amount: Amount,
        installmentCount: z.number().int(),
        maturityDate: z.string(),
        repaymentFrequency: FrequencyEnum,
        frequencyCode: z.string(),
        idType: z.literal('10'),
        idNumber: z.string().openapi({ description: 'masked' }),
        name: z.string().openapi({ description: 'masked' }),
      })
      .openapi({ description: '基础段: the account basics' }),
    performance: z
      .object({
        balance: Amount,
        fiveLevelClass: z.enum(LOAN_CLASSES),
        fiveLevelCode: z.string(),
        statusCode: z.enum(STATUS_CODES),
        overdueAmount: Amount,
        overdueDays: z.number().int(),
        overduePeriods: z.number().int(),
        lastPaymentDate: z.string().nullable(),
        lastPaymentAmount: Amount.nullable(),
        accountStatus: z.enum(ACCOUNT_STATUSES),
        accountStatusCode: z.string(),
      })
      .openapi({ description: '表现信息: the repayment status on the report date' }),
    events: z.array(
      z.object({
        kind: z.enum(REPORTABLE_EVENTS),
        installment: z.number().int().optional(),
        amount: Amount.optional(),
      }),
    ),
  })
  .openapi('LendingAccountRecord', {
    description: 'The personal lending-account record (个人借贷账户信息) with the name and ID number masked',
  });
const StoredRecord = z
  .object({
    recordId: z.string(),
    submissionId: z.string(),
    loanId: z.string(),
    reportDate: z.string(),
    recordType: z.enum(['NEW', 'CORRECTION', 'DELETION']),
    correctsRecordId: z.string().nullable(),
    status: z.enum(['BUILT', 'ACCEPTED', 'REJECTED']),
    reasons: z.array(Reason),
    record: LendingAccountRecordSchema,
  })
  .openapi('CreditReportRecord');

const Submission = z
  .object({
    submissionId: z.string(),
    reportDate: z.string(),
    kind: z.enum(['DAILY', 'CORRECTION', 'DELETION']),
    fileName: z.string(),
    sha256: Sha256Hex,
    recordCount: z.number().int(),
    status: z.enum(['BUILT', 'SUBMITTED']),
    receiptId: z.string().nullable(),
    accepted: z.number().int(),
    rejected: z.number().int(),
  })
  .openapi('CreditReportSubmission');

const DisputeSchema = z
  .object({
    disputeId: z.string(),
    loanId: z.string(),
    raisedOn: z.string(),
    dueOn: z.string().openapi({ description: 'raisedOn + 20 days (征信业管理条例 第二十五条)' }),
    status: z.enum(['OPEN', 'RESOLVED']),
    overdue: z.boolean(),
    reason: z.string(),
    finding: z.enum(DISPUTE_FINDINGS).nullable(),
    findingNote: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    correctionRecordId: z.string().nullable(),
  })
  .openapi('CreditDispute');

const listRecords = secureRoute({
  method: 'get',
  path: '/records',
  access: 'credit-report:read',
  summary: 'A day’s credit reporting records / 征信报送记录',
  description: 'Every record built for the report date, with the center’s answer; personal data masked.',
  request: { query: DateQuery },
  responses: {
    200: {
      description: 'Records by loan',
      content: { 'application/json': { schema: z.object({ date: z.string(), records: z.array(StoredRecord) }) } },
    },
    ...errorResponses,
  },
});

const runDay = secureRoute({
  method: 'post',
  path: '/runs',
  access: 'credit-report:submit',
  summary: 'Build and send a day’s credit report / 生成并报送当日征信数据',
  description:
    'The same job as `npm run credit-report -- --date`. A day is built and sent once: running it again answers the stored submission (replayed: true).',
  request: {
    body: {
      content: { 'application/json': { schema: z.object({ date: LocalDateString }).strict() } },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'The day’s submission',
      content: { 'application/json': { schema: Submission.extend({ replayed: z.boolean() }) } },
    },
    ...errorResponses,
  },
});

const correct = secureRoute({
  method: 'post',
  path: '/records/{recordId}/corrections',
  access: 'credit-report:submit',
  summary: 'Correct or delete a reported record / 更正或删除报送记录',
  description:
    'CORRECTION rebuilds the record of the loan and date from the loan’s data now and sends it naming the record it replaces; DELETION asks the center to remove the record. The fix task of a rejected record closes when its correction is accepted.',
  request: {
    params: z.object({
      recordId: z
        .string()
        .max(120)
        .openapi({ param: { name: 'recordId', in: 'path' } }),
    }),
    body: {
      content: {
        'application/json': { schema: z.object({ kind: z.enum(['CORRECTION', 'DELETION']) }).strict() },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'The correction or deletion and the center’s answer',
      content: {
        'application/json': {
          schema: Submission.extend({ recordId: z.string(), recordStatus: z.string(), reasons: z.array(Reason) }),
        },
      },
    },
    ...errorResponses,
  },
});

const raise = secureRoute({
  method: 'post',
  path: '/disputes',
  access: 'credit-dispute:raise',
  summary: 'Dispute what was reported about my loan / 提出征信异议',
  description: 'A borrower, on their own loan. It is answered within 20 days.',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              loanId: LoanIdString,
              reason: z.string().max(2000, bilingual('异议理由过长', 'is too long')),
            })
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    201: { description: 'The dispute', content: { 'application/json': { schema: DisputeSchema } } },
    ...errorResponses,
  },
});

const disputes = secureRoute({
  method: 'get',
  path: '/disputes',
  access: 'credit-report:read',
  summary: 'Credit disputes / 征信异议',
  description: '`overdue=true` lists the open disputes past their 20-day deadline.',
  request: {
    query: z.object({
      status: z.enum(['OPEN', 'RESOLVED']).optional(),
      overdue: z.enum(['true', 'false']).optional(),
      loanId: LoanIdString.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
  },
  responses: {
    200: {
      description: 'Disputes by due date',
      content: { 'application/json': { schema: z.object({ disputes: z.array(DisputeSchema) }) } },
    },
    ...errorResponses,
  },
});

const finding = secureRoute({
  method: 'post',
  path: '/disputes/{disputeId}/finding',
  access: 'credit-report:submit',
  summary: 'Record the finding of a dispute / 登记异议核查结果',
  description:
    'UPHELD sends a correction of the loan’s latest accepted record (rebuilt from its data now) and links it; NOT_UPHELD closes the dispute with the note.',
  request: {
    params: z.object({
      disputeId: z
        .string()
        .max(40)
        .openapi({ param: { name: 'disputeId', in: 'path' } }),
    }),
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              finding: z.enum(DISPUTE_FINDINGS),
              note: z.string().min(1, bilingual('请填写核查说明', 'is required')).max(1000),
            })
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'The resolved dispute', content: { 'application/json': { schema: DisputeSchema } } },
    ...errorResponses,
  },
});

function checkedDate(value: string, field: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isValidLocalDate(value))
    throw ApiError.validation([problem(field, 'INVALID_DATE', '日期无效', 'is not a calendar date')]);
  return value;
}

function reportingDeps(deps: ApiDeps): CreditReportDeps {
  if (!deps.config.BUREAU_URL)
    throw new ApiError(503, 'BUREAU_NOT_CONFIGURED', { zh: '未配置征信报送接口', en: 'BUREAU_URL is not configured' });
  return {
    sql: deps.sql,
    cipher: deps.cipher,
    client: createCreditReportingClient({ baseUrl: deps.config.BUREAU_URL, log: deps.log, timeoutMs: 30_000 }),
    dataDir: deps.config.DATA_DIR,
    timeZone: deps.config.BUSINESS_TIME_ZONE,
  };
}

export const creditReportingRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const today = () => localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);

  app.openapi(listRecords, async (c) => {
    const date = checkedDate(c.req.valid('query').date, 'date');
    const records = await recordsOf(deps.sql, date);
    return c.json({ date, records }, 200);
  });

  app.openapi(runDay, async (c) => {
    const user = currentUser(c);
    const date = checkedDate(c.req.valid('json').date, 'date');
    if (compareDates(date, today()) > 0)
      throw ApiError.validation([problem('date', 'IN_FUTURE', '报送日期不能晚于今天', 'must not be after today')]);
    const result = await runDailyCreditReport(reportingDeps(deps), date, { id: user.userId, role: user.role });
    return c.json(result, 200);
  });

  app.openapi(correct, async (c) => {
    const user = currentUser(c);
    const { recordId } = c.req.valid('param');
    const { kind } = c.req.valid('json');
    try {
      const result = await sendCorrection(reportingDeps(deps), recordId, kind, { id: user.userId, role: user.role });
      return c.json(result, 201);
    } catch (err) {
      if (err instanceof CreditRecordNotFound) throw ApiError.notFound({ zh: '报送记录', en: 'Credit report record' });
      throw err;
    }
  });

  app.openapi(raise, async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    const problems = disputeReasonProblems(body.reason);
    if (problems.length > 0) throw ApiError.validation(problems);
    await loanInScope(deps.sql, user, body.loanId);
    const dispute = await raiseDispute(deps.sql, deps.cipher, {
      loanId: body.loanId,
      raisedBy: user.userId,
      reason: body.reason,
      today: today(),
      timeZone: deps.config.BUSINESS_TIME_ZONE,
    });
    await auditRequest(c, deps.sql, {
      action: 'CREDIT_DISPUTE_RAISED',
      result: 'SUCCESS',
      resourceType: 'credit_dispute',
      resourceId: dispute.disputeId,
      loanId: body.loanId,
      detail: { dueOn: dispute.dueOn },
    });
    return c.json(dispute, 201);
  });

  app.openapi(disputes, async (c) => {
    const q = c.req.valid('query');
    const list = await listDisputes(deps.sql, deps.cipher, {
      today: today(),
      ...(q.status ? { status: q.status } : {}),
      overdue: q.overdue === 'true',
      ...(q.loanId ? { loanId: q.loanId } : {}),
      limit: q.limit,
    });
    return c.json({ disputes: list }, 200);
  });

  app.openapi(finding, async (c) => {
    const user = currentUser(c);
    const { disputeId } = c.req.valid('param');
    const body = c.req.valid('json');
    if (!(await disputeById(deps.sql, deps.cipher, disputeId, today())))
      throw ApiError.notFound({ zh: '异议', en: 'Dispute' });
    const result = await recordFinding(reportingDeps(deps), {
      disputeId,
      finding: body.finding,
      note: body.note,
      actor: { id: user.userId, role: user.role, userId: user.userId },
      today: today(),
    });
    if (result.kind === 'NOT_FOUND') throw ApiError.notFound({ zh: '异议', en: 'Dispute' });
    if (result.kind === 'ALREADY_RESOLVED')
      throw ApiError.conflict('DISPUTE_ALREADY_RESOLVED', {
        zh: '该异议已处理',
        en: 'The dispute was already resolved',
      });
    if (result.kind === 'NOTHING_REPORTED')
      throw ApiError.conflict('NOTHING_REPORTED', {
        zh: '该笔贷款尚无被征信机构接收的报送记录，无需更正',
        en: 'No record of this loan was accepted by the center; there is nothing to correct',
      });
    await auditRequest(c, deps.sql, {
      action: 'CREDIT_DISPUTE_RESOLVED',
      result: 'SUCCESS',
      resourceType: 'credit_dispute',
      resourceId: disputeId,
      loanId: result.dispute.loanId,
      detail: { finding: body.finding, correctionRecordId: result.dispute.correctionRecordId },
    });
    return c.json(result.dispute, 200);
  });

  return app;
};
