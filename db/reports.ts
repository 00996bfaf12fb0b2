// Figures for the operations dashboard, by SQL over the loans, tasks, loan_events and ledger
// tables.
//
// Periods are business-calendar dates [from, to] in the business time zone. Funnel figures follow
// the cohort of loans applied for in the period; time to decision follows loans decided in the
// period; disbursed amounts follow the payout date in the ledger. The loan book (outstanding,
// PAR, the five-category classification, collections) is as of now.
import { approvalRate, ratio } from '../domain/ratio.js';
import {
  COLLECTION_KINDS,
  FUNNEL_STAGES,
  PAR_BUCKETS,
  type DashboardFigures,
  type FunnelStage,
  type ReportPeriod,
} from '../domain/reports.js';
import { LOAN_CLASSES } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';

/** Loans still owed: the book that outstanding principal, PAR and classification describe. */
const BOOK_STATUSES = ['ACTIVE', 'OVERDUE'];

/**
 * The book with lateness as the contract counts it: days within grace are not past due. Servicing
 * projects them as 0 (and 正常) since the grace rule; a loan whose run began before it still shows 1
 * to graceDays days past due (and 关注) for an installment in grace, counted here as current too.
 * Grace days are the product's.
 */
function bookLoans(sql: Sql) {
  const grace = sql`coalesce((p.definition -> 'penalty' ->> 'graceDays')::int, 0)`;
  return sql`(
    select l.outstanding_principal,
           case when l.days_past_due > ${grace} then l.days_past_due else 0 end as days_past_due,
           case when l.days_past_due between 1 and ${grace} then 'NORMAL' else l.classification end as classification
    from loans l join products p on p.code = l.product_code
    where l.status in ${sql(BOOK_STATUSES)}) book`;
}

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
  const counts: Record<FunnelStage, number> = {
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
  return {
    stages: FUNNEL_STAGES.map((stage) => ({ stage, loans: counts[stage] })),
    approved,
    rejected,
    approvalRate: approvalRate(approved, rejected),
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

/** Principal that became receivable through payouts in the period, net of any reversed payout. */
async function disbursed(sql: Sql, p: ReportPeriod): Promise<{ amount: string; loans: number }> {
  const [r] = await sql<Row[]>`
    select coalesce(sum(l.debit - l.credit), 0)::numeric(16, 2)::text as amount,
           count(distinct e.loan_id) filter (where e.kind = 'DISBURSEMENT'
             and not exists (select 1 from journal_entries x where x.reverses_key = e.business_key))::int as loans
    from journal_entries e
    join journal_lines l on l.entry_id = e.id and l.account = 'LOAN_PRINCIPAL'
    left join journal_entries original on original.business_key = e.reverses_key
    where e.effective_on between ${p.from}::date and ${p.to}::date
      and (e.kind = 'DISBURSEMENT' or (e.kind = 'REVERSAL' and original.kind = 'DISBURSEMENT'))`;
  return { amount: r!.amount as string, loans: r!.loans as number };
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
    from ${bookLoans(sql)}`;
  const total = r!.outstanding as string;
  return {
    outstandingPrincipal: total,
    loans: r!.loans as number,
    overdueLoans: r!.overdue_loans as number,
    par: PAR_BUCKETS.map((b) => {
      const key = b.bucket.toLowerCase();
      const amount = r![`${key}_amount`] as string;
      return {
        bucket: b.bucket,
        daysPastDueOver: b.daysPastDueOver,
        loans: r![`${key}_loans`] as number,
        outstandingPrincipal: amount,
        ratio: ratio(amount, total),
      };
    }),
  };
}

async function classification(sql: Sql) {
  const rows = await sql<Row[]>`
    select classification, count(*)::int as loans, coalesce(sum(outstanding_principal), 0)::numeric(16, 2)::text as outstanding
    from ${bookLoans(sql)} group by classification`;
  return LOAN_CLASSES.map((cls) => {
    const r = rows.find((x) => x.classification === cls);
    return {
      classification: cls,
      loans: (r?.loans as number) ?? 0,
      outstandingPrincipal: (r?.outstanding as string) ?? '0.00',
    };
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

export async function dashboardFigures(sql: Sql, period: ReportPeriod, now: Date): Promise<DashboardFigures> {
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
      disbursedSource: 'LEDGER',
      outstandingPrincipal: bookFigures.outstandingPrincipal,
      activeLoans: bookFigures.loans,
      overdueLoans: bookFigures.overdueLoans,
    },
    par: bookFigures.par,
    classification: classes,
    collections: pipeline,
  };
}
