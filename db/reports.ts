// Figures for the operations dashboard, by SQL over the loans, tasks, loan_events and ledger
// tables.
//
// Periods are business-calendar dates [from, to] in the business time zone. The funnel, its rates
// and the breakdowns by channel and by loan type follow the cohort of loans applied for in the
// period, counted from their loan events; time to decision follows loans decided in the period; disbursed amounts follow the payout date in the ledger. The loan book (outstanding,
// PAR, the five-category classification, collections) is as of now.
import { ratio } from '../domain/ratio.js';
import {
  breakdownOf,
  COLLECTION_KINDS,
  funnelOf,
  PAR_BUCKETS,
  ratesOf,
  TIME_TO_DECISION_PATHS,
  type ChannelKey,
  type DashboardFigures,
  type DecisionTime,
  type FunnelCounts,
  type ReportPeriod,
} from '../domain/reports.js';
import { LOAN_CLASSES, type LoanType } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';

/** Loans still owed: the book that outstanding principal, PAR and classification describe. */
const BOOK_STATUSES = ['ACTIVE', 'OVERDUE'];

/**
 * The book with lateness as the contract counts it: days within grace are not past due. Servicing
 * projects them as 0 (and 正常) since the grace rule; a loan whose run began before it still shows 1
 * to graceDays days past due (and 关注) for an installment in grace, counted here as current too.
 * Grace days are the product's. The class is the effective one: an approved classification
 * override holds over the computed class unless that is worse (migration 0038).
 */
