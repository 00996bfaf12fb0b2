// The monthly regulatory statistics (domain/regulatory-statistics.ts) from the ledger and the
// schedule: one row per loan paid out by the reporting day, as it stood at the end of that day.
// Balances come from the ledger's lines dated on or before it; days past due from the installments
// (an installment counts as unpaid on a day when it was not fully paid by then).
import { periodBounds, type Period } from '../domain/chart-of-accounts.js';
import {
  regulatoryMonthlyReport,
  type LoanAtMonthEnd,
  type RegulatoryMonthlyReport,
} from '../domain/regulatory-statistics.js';
import type { OverrideTarget } from '../domain/classification.js';
import type { LoanType, LocalDate } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';

interface Row {
  loan_id: string;
  loan_type: LoanType;
  disbursed_on: string;
  disbursed_principal: string;
  maturity_date: string | null;
  apr: string;
  outstanding_principal: string;
  oldest_unpaid_due_date: string | null;
  written_off_on: string | null;
  written_off_amount: string;
  recoveries_in_month: number;
  recovered_in_month: string;
  override_class: OverrideTarget | null;
}

/** Every loan paid out on or before `asOf`, as it stood at the end of `asOf`. */
export async function loansAtMonthEnd(
  sql: Sql,
  p: { from: LocalDate; asOf: LocalDate; timeZone?: string },
): Promise<LoanAtMonthEnd[]> {
  const timeZone = p.timeZone ?? 'Asia/Shanghai';
  const rows = await sql<Row[]>`
    with paid_out as (
      select e.loan_id, e.effective_on, sum(l.debit) as principal
      from journal_entries e
      join journal_lines l on l.entry_id = e.id and l.account = 'LOAN_PRINCIPAL'
      where e.kind = 'DISBURSEMENT' and e.effective_on <= ${p.asOf}
      group by e.loan_id, e.effective_on
    )
    select
      d.loan_id,
      loans.loan_type,
      d.effective_on::text as disbursed_on,
      d.principal::numeric(14, 2)::text as disbursed_principal,
      (select max(i.due_date) from installments i where i.loan_id = d.loan_id)::text as maturity_date,
      coalesce((loans.offer ->> 'apr')::numeric, loans.annual_rate)::text as apr,
      (
        select coalesce(sum(l.debit - l.credit), 0)
        from journal_entries e join journal_lines l on l.entry_id = e.id
        where e.loan_id = d.loan_id and l.account = 'LOAN_PRINCIPAL' and e.effective_on <= ${p.asOf}
      )::numeric(14, 2)::text as outstanding_principal,
      (
        select min(i.due_date) from installments i
        where i.loan_id = d.loan_id and i.due_date < ${p.asOf} and (i.paid_on is null or i.paid_on > ${p.asOf})
      )::text as oldest_unpaid_due_date,
      w.effective_on::text as written_off_on,
      coalesce(w.amount, 0)::numeric(14, 2)::text as written_off_amount,
      coalesce(r.payments, 0)::int as recoveries_in_month,
      coalesce(r.amount, 0)::numeric(14, 2)::text as recovered_in_month,
      (
        select o.to_class from classification_overrides o
        where o.loan_id = d.loan_id and o.status = 'APPROVED'
          and (o.decided_at at time zone ${timeZone})::date <= ${p.asOf}
        order by o.decided_at desc, o.id desc limit 1
      ) as override_class
    from paid_out d
    join loans on loans.id = d.loan_id
    left join lateral (
      select e.effective_on, sum(l.debit) as amount
      from journal_entries e join journal_lines l on l.entry_id = e.id and l.account = 'LOAN_LOSS'
      where e.loan_id = d.loan_id and e.kind = 'WRITE_OFF' and e.effective_on <= ${p.asOf}
      group by e.effective_on
    ) w on true
    left join lateral (
      select count(*) as payments, sum(rec.amount) as amount
      from write_off_recoveries rec
      where rec.loan_id = d.loan_id and rec.received_on between ${p.from} and ${p.asOf}
    ) r on true
    order by d.loan_id`;
  return rows.map((r) => ({
    loanId: r.loan_id,
    loanType: r.loan_type,
    disbursedOn: r.disbursed_on,
    disbursedPrincipal: r.disbursed_principal,
    maturityDate: r.maturity_date ?? r.disbursed_on,
    apr: r.apr,
    outstandingPrincipal: r.outstanding_principal,
    oldestUnpaidDueDate: r.oldest_unpaid_due_date,
    writtenOffOn: r.written_off_on,
    writtenOffAmount: r.written_off_amount,
    recoveriesInMonth: r.recoveries_in_month,
    recoveredInMonth: r.recovered_in_month,
    overrideClass: r.override_class,
  }));
}

/**
 * The report for `month`: balances at its last day; for a month not over yet (or not begun), as of
 * `today`, with nothing paid out, written off or recovered in it after today.
 */
export async function regulatoryMonthlyFigures(
  sql: Sql,
  month: Period,
  today: LocalDate,
  timeZone?: string,
): Promise<RegulatoryMonthlyReport> {
  const { from, to } = periodBounds(month);
  const asOf = today < to ? today : to;
  const loans = await loansAtMonthEnd(sql, { from, asOf, ...(timeZone ? { timeZone } : {}) });
  return regulatoryMonthlyReport({ month, from, to, asOf, loans });
}
