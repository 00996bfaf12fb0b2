// Figures for the operations dashboard, by SQL over the loans, tasks, loan_events and ledger
// tables, and each of its tables as CSV (UTF-8 with a BOM, so Excel shows the Chinese).
//
// Periods are business-calendar dates [from, to] in BUSINESS_TIME_ZONE. Funnel figures follow
// the cohort of loans applied for in the period; time to decision follows loans decided in the
// period; disbursed amounts follow the payout date. The loan book (outstanding, PAR, the
// five-category classification, collections) is as of now.
import { z } from '@hono/zod-openapi';
import { localDateOf } from '../../domain/business-time.js';
import { addDays, daysBetween, isValidLocalDate } from '../../domain/dates.js';
import { problem } from '../../domain/errors.js';
import { LOAN_CLASSES } from '../../domain/types.js';
import type { Sql } from '../../db/client.js';
import { DICTIONARY } from '../../ui/i18n.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';

const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
/** Loans still owed: the book that outstanding principal, PAR and classification describe. */
const BOOK_STATUSES = ['ACTIVE', 'OVERDUE'];
const FUNNEL_STAGES = ['APPLIED', 'ASSESSED', 'INITIAL_REVIEW', 'FINAL_REVIEW', 'APPROVED', 'SIGNED', 'DISBURSED'] as const;
const PAR_BUCKETS = [
  { bucket: 'PAR1', daysPastDueOver: 1 },
  { bucket: 'PAR30', daysPastDueOver: 30 },
  { bucket: 'PAR90', daysPastDueOver: 90 },
] as const;
const COLLECTION_KINDS = ['COLLECTION_CALL', 'SUPERVISOR', 'LEGAL', 'WRITE_OFF_REVIEW'] as const;
export const REPORT_TABLES = ['applications-per-day', 'funnel', 'time-to-decision', 'portfolio', 'par', 'classification', 'collections'] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: string;
}

// ---------------------------------------------------------------- queries

type Row = Record<string, unknown>;

function periodBounds(sql: Sql, p: ReportPeriod) {
  return {
    start: sql`((${p.from}::date)::timestamp at time zone ${p.timeZone})`,
    end: sql`((${p.to}::date + 1)::timestamp at time zone ${p.timeZone})`,
  };
}

async function applicationsPerDay(sql: Sql, p: ReportPeriod) {
  const { start, end } = periodBounds(sql, p);
  const rows = await sql<Row[]>`
    with cohort as (
      select (created_at at time zone ${p.timeZone})::date as day from loans where created_at >= ${start} and created_at < ${end})
    select d::date::text as date, count(c.day)::int as applications
    from generate_series(${p.from}::date, ${p.to}::date, interval '1 day') d
    left join cohort c on c.day = d::date
    group by d order by d`;
  return rows.map((r) => ({ date: r.date as string, applications: r.applications as number }));
}

async function funnel(sql: Sql, p: ReportPeriod) {
  const { start, end } = periodBounds(sql, p);
  const [r] = await sql<Row[]>`
    with cohort as (select id, disbursed_at from loans where created_at >= ${start} and created_at < ${end}),
    reached as (
      select distinct e.loan_id, substr(e.kind, 8) as status
      from loan_events e join cohort c on c.id = e.loan_id where e.kind like 'STATUS\\_%')
    select
      (select count(*) from cohort)::int as applied,
      (select count(distinct loan_id) from reached where status = 'ASSESSING')::int as assessed,
      (select count(distinct loan_id) from reached where status = 'INITIAL_REVIEW')::int as initial_review,
      (select count(distinct loan_id) from reached where status = 'FINAL_REVIEW')::int as final_review,
      (select count(distinct loan_id) from reached where status = 'AWAITING_SIGNATURE')::int as approved,
      (select count(distinct loan_id) from reached where status = 'DISBURSING')::int as signed,
      (select count(*) from cohort c where c.disbursed_at is not null
         or exists (select 1 from reached x where x.loan_id = c.id and x.status = 'ACTIVE'))::int as disbursed,
      (select count(distinct loan_id) from reached where status = 'REJECTED')::int as rejected`;
  const counts: Record<(typeof FUNNEL_STAGES)[number], number> = {
    APPLIED: r!.applied as number,
    ASSESSED: r!.assessed as number,
    INITIAL_REVIEW: r!.initial_review as number,
    FINAL_REVIEW: r!.final_review as number,
    APPROVED: r!.approved as number,
    SIGNED: r!.signed as number,
    DISBURSED: r!.disbursed as number,
  };
  const approved = counts.APPROVED;
  const rejected = r!.rejected as number;
  const decided = approved + rejected;
  return {
    stages: FUNNEL_STAGES.map((stage) => ({ stage, loans: counts[stage] })),
    approved,
    rejected,
    approvalRate: decided === 0 ? null : (approved / decided).toFixed(4),
  };
}

