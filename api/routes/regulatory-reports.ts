// The monthly regulatory statistics (监管统计月报), mounted at /v1/reports/regulatory: the report as
// JSON and as CSV (UTF-8 with a byte-order mark, Chinese headers by default). Definitions:
// domain/regulatory-statistics.ts; queries: db/regulatory-statistics.ts.
import { z } from '@hono/zod-openapi';
import { localDateOf } from '../../domain/business-time.js';
import { parsePeriodField } from '../../domain/chart-of-accounts.js';
import {
  APR_BANDS,
  BORROWER_KINDS,
  FOUR_TIMES_LPR,
  OVERDUE_BUCKETS,
  TERM_BANDS,
} from '../../domain/regulatory-statistics.js';
import { regulatoryReportRows } from '../../domain/regulatory-statistics-table.js';
import { LOAN_CLASSES, LOAN_TYPES } from '../../domain/types.js';
import { regulatoryMonthlyFigures } from '../../db/regulatory-statistics.js';
import { toCsv } from '../../lib/csv.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';

const Money = z.string().openapi({ example: '50000.00' });
const loans = z.number().int().openapi({ description: 'Number of loans' });
const Balance = { loans, principal: Money.openapi({ description: 'Outstanding principal' }) };

const MonthQuery = z.object({
  month: z.string().optional().openapi({ description: 'The reporting month, YYYY-MM', example: '2026-11' }),
});

const RegulatoryMonthly = z
  .object({
    month: z.string(),
    from: z.string().openapi({ description: "The month's first day" }),
    to: z.string().openapi({ description: "The month's last day" }),
    asOf: z.string().openapi({
      description: 'The day balances are taken: the last day of the month, or today for a month not over yet',
    }),
    monthEnded: z.boolean(),
    balance: z.object(Balance).openapi({ description: 'Loans with principal outstanding at the end of asOf' }),
    byLoanType: z.array(z.object({ loanType: z.enum(LOAN_TYPES), ...Balance })),
    byTermBand: z
      .array(z.object({ termBand: z.enum(TERM_BANDS), ...Balance }))
      .openapi({ description: 'By the time from payout to the last due date: ≤3, ≤6, ≤12, ≤36 months, longer' }),
    byClass: z.array(z.object({ classification: z.enum(LOAN_CLASSES), ...Balance })).openapi({
      description: 'Five-level class of the days past due at asOf (oldest installment due before asOf, unpaid then)',
    }),
    byBorrowerKind: z
      .array(z.object({ borrowerKind: z.enum(BORROWER_KINDS), ...Balance }))
      .openapi({ description: 'From the loan type: individual-business and farmer loans, every other an individual' }),
    newLoans: z
      .object({ loans, principal: Money })
      .openapi({ description: 'Paid out in the month (the disbursement entry dated in it)' }),
    aprDistribution: z
      .array(
        z.object({
          aprBand: z.enum(APR_BANDS),
          newLoans: loans,
          newPrincipal: Money,
          outstandingLoans: loans,
          outstandingPrincipal: Money,
        }),
      )
      .openapi({
        description: `APR of the signed offer (fees included): ≤${FOUR_TIMES_LPR} (4 × LPR), ≤0.24, ≤0.36, above; a bound belongs to the band below it`,
      }),
    overdue: z.object({
      loans,
      principal: Money,
      byBucket: z.array(z.object({ bucket: z.enum(OVERDUE_BUCKETS), ...Balance })),
    }),
    writeOffs: z
      .object({ loans, amount: Money })
      .openapi({ description: 'Written off in the month: what the write-off took to losses' }),
    recoveries: z
      .object({ payments: z.number().int(), loans, amount: Money })
      .openapi({ description: 'Money received in the month on loans written off before' }),
  })
  .openapi('RegulatoryMonthlyReport');

const monthly = secureRoute({
  method: 'get',
  path: '/monthly',
  access: 'report:read',
  summary: 'Monthly regulatory statistics / 监管统计月报',
  description:
    'The loan book at month-end by loan type, term band, five-level class and borrower kind; loans paid out in the month; the APR distribution; overdue loans by bucket; write-offs and recoveries after write-off in the month. 400 naming `month` when it is missing or not YYYY-MM.',
  request: { query: MonthQuery },
  responses: {
    200: { description: 'The report', content: { 'application/json': { schema: RegulatoryMonthly } } },
    ...errorResponses,
  },
});

const monthlyCsv = secureRoute({
  method: 'get',
  path: '/monthly.csv',
  access: 'report:read',
  summary: 'Monthly regulatory statistics as CSV / 监管统计月报（CSV）',
  description:
    'The same figures as GET /v1/reports/regulatory/monthly, one row each (section, item, count, amount); UTF-8 with a byte-order mark; headers in Chinese unless lang=en.',
  request: { query: MonthQuery.extend({ lang: z.enum(['zh', 'en']).default('zh') }) },
  responses: { 200: { description: 'text/csv', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
});

export const regulatoryReportRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const figures = (month: string | undefined) => {
    const parsed = parsePeriodField(month, 'month');
    if (!parsed.ok) throw ApiError.validation(parsed.problems);
    const today = localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);
    return regulatoryMonthlyFigures(deps.sql, parsed.value, today, deps.config.BUSINESS_TIME_ZONE);
  };

  app.openapi(monthly, async (c) => c.json(await figures(c.req.valid('query').month), 200));

  app.openapi(monthlyCsv, async (c) => {
    const query = c.req.valid('query');
    const report = await figures(query.month);
    return new Response(toCsv(regulatoryReportRows(report, query.lang)), {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="regulatory-monthly_${report.month}.csv"`,
        'cache-control': 'private, no-store',
      },
    });
  });

  return app;
};
