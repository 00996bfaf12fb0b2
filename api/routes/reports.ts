// The operations dashboard (mounted at /v1/reports): its figures as JSON (db/reports.ts) and each
// of its tables as CSV (api/report-tables.ts), for a period of business dates.
import { z } from '@hono/zod-openapi';
import { localDateOf } from '../../domain/business-time.js';
import { addDays, daysBetween, isValidLocalDate } from '../../domain/dates.js';
import { problem } from '../../domain/errors.js';
import {
  DECISION_PATHS,
  FIGURE_DEFINITIONS,
  FUNNEL_STAGES,
  PATH_STAGES,
  RATE_DEFINITIONS,
  RATES,
  REPORT_TABLES,
  TIME_TO_DECISION_PATHS,
  type FunnelStage,
  type ReportPeriod,
} from '../../domain/reports.js';
import { LOAN_CLASSES, LOAN_TYPES } from '../../domain/types.js';
import { dashboardFigures } from '../../db/reports.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { reportCsv } from '../report-tables.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';

const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;

const LocalDateQuery = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ example: '2026-11-28' });
const PeriodQuery = z.object({
  from: LocalDateQuery.optional().openapi({
    description: `First business date; default ${DEFAULT_DAYS - 1} days before "to"`,
  }),
  to: LocalDateQuery.optional().openapi({ description: 'Last business date; default today in BUSINESS_TIME_ZONE' }),
});

const Money = z.string().openapi({ example: '50000.00' });
const Ratio = z
  .string()
  .nullable()
  .openapi({ description: 'Decimal fraction to four places; null when the denominator is zero', example: '0.0412' });
const count = (description: string) => z.number().int().openapi({ description });
const FunnelCountsSchema = {
  applied: count('Loans applied for in the period'),
  documentsComplete: count('Of those, loans whose required documents were complete (they reached assessment)'),
  autoApproved: count('Approved by the assessment alone, without a person'),
  manualReview: count('Went to a person: the assessment asked for review, or the loan reached initial review'),
  approved: count('Approved: an offer and contract went out (待签约); automatic and manual together'),
  rejected: count('Refused without an approval, automatically or by a reviewer'),
  decided: count('Approved + rejected; applications still in progress are in neither'),
  signed: count('Approved, and the borrower signed the contract'),
  disbursed: count('Signed, and the loan was paid out'),
};
const rateList = RATES.map((r) => `${r}: ${RATE_DEFINITIONS[r].definition.en}`).join('; ');
const Breakdown = z.object({
  ...FunnelCountsSchema,
  approvalRate: Ratio.openapi({ description: `Within the row: ${RATE_DEFINITIONS.APPROVAL_RATE.definition.en}` }),
});
const Dashboard = z
  .object({
    period: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
    generatedAt: z.string(),
    applications: z.number(),
    applicationsPerDay: z.array(z.object({ date: z.string(), applications: z.number() })),
    funnel: z
      .object({
        applied: FunnelCountsSchema.applied,
        documentsComplete: FunnelCountsSchema.documentsComplete,
        paths: z.array(
          z.object({
            path: z.enum(DECISION_PATHS),
            stages: z.array(
              z.object({ stage: z.enum(FUNNEL_STAGES as [FunnelStage, ...FunnelStage[]]), loans: z.number() }),
            ),
          }),
        ),
        approved: FunnelCountsSchema.approved,
        rejected: FunnelCountsSchema.rejected,
        decided: FunnelCountsSchema.decided,
        manualDecided: count('Loans that went to a person and were approved or rejected'),
        signed: count('Signed, on both paths'),
        disbursed: count('Disbursed, on both paths'),
        autoRejected: count('Rejected without a person: by the assessment or the product rules'),
        manualRejected: count('Rejected after going to a person'),
      })
      .openapi({
        description: `${FIGURE_DEFINITIONS.COHORT.en}. The paths part after "documents complete": AUTO (${PATH_STAGES.AUTO.join(' → ')}) and MANUAL (${PATH_STAGES.MANUAL.join(' → ')}). A loan counts at a stage only when it reached every stage before it on its path, so each stage holds no more loans than the one before it.`,
      }),
    rates: z
      .array(
        z.object({
          rate: z.enum(RATES),
          value: Ratio,
          numerator: z.number().int(),
          denominator: z.number().int(),
        }),
      )
      .openapi({ description: `One definition per rate, over the funnel's cohort. ${rateList}.` }),
    timeToDecision: z
      .array(
        z.object({
          path: z.enum(TIME_TO_DECISION_PATHS),
          decisions: count('Loans decided (approved or rejected) in the period'),
          medianSeconds: z.number().nullable(),
          p95Seconds: z.number().nullable(),
          averageSeconds: z.number().nullable(),
        }),
      )
      .openapi({
        description: `${FIGURE_DEFINITIONS.TIME_TO_DECISION.en}. ALL, then each path. Seconds to the millisecond.`,
      }),
    byChannel: z
      .array(
        Breakdown.extend({
          applicationChannel: z.enum(['ONLINE', 'OFFLINE']),
          partnerChannel: z
            .string()
            .nullable()
            .openapi({ description: 'The channel whose API key came with the application; null without one' }),
        }),
      )
      .openapi({ description: "The funnel's cohort by how it applied and through which channel" }),
    byProduct: z
      .array(Breakdown.extend({ loanType: z.enum(LOAN_TYPES) }))
      .openapi({ description: "The funnel's cohort by loan type" }),
    portfolio: z.object({
      disbursedAmount: Money,
      disbursedLoans: z.number(),
      disbursedSource: z.enum(['LEDGER']),
      outstandingPrincipal: Money,
      activeLoans: z.number(),
      overdueLoans: z.number(),
    }),
    par: z
      .array(
        z.object({
          bucket: z.string(),
          daysPastDueOver: z.number(),
          loans: z.number(),
          outstandingPrincipal: Money,
          ratio: Ratio,
        }),
      )
      .openapi({ description: FIGURE_DEFINITIONS.PAR.en }),
    classification: z.array(
      z.object({ classification: z.enum(LOAN_CLASSES), loans: z.number(), outstandingPrincipal: Money }),
    ),
    collections: z.array(
      z.object({
        kind: z.string(),
        openTasks: z.number(),
        overdueTasks: z.number(),
        loans: z.number(),
        outstandingPrincipal: Money,
      }),
    ),
  })
  .openapi('DashboardFigures');