async function timeToDecision(sql: Sql, p: ReportPeriod) {
  const { start, end } = periodBounds(sql, p);
  const [r] = await sql<Row[]>`
    with decided as (
      select extract(epoch from decided_at - created_at) / 3600.0 as hours
      from loans where decided_at >= ${start} and decided_at < ${end})
    select count(*)::int as decided,
           round(percentile_cont(0.5) within group (order by hours)::numeric, 4)::float8 as p50,
           round(percentile_cont(0.95) within group (order by hours)::numeric, 4)::float8 as p95,
           round(avg(hours)::numeric, 4)::float8 as average
    from decided`;
  return {
    decided: r!.decided as number,
    p50Hours: (r!.p50 as number | null) ?? null,
    p95Hours: (r!.p95 as number | null) ?? null,
    averageHours: (r!.average as number | null) ?? null,
  };
}

async function hasLedger(sql: Sql): Promise<boolean> {
  const [r] = await sql<{ present: boolean }[]>`select to_regclass('journal_entries') is not null as present`;
  return r!.present;
}

async function disbursed(sql: Sql, p: ReportPeriod): Promise<{ amount: string; loans: number; source: 'LEDGER' | 'LOANS' }> {
  if (await hasLedger(sql)) {
    // Principal that became receivable through payouts, net of any reversed payout.
    const [r] = await sql<Row[]>`
      select coalesce(sum(l.debit - l.credit), 0)::numeric(16, 2)::text as amount,
             count(distinct e.loan_id) filter (where e.kind = 'DISBURSEMENT'
               and not exists (select 1 from journal_entries x where x.reverses_key = e.business_key))::int as loans
      from journal_entries e
      join journal_lines l on l.entry_id = e.id and l.account = 'LOAN_PRINCIPAL'
      left join journal_entries original on original.business_key = e.reverses_key
      where e.effective_on between ${p.from}::date and ${p.to}::date
        and (e.kind = 'DISBURSEMENT' or (e.kind = 'REVERSAL' and original.kind = 'DISBURSEMENT'))`;
    return { amount: r!.amount as string, loans: r!.loans as number, source: 'LEDGER' };
  }
  const { start, end } = periodBounds(sql, p);
  const [r] = await sql<Row[]>`
    select coalesce(sum(coalesce((offer->>'amount')::numeric, amount)), 0)::numeric(16, 2)::text as amount, count(*)::int as loans
    from loans where disbursed_at >= ${start} and disbursed_at < ${end}`;
  return { amount: r!.amount as string, loans: r!.loans as number, source: 'LOANS' };
}

