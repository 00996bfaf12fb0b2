// The AML report queue (aml_reports, migration 0036): the facts the daily detection reads, the
// findings it writes (one row per customer, business day and rule), and the officer's decisions.
import type { AmlFinding, AmlPayment, AmlPayoff } from '../domain/aml-rules.js';
import type { LocalDate } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';

/**
 * Repayments received from `from` to `to` (business dates, both included) and loans paid off on
 * `to`, each with the customer (the loan's borrower).
 */
export async function readAmlFacts(
  sql: Sql,
  range: { from: LocalDate; to: LocalDate },
  timeZone: string,
): Promise<{ payments: AmlPayment[]; payoffs: AmlPayoff[] }> {
  const payments = await sql<
    { payment_id: string; borrower_id: string; loan_id: string; channel: string; amount: string; received_on: string }[]
  >`
    select r.payment_id, l.borrower_id, r.loan_id, r.channel, r.amount::text as amount, r.received_on::text as received_on
    from repayments r join loans l on l.id = r.loan_id
    where r.received_on between ${range.from}::date and ${range.to}::date`;
  const payoffs = await sql<
    { id: string; borrower_id: string; amount: string; disbursed_on: string; paid_off_on: string }[]
  >`
    select id, borrower_id, amount::text as amount,
           (disbursed_at at time zone ${timeZone})::date::text as disbursed_on,
           (closed_at at time zone ${timeZone})::date::text as paid_off_on
    from loans
    where status = 'PAID_OFF' and disbursed_at is not null
      and closed_at >= (${range.to}::date)::timestamp at time zone ${timeZone}
      and closed_at < (${range.to}::date + 1)::timestamp at time zone ${timeZone}`;
  return {
    payments: payments.map((p) => ({
      paymentId: p.payment_id,
      customerId: p.borrower_id,
      loanId: p.loan_id,
      channel: p.channel,
      amount: p.amount,
      receivedOn: p.received_on,
    })),
    payoffs: payoffs.map((p) => ({
      customerId: p.borrower_id,
      loanId: p.id,
      principal: p.amount,
      disbursedOn: p.disbursed_on,
      paidOffOn: p.paid_off_on,
    })),
  };
}

/**
 * Writes the findings, one row per customer, day and rule. Running again adds nothing: a draft
 * takes the latest amount and transactions (cash recorded later that day), a decided report stays
 * as decided. Returns the ids of the rows it created.
 */
export async function recordFindings(sql: Sql, findings: readonly AmlFinding[], now: Date): Promise<string[]> {
  const created: string[] = [];
  for (const f of findings) {
    const [row] = await sql<{ id: string; inserted: boolean }[]>`
      insert into aml_reports (customer_id, day, rule, kind, amount, payment_ids, loan_ids, detected_at, updated_at)
      values (${f.customerId}, ${f.day}, ${f.rule}, ${f.kind}, ${f.amount}, ${sql.json(f.paymentIds)},
              ${sql.json(f.loanIds)}, ${now}, ${now})
      on conflict (customer_id, day, rule) do update
        set amount = excluded.amount, payment_ids = excluded.payment_ids, loan_ids = excluded.loan_ids,
            updated_at = excluded.updated_at
        where aml_reports.status = 'DRAFT'
          and (aml_reports.amount, aml_reports.payment_ids, aml_reports.loan_ids)
              is distinct from (excluded.amount, excluded.payment_ids, excluded.loan_ids)
      returning id, (xmax = 0) as inserted`;
    if (row?.inserted) created.push(row.id);
  }
  return created;
}

export type AmlReportStatus = 'DRAFT' | 'SUBMITTED' | 'DISMISSED';

export interface AmlReportRow {
  id: string;
  customer_id: string;
  day: string;
  rule: string;
  kind: string;
  amount: string;
  payment_ids: string[];
  loan_ids: string[];
  status: AmlReportStatus;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  detected_at: Date;
  total?: string;
}

const REPORT_COLUMNS = (sql: Sql) => sql`
  id, customer_id, day::text as day, rule, kind, amount::text as amount, payment_ids, loan_ids, status,
  decided_by, decided_at, decision_reason, detected_at`;

export async function listReports(
  sql: Sql,
  q: { status?: AmlReportStatus; kind?: string; customerId?: string; limit: number; offset: number },
): Promise<AmlReportRow[]> {
  return sql<AmlReportRow[]>`
    select ${REPORT_COLUMNS(sql)}, count(*) over () as total from aml_reports
    where true ${q.status ? sql`and status = ${q.status}` : sql``} ${q.kind ? sql`and kind = ${q.kind}` : sql``}
      ${q.customerId ? sql`and customer_id = ${q.customerId}` : sql``}
    order by day desc, detected_at desc, id limit ${q.limit} offset ${q.offset}`;
}

export async function reportById(sql: Sql, id: string): Promise<AmlReportRow | null> {
  const [row] = await sql<AmlReportRow[]>`select ${REPORT_COLUMNS(sql)} from aml_reports where id = ${id}`;
  return row ?? null;
}

/**
 * Submits or dismisses a draft: one decision wins; a second gets null. A large-value report is
 * only ever submitted (令〔2016〕第3号 art. 5: it must be filed): dismissing one changes nothing
 * and gets null too.
 */
export async function decideReport(
  sql: Sql,
  id: string,
  decision: { status: 'SUBMITTED' | 'DISMISSED'; by: string; reason: string; at: Date },
): Promise<AmlReportRow | null> {
  const [row] = await sql<AmlReportRow[]>`
    update aml_reports set status = ${decision.status}, decided_by = ${decision.by}, decided_at = ${decision.at},
                           decision_reason = ${decision.reason}, updated_at = ${decision.at}
    where id = ${id} and status = 'DRAFT' and (kind <> 'LARGE_VALUE' or ${decision.status} = 'SUBMITTED')
    returning ${REPORT_COLUMNS(sql)}`;
  return row ?? null;
}

export interface SubmittedReportRow extends AmlReportRow {
  name_enc: string | null;
  id_number_enc: string | null;
}

/** Submitted reports of business days from `from` to `to`, with the customer's sealed name and ID number. */
export async function submittedReports(
  sql: Sql,
  range: { from: LocalDate; to: LocalDate },
): Promise<SubmittedReportRow[]> {
  return sql<SubmittedReportRow[]>`
    select ${sql`a.id, a.customer_id, a.day::text as day, a.rule, a.kind, a.amount::text as amount, a.payment_ids,
                 a.loan_ids, a.status, a.decided_by, a.decided_at, a.decision_reason, a.detected_at`},
           u.name_enc, u.id_number_enc
    from aml_reports a join users u on u.id = a.customer_id
    where a.status = 'SUBMITTED' and a.day between ${range.from}::date and ${range.to}::date
    order by a.day, a.kind, a.id
    limit 10000`;
}