const dashboard = secureRoute({
  method: 'get',
  path: '/dashboard',
  access: 'report:read',
  summary: 'Operations dashboard figures / 运营看板数据',
  description: `Applications per day; the approval funnel of loans applied for in the period, with the automatic and manual paths apart, its rates and its breakdowns by channel and by loan type; time to decision of loans decided in the period; amounts disbursed in the period; and the loan book as of now: outstanding principal, PAR1/30/90, the five-category classification and the collections pipeline. Rates, one definition each: ${rateList}.`,
  request: { query: PeriodQuery },
  responses: {
    200: { description: 'The figures', content: { 'application/json': { schema: Dashboard } } },
    ...errorResponses,
  },
});

const exportTable = secureRoute({
  method: 'get',
  path: '/export/{table}',
  access: 'report:read',
  summary: 'One dashboard table as CSV / 导出看板表格',
  description:
    'UTF-8 with a byte-order mark, so spreadsheet programs show the Chinese; headers in the language asked for.',
  request: {
    params: z.object({ table: z.enum(REPORT_TABLES).openapi({ param: { name: 'table', in: 'path' } }) }),
    query: PeriodQuery.extend({ lang: z.enum(['zh', 'en']).default('zh') }),
  },
  responses: { 200: { description: 'text/csv', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
});

export function reportPeriod(query: { from?: string; to?: string }, today: string, timeZone: string): ReportPeriod {
  const to = query.to ?? today;
  const toValid = isValidLocalDate(to);
  // The default start is counted back from "to", which must be a date first.
  const from = query.from ?? (toValid ? addDays(to, -(DEFAULT_DAYS - 1)) : undefined);
  const problems = [];
  if (from !== undefined && !isValidLocalDate(from))
    problems.push(problem('from', 'INVALID_DATE', '日期无效', 'is not a calendar date'));
  if (!toValid) problems.push(problem('to', 'INVALID_DATE', '日期无效', 'is not a calendar date'));
  if (from !== undefined && problems.length === 0) {
    const span = daysBetween(from, to);
    if (span < 0) problems.push(problem('from', 'AFTER_TO', '开始日期不能晚于结束日期', 'must not be after "to"'));
    else if (span >= MAX_DAYS)
      problems.push(
        problem(
          'from',
          'PERIOD_TOO_LONG',
          `查询区间不能超过 ${MAX_DAYS} 天`,
          `the period must not exceed ${MAX_DAYS} days`,
        ),
      );
  }
  if (problems.length || from === undefined) throw ApiError.validation(problems);
  return { from, to, timeZone };
}

export const reportRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const periodOf = (query: { from?: string; to?: string }) => {
    const timeZone = deps.config.BUSINESS_TIME_ZONE;
    return reportPeriod(query, localDateOf(deps.now().getTime(), timeZone), timeZone);
  };

  app.openapi(dashboard, async (c) => {
    const figures = await dashboardFigures(deps.sql, periodOf(c.req.valid('query')), deps.now());
    return c.json(figures, 200);
  });

  app.openapi(exportTable, async (c) => {
    const { table } = c.req.valid('param');
    const query = c.req.valid('query');
    const period = periodOf(query);
    const figures = await dashboardFigures(deps.sql, period, deps.now());
    return new Response(reportCsv(table, figures, query.lang), {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${table}_${period.from}_${period.to}.csv"`,
        'cache-control': 'private, no-store',
      },
    });
  });

  return app;
};