async function book(sql: Sql) {
  const [par1, par30, par90] = PAR_BUCKETS.map((b) => b.daysPastDueOver);
  const [r] = await sql<Row[]>`
    select coalesce(sum(outstanding_principal), 0)::numeric(16, 2)::text as outstanding,
           count(*)::int as loans,
           count(*) filter (where days_past_due > 0)::int as overdue_loans,
           coalesce(sum(outstanding_principal) filter (where days_past_due > ${par1}), 0)::numeric(16, 2)::text as par1_amount,
           count(*) filter (where days_past_due > ${par1})::int as par1_loans,
           coalesce(sum(outstanding_principal) filter (where days_past_due > ${par30}), 0)::numeric(16, 2)::text as par30_amount,
           count(*) filter (where days_past_due > ${par30})::int as par30_loans,
           coalesce(sum(outstanding_principal) filter (where days_past_due > ${par90}), 0)::numeric(16, 2)::text as par90_amount,
           count(*) filter (where days_past_due > ${par90})::int as par90_loans
    from loans where status in ${sql(BOOK_STATUSES)}`;
  const total = r!.outstanding as string;
  return {
    outstandingPrincipal: total,
    loans: r!.loans as number,
    overdueLoans: r!.overdue_loans as number,
    par: PAR_BUCKETS.map((b) => {
      const key = b.bucket.toLowerCase();
      const amount = r![`${key}_amount`] as string;
      return { bucket: b.bucket, daysPastDueOver: b.daysPastDueOver, loans: r![`${key}_loans`] as number, outstandingPrincipal: amount, ratio: ratio(amount, total) };
    }),
  };
}

/** a / b to four decimals, from two-decimal money strings; null when b is zero. */
function ratio(a: string, b: string): string | null {
  const cents = (m: string) => BigInt(m.replace('.', ''));
  const denominator = cents(b);
  if (denominator === 0n) return null;
  const scaled = (cents(a) * 100_000n) / denominator; // five decimals, then round half up to four
  const rounded = (scaled + 5n) / 10n;
  return `${rounded / 10_000n}.${String(rounded % 10_000n).padStart(4, '0')}`;
}

async function classification(sql: Sql) {
  const rows = await sql<Row[]>`
    select classification, count(*)::int as loans, coalesce(sum(outstanding_principal), 0)::numeric(16, 2)::text as outstanding
    from loans where status in ${sql(BOOK_STATUSES)} group by classification`;
  return LOAN_CLASSES.map((cls) => {
    const r = rows.find((x) => x.classification === cls);
    return { classification: cls, loans: (r?.loans as number) ?? 0, outstandingPrincipal: (r?.outstanding as string) ?? '0.00' };
  });
}

async function collections(sql: Sql, now: Date) {
  const rows = await sql<Row[]>`
    with open as (
      select kind, loan_id, count(*) as tasks, count(*) filter (where due_at < ${now}) as overdue
      from tasks where status = 'OPEN' and kind in ${sql([...COLLECTION_KINDS])} group by kind, loan_id)
    select o.kind, sum(o.tasks)::int as open_tasks, sum(o.overdue)::int as overdue_tasks, count(*)::int as loans,
           coalesce(sum(l.outstanding_principal), 0)::numeric(16, 2)::text as outstanding
    from open o join loans l on l.id = o.loan_id group by o.kind`;
  return COLLECTION_KINDS.map((kind) => {
    const r = rows.find((x) => x.kind === kind);
    return {
      kind,
      openTasks: (r?.open_tasks as number) ?? 0,
      overdueTasks: (r?.overdue_tasks as number) ?? 0,
      loans: (r?.loans as number) ?? 0,
      outstandingPrincipal: (r?.outstanding as string) ?? '0.00',
    };
  });
}

