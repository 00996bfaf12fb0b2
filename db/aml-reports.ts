// The AML report queue (aml_reports, migration 0036): the facts the daily detection reads, the
// findings it writes (one row per customer, business day and rule), and the officer's decisions.
import type { AmlFinding, AmlPayment, AmlPayoff } from '../domain/aml-rules.js';
import type { LocalDate } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import { money } from '../domain/money.js';

/**
 * Repayments received from `from` to `to` (business dates, both included; reversed ones, whose
 * reversal a second finance user approved, do not count) and loans paid off on
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
    where r.received_on between ${range.from}::date and ${range.to}::date
      and not exists (select 1 from payment_reversals v where v.payment_id = r.payment_id and v.status = 'APPROVED')`;
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
 * as decided. When the day's amount grows beyond what was decided, an amendment (a new row that
 * `amends` the first) reports the new total; it too is a draft until decided. Returns the ids of
 * the rows it created.
 */
export async function recordFindings(sql: Sql, findings: readonly AmlFinding[], now: Date): Promise<string[]> {
  const created: string[] = [];
  for (const f of findings) {
    const id = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`aml-report:${f.customerId}:${f.day}:${f.rule}`}))`;
      const rows = await tx<{ id: string; status: AmlReportStatus; amount: string; amends: string | null }[]>`
        select id, status, amount::text as amount, amends from aml_reports
        where customer_id = ${f.customerId} and day = ${f.day} and rule = ${f.rule}`;
      const original = rows.find((r) => r.amends === null);
      const draft = rows.find((r) => r.status === 'DRAFT');
      if (draft) {
        await tx`
          update aml_reports set amount = ${f.amount}, payment_ids = ${tx.json(f.paymentIds)},
                 loan_ids = ${tx.json(f.loanIds)}, updated_at = ${now}
          where id = ${draft.id}
            and (amount, payment_ids, loan_ids) is distinct from
                (${f.amount}::numeric, ${tx.json(f.paymentIds)}::jsonb, ${tx.json(f.loanIds)}::jsonb)`;
        return null;
      }
      if (original && !rows.every((r) => money(f.amount).gt(money(r.amount)))) return null;
      const [row] = await tx<{ id: string }[]>`
        insert into aml_reports (customer_id, day, rule, kind, amount, payment_ids, loan_ids, amends, detected_at,
                                 updated_at)
        values (${f.customerId}, ${f.day}, ${f.rule}, ${f.kind}, ${f.amount}, ${tx.json(f.paymentIds)},
                ${tx.json(f.loanIds)}, ${original?.id ?? null}, ${now}, ${now})
        returning id`;
      return row!.id;
    });
    if (id) created.push(id);
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
  amends: string | null;
  total?: string;
}

const REPORT_COLUMNS = (sql: Sql) => sql`
  id, customer_id, day::text as day, rule, kind, amount::text as amount, payment_ids, loan_ids, status,
  decided_by, decided_at, decision_reason, detected_at, amends`;

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
                 a.loan_ids, a.status, a.decided_by, a.decided_at, a.decision_reason, a.detected_at, a.amends`},
           u.name_enc, u.id_number_enc
    from aml_reports a join users u on u.id = a.customer_id
    where a.status = 'SUBMITTED' and a.day between ${range.from}::date and ${range.to}::date
    order by a.day, a.kind, a.id
    limit 10000`;
}