function bookLoans(sql: Sql) {
  const grace = sql`coalesce((p.definition -> 'penalty' ->> 'graceDays')::int, 0)`;
  return sql`(
    select l.outstanding_principal,
           case when l.days_past_due > ${grace} then l.days_past_due else 0 end as days_past_due,
           effective_classification(
             l.id, case when l.days_past_due between 1 and ${grace} then 'NORMAL' else l.classification end
           ) as classification
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

/** Whether a loan went to a person: the assessment asked for review, or it reached initial review. */
const WENT_TO_REVIEW = `(e.kind = 'STATUS_INITIAL_REVIEW' or (e.kind = 'ASSESSED' and e.detail ->> 'outcome' = 'REVIEW'))`;

const GROUPS = { ALL: 7, CHANNEL: 1, PRODUCT: 6 } as const;

/**
 * The cohort of loans applied for in the period, counted through the funnel from their events, in
 * total, by channel and by loan type. Each stage counts only loans that also reached every stage
 * before it on their path (FunnelCounts).
 */
async function cohortCounts(sql: Sql, p: ReportPeriod) {
  const { start, end } = periodBounds(sql, p);
  const rows = await sql<Row[]>`
    with cohort as (
      select l.id, l.channel as application_channel, lc.channel as partner_channel, l.loan_type, l.disbursed_at
      from loans l left join loan_channels lc on lc.loan_id = l.id
      where l.created_at >= ${start} and l.created_at < ${end}),
    reached as (
      select e.loan_id,
             bool_or(e.kind = 'STATUS_ASSESSING') as documents_complete,
             bool_or(${sql.unsafe(WENT_TO_REVIEW)}) as manual,
             bool_or(e.kind = 'STATUS_AWAITING_SIGNATURE') as approved,
             bool_or(e.kind = 'STATUS_REJECTED') as rejected,
             bool_or(e.kind = 'CONTRACT_SIGNED') as signed,
             bool_or(e.kind = 'STATUS_ACTIVE') as active
      from loan_events e join cohort c on c.id = e.loan_id
      where e.kind in ('STATUS_ASSESSING', 'STATUS_INITIAL_REVIEW', 'ASSESSED', 'STATUS_AWAITING_SIGNATURE',
                       'STATUS_REJECTED', 'CONTRACT_SIGNED', 'STATUS_ACTIVE')
      group by e.loan_id),
    journeys as (
      select c.application_channel, c.partner_channel, c.loan_type,
             coalesce(r.documents_complete, false) as documents_complete,
             coalesce(r.documents_complete and r.manual, false) as manual_review,
             coalesce(r.documents_complete and not r.manual and r.approved, false) as auto_approved,
             coalesce(r.approved, false) as approved,
             coalesce(r.rejected and not r.approved, false) as rejected,
             coalesce(r.signed, false) as signed,
             c.disbursed_at is not null or coalesce(r.active, false) as paid_out
      from cohort c left join reached r on r.loan_id = c.id)
    select grouping(application_channel, partner_channel, loan_type)::int as grouped,
           application_channel, partner_channel, loan_type,
           count(*)::int as applied,
           count(*) filter (where documents_complete)::int as documents_complete,
           count(*) filter (where auto_approved)::int as auto_approved,
           count(*) filter (where auto_approved and signed)::int as auto_signed,
           count(*) filter (where auto_approved and signed and paid_out)::int as auto_disbursed,
           count(*) filter (where manual_review)::int as manual_review,
           count(*) filter (where manual_review and approved)::int as manual_approved,
           count(*) filter (where manual_review and approved and signed)::int as manual_signed,
           count(*) filter (where manual_review and approved and signed and paid_out)::int as manual_disbursed,
           count(*) filter (where rejected and not manual_review)::int as auto_rejected,
           count(*) filter (where rejected and manual_review)::int as manual_rejected
    from journeys
    group by grouping sets ((), (application_channel, partner_channel), (loan_type))
    order by application_channel, partner_channel nulls first, loan_type`;
  const countsOf = (r: Row | undefined): FunnelCounts => ({
    applied: (r?.applied as number) ?? 0,
    documentsComplete: (r?.documents_complete as number) ?? 0,
    autoApproved: (r?.auto_approved as number) ?? 0,
    autoSigned: (r?.auto_signed as number) ?? 0,
    autoDisbursed: (r?.auto_disbursed as number) ?? 0,
    manualReview: (r?.manual_review as number) ?? 0,
    manualApproved: (r?.manual_approved as number) ?? 0,
    manualSigned: (r?.manual_signed as number) ?? 0,
    manualDisbursed: (r?.manual_disbursed as number) ?? 0,
    autoRejected: (r?.auto_rejected as number) ?? 0,
    manualRejected: (r?.manual_rejected as number) ?? 0,
  });
  const total = countsOf(rows.find((r) => r.grouped === GROUPS.ALL));
  return {
    funnel: funnelOf(total),
    rates: ratesOf(total),
    byChannel: rows
      .filter((r) => r.grouped === GROUPS.CHANNEL)
      .map((r) => ({
        applicationChannel: r.application_channel as ChannelKey['applicationChannel'],
        partnerChannel: (r.partner_channel as string | null) ?? null,
        ...breakdownOf(countsOf(r)),
      })),
    byProduct: rows
      .filter((r) => r.grouped === GROUPS.PRODUCT)
      .map((r) => ({ loanType: r.loan_type as LoanType, ...breakdownOf(countsOf(r)) })),
  };
}

/** Seconds from application to decision of the loans decided in the period, both paths and each. */
async function timeToDecision(sql: Sql, p: ReportPeriod): Promise<DecisionTime[]> {
  const { start, end } = periodBounds(sql, p);
  const rows = await sql<Row[]>`
    with decided as (
      select extract(epoch from l.decided_at - l.created_at)::float8 as seconds,
             exists (select 1 from loan_events e where e.loan_id = l.id and ${sql.unsafe(WENT_TO_REVIEW)}) as manual
      from loans l where l.decided_at >= ${start} and l.decided_at < ${end})
    select grouping(manual)::int as grouped, manual, count(*)::int as decisions,
           round(percentile_cont(0.5) within group (order by seconds)::numeric, 3)::float8 as median,
           round(percentile_cont(0.95) within group (order by seconds)::numeric, 3)::float8 as p95,
           round(avg(seconds)::numeric, 3)::float8 as average
    from decided group by grouping sets ((), (manual))`;
  return TIME_TO_DECISION_PATHS.map((path) => {
    const r = rows.find((x) =>
      path === 'ALL' ? x.grouped === 1 : x.grouped === 0 && x.manual === (path === 'MANUAL'),
    );
    return {
      path,
      decisions: (r?.decisions as number) ?? 0,
      medianSeconds: (r?.median as number | null) ?? null,
      p95Seconds: (r?.p95 as number | null) ?? null,
      averageSeconds: (r?.average as number | null) ?? null,
    };
  });
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
  const [perDay, cohort, decisionTimes, payouts, bookFigures, classes, pipeline] = await Promise.all([
    applicationsPerDay(sql, period),
    cohortCounts(sql, period),
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
    funnel: cohort.funnel,
    rates: cohort.rates,
    timeToDecision: decisionTimes,
    byChannel: cohort.byChannel,
    byProduct: cohort.byProduct,
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