export async function dashboardFigures(sql: Sql, period: ReportPeriod, now: Date) {
  const [perDay, funnelFigures, decisionTimes, payouts, bookFigures, classes, pipeline] = await Promise.all([
    applicationsPerDay(sql, period),
    funnel(sql, period),
    timeToDecision(sql, period),
    disbursed(sql, period),
    book(sql),
    classification(sql),
    collections(sql, now),
  ]);
  return {
    period,
    generatedAt: now.toISOString(),
    applicationsPerDay: perDay,
    applications: perDay.reduce((n, d) => n + d.applications, 0),
    funnel: funnelFigures,
    timeToDecision: decisionTimes,
    portfolio: {
      disbursedAmount: payouts.amount,
      disbursedLoans: payouts.loans,
      disbursedSource: payouts.source,
      outstandingPrincipal: bookFigures.outstandingPrincipal,
      activeLoans: bookFigures.loans,
      overdueLoans: bookFigures.overdueLoans,
    },
    par: bookFigures.par,
    classification: classes,
    collections: pipeline,
  };
}

export type DashboardFigures = Awaited<ReturnType<typeof dashboardFigures>>;

// ---------------------------------------------------------------- CSV

type Lang = 'zh' | 'en';
interface CsvTable {
  /** Label keys of ui/i18n.ts, so the CSV headers say what the dashboard's columns say. */
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

const label = (key: string, lang: Lang) => DICTIONARY[key]?.[lang] ?? key;

export function reportTable(table: ReportTable, f: DashboardFigures, lang: Lang): CsvTable {
  const applied = f.funnel.stages[0]!.loans;
  const shareOfApplied = (n: number) => ratio(`${n}.00`, `${applied}.00`);
  switch (table) {
    case 'applications-per-day':
      return { columns: ['dash.col.date', 'dash.kpi.applications'], rows: f.applicationsPerDay.map((d) => [d.date, d.applications]) };
    case 'funnel':
      return {
        columns: ['dash.col.code', 'dash.col.stage', 'dash.col.loans', 'dash.col.share'],
        rows: [
          ...f.funnel.stages.map((s) => [s.stage, label(`funnel.${s.stage}`, lang), s.loans, shareOfApplied(s.loans)]),
          ['REJECTED', label('funnel.REJECTED', lang), f.funnel.rejected, shareOfApplied(f.funnel.rejected)],
          ['APPROVAL_RATE', label('dash.kpi.approvalRate', lang), null, f.funnel.approvalRate],
        ],
      };
    case 'time-to-decision':
      return {
        columns: ['ttd.decided', 'dash.col.p50Hours', 'dash.col.p95Hours', 'dash.col.averageHours'],
        rows: [[f.timeToDecision.decided, f.timeToDecision.p50Hours, f.timeToDecision.p95Hours, f.timeToDecision.averageHours]],
      };
    case 'portfolio':
      return {
        columns: ['dash.col.code', 'dash.col.measure', 'dash.col.value'],
        rows: (['disbursedAmount', 'disbursedLoans', 'outstandingPrincipal', 'activeLoans', 'overdueLoans'] as const).map((k) => [k, label(`portfolio.${k}`, lang), f.portfolio[k]]),
      };
    case 'par':
      return {
        columns: ['dash.col.code', 'dash.col.dpdOver', 'dash.col.loans', 'loans.col.outstanding', 'dash.col.parRatio'],
        rows: f.par.map((p) => [p.bucket, p.daysPastDueOver, p.loans, p.outstandingPrincipal, p.ratio]),
      };
    case 'classification':
      return {
        columns: ['dash.col.code', 'loans.col.classification', 'dash.col.loans', 'loans.col.outstanding'],
        rows: f.classification.map((c) => [c.classification, label(`class.${c.classification}`, lang), c.loans, c.outstandingPrincipal]),
      };
    case 'collections':
      return {
        columns: ['dash.col.code', 'dash.col.collectionStage', 'dash.col.openTasks', 'dash.col.overdueTasks', 'dash.col.loans', 'loans.col.outstanding'],
        rows: f.collections.map((c) => [c.kind, label(`taskKind.${c.kind}`, lang), c.openTasks, c.overdueTasks, c.loans, c.outstandingPrincipal]),
      };
  }
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(table: CsvTable, lang: Lang): string {
  const lines = [table.columns.map((key) => csvCell(label(key, lang))), ...table.rows.map((r) => r.map(csvCell))];
  return `\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- routes

const LocalDateQuery = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).openapi({ example: '2026-11-28' });
const PeriodQuery = z.object({
  from: LocalDateQuery.optional().openapi({ description: `First business date; default ${DEFAULT_DAYS - 1} days before "to"` }),
  to: LocalDateQuery.optional().openapi({ description: 'Last business date; default today in BUSINESS_TIME_ZONE' }),
});

const Money = z.string().openapi({ example: '50000.00' });
const Ratio = z.string().nullable().openapi({ description: 'Decimal fraction to four places; null when the denominator is zero', example: '0.0412' });
const Dashboard = z
  .object({
    period: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }),
    generatedAt: z.string(),
    applications: z.number(),
    applicationsPerDay: z.array(z.object({ date: z.string(), applications: z.number() })),
    funnel: z.object({
      stages: z.array(z.object({ stage: z.enum(FUNNEL_STAGES), loans: z.number() })),
      approved: z.number(),
      rejected: z.number(),
      approvalRate: Ratio,
    }),
    timeToDecision: z.object({ decided: z.number(), p50Hours: z.number().nullable(), p95Hours: z.number().nullable(), averageHours: z.number().nullable() }),
    portfolio: z.object({
      disbursedAmount: Money,
      disbursedLoans: z.number(),
      disbursedSource: z.enum(['LEDGER', 'LOANS']),
      outstandingPrincipal: Money,
      activeLoans: z.number(),
      overdueLoans: z.number(),
    }),
    par: z.array(z.object({ bucket: z.string(), daysPastDueOver: z.number(), loans: z.number(), outstandingPrincipal: Money, ratio: Ratio })),
    classification: z.array(z.object({ classification: z.enum(LOAN_CLASSES), loans: z.number(), outstandingPrincipal: Money })),
    collections: z.array(z.object({ kind: z.string(), openTasks: z.number(), overdueTasks: z.number(), loans: z.number(), outstandingPrincipal: Money })),
  })
  .openapi('DashboardFigures');

const dashboard = secureRoute({
  method: 'get',
  path: '/dashboard',
  access: 'report:read',
  summary: 'Operations dashboard figures / 运营看板数据',
  description:
    'Applications per day, the approval funnel of loans applied for in the period, time to decision of loans decided in the period, amounts disbursed in the period, and the loan book as of now: outstanding principal, PAR1/30/90, the five-category classification and the collections pipeline.',
  request: { query: PeriodQuery },
  responses: { 200: { description: 'The figures', content: { 'application/json': { schema: Dashboard } } }, ...errorResponses },
});

const exportTable = secureRoute({
  method: 'get',
  path: '/export/{table}',
  access: 'report:read',
  summary: 'One dashboard table as CSV / 导出看板表格',
  description: 'UTF-8 with a byte-order mark, so spreadsheet programs show the Chinese; headers in the language asked for.',
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
  if (from !== undefined && !isValidLocalDate(from)) problems.push(problem('from', 'INVALID_DATE', '日期无效', 'is not a calendar date'));
  if (!toValid) problems.push(problem('to', 'INVALID_DATE', '日期无效', 'is not a calendar date'));
  if (from !== undefined && problems.length === 0) {
    const span = daysBetween(from, to);
    if (span < 0) problems.push(problem('from', 'AFTER_TO', '开始日期不能晚于结束日期', 'must not be after "to"'));
    else if (span >= MAX_DAYS) problems.push(problem('from', 'PERIOD_TOO_LONG', `查询区间不能超过 ${MAX_DAYS} 天`, `the period must not exceed ${MAX_DAYS} days`));
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
    const csv = toCsv(reportTable(table, figures, query.lang), query.lang);
    return new Response(csv, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${table}_${period.from}_${period.to}.csv"`,
        'cache-control': 'private, no-store',
      },
    }) as never;
  });

  return app;
};
