// The ledger in PostgreSQL: posting journal entries (idempotent by business key, in the caller's
// transaction), reading balances, and gathering what reconciliation compares. The rules are in
// domain/ledger.ts; this file only moves rows.
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql, TransactionSql } from '../db/client.js';
import {
  assertValidEntry,
  reconcile,
  sameEntry,
  type Account,
  type BankEntry,
  type EntryKind,
  type EntryTotals,
  type JournalEntry,
  type LoanPosition,
  type PostedLine,
  type ReconciliationReport,
  loanBalancesOf,
} from '../domain/ledger.js';
import type { BankClient } from '../partners/bank-client.js';
import type { ActivityDeps } from './deps.js';

type Db = Sql | TransactionSql;

async function loadEntry(db: Db, businessKey: string): Promise<JournalEntry | null> {
  const [row] = await db<{ id: string; business_key: string; loan_id: string; kind: EntryKind; effective_on: string; external_ref: string | null; reverses_key: string | null; memo: string }[]>`
    select id, business_key, loan_id, kind, effective_on, external_ref, reverses_key, memo from journal_entries where business_key = ${businessKey}`;
  if (!row) return null;
  const lines = await db<{ account: Account; debit: string; credit: string }[]>`
    select account, debit, credit from journal_lines where entry_id = ${row.id} order by line_no`;
  return {
    businessKey: row.business_key,
    loanId: row.loan_id,
    kind: row.kind,
    effectiveOn: row.effective_on,
    externalRef: row.external_ref,
    reversesKey: row.reverses_key,
    memo: row.memo,
    lines,
  };
}

/**
 * Posts entries in the caller's transaction. An entry already in the ledger under the same business
 * key is skipped when it says the same (a retry) and refused when it says something else.
 * Returns the keys actually inserted.
 */
export async function postEntries(tx: TransactionSql, entries: readonly JournalEntry[]): Promise<string[]> {
  const inserted: string[] = [];
  for (const e of entries) {
    assertValidEntry(e);
    const [row] = await tx<{ id: string }[]>`
      insert into journal_entries (business_key, loan_id, kind, effective_on, external_ref, reverses_key, memo)
      values (${e.businessKey}, ${e.loanId}, ${e.kind}, ${e.effectiveOn}, ${e.externalRef}, ${e.reversesKey}, ${e.memo})
      on conflict (business_key) do nothing
      returning id`;
    if (!row) {
      const existing = await loadEntry(tx, e.businessKey);
      if (!existing || !sameEntry(existing, e)) {
        throw ApplicationFailure.nonRetryable(`Ledger entry ${e.businessKey} already exists with different lines`, 'LedgerConflict');
      }
      continue;
    }
    for (const [index, line] of e.lines.entries()) {
      await tx`
        insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit)
        values (${row.id}, ${index + 1}, ${line.account}, ${e.loanId}, ${line.debit}, ${line.credit})`;
    }
    inserted.push(e.businessKey);
  }
  return inserted;
}

/** One loan's lines, for its derived balances. */
export async function loanLines(sql: Db, loanId: string): Promise<PostedLine[]> {
  return sql<PostedLine[]>`select account, loan_id as "loanId", debit, credit from journal_lines where loan_id = ${loanId}`;
}

export interface JournalRow {
  businessKey: string;
  kind: EntryKind;
  effectiveOn: string;
  externalRef: string | null;
  memo: string;
  createdAt: string;
  lines: Array<{ account: Account; debit: string; credit: string }>;
}

/** A loan's journal, oldest first (at most `limit` entries). */
export async function loanJournal(sql: Sql, loanId: string, limit: number): Promise<JournalRow[]> {
  const entries = await sql<{ id: string; business_key: string; kind: EntryKind; effective_on: string; external_ref: string | null; memo: string; created_at: Date }[]>`
    select id, business_key, kind, effective_on, external_ref, memo, created_at from journal_entries
    where loan_id = ${loanId} order by id limit ${limit}`;
  if (entries.length === 0) return [];
  const lines = await sql<{ entry_id: string; account: Account; debit: string; credit: string }[]>`
    select entry_id, account, debit, credit from journal_lines where entry_id in ${sql(entries.map((e) => e.id))} order by entry_id, line_no`;
  return entries.map((e) => ({
    businessKey: e.business_key,
    kind: e.kind,
    effectiveOn: e.effective_on,
    externalRef: e.external_ref,
    memo: e.memo,
    createdAt: e.created_at.toISOString(),
    lines: lines.filter((l) => l.entry_id === e.id).map(({ account, debit, credit }) => ({ account, debit, credit })),
  }));
}

/** Balances of every account across all loans (trial balance), on each account's normal side. */
export async function trialBalance(sql: Sql): Promise<Array<{ account: Account; debits: string; credits: string }>> {
  return sql<Array<{ account: Account; debits: string; credits: string }>>`
    select a.code as account, coalesce(sum(l.debit), 0)::numeric(16, 2)::text as debits, coalesce(sum(l.credit), 0)::numeric(16, 2)::text as credits
    from ledger_accounts a left join journal_lines l on l.account = a.code
    group by a.code order by a.code`;
}

async function entryTotals(sql: Sql): Promise<EntryTotals[]> {
  return sql<EntryTotals[]>`
    select e.business_key as "businessKey", e.loan_id as "loanId",
           coalesce(sum(l.debit), 0)::numeric(16, 2)::text as debits, coalesce(sum(l.credit), 0)::numeric(16, 2)::text as credits
    from journal_entries e left join journal_lines l on l.entry_id = e.id
    group by e.id order by e.id`;
}

async function bankEntries(sql: Sql): Promise<BankEntry[]> {
  return sql<BankEntry[]>`
    select e.business_key as "businessKey", e.loan_id as "loanId", e.kind, e.external_ref as "externalRef", r.channel,
           (l.debit + l.credit)::numeric(16, 2)::text as amount
    from journal_entries e
    join journal_lines l on l.entry_id = e.id and l.account = 'BANK'
    left join repayments r on e.kind = 'REPAYMENT' and e.business_key = 'payment:' || r.payment_id
    order by e.id`;
}

async function loanPositions(sql: Sql): Promise<LoanPosition[]> {
  const loans = await sql<{ id: string; status: string; outstanding_principal: string }[]>`
    select id, status, outstanding_principal::text from loans
    where id in (select loan_id from journal_entries where kind = 'DISBURSEMENT') order by id`;
  if (loans.length === 0) return [];
  const ids = loans.map((l) => l.id);
  const lines = await sql<PostedLine[]>`select account, loan_id as "loanId", debit, credit from journal_lines where loan_id in ${sql(ids)}`;
  const schedule = await sql<{ loan_id: string; outstanding: string; paid: string }[]>`
    select loan_id, sum(principal - paid_principal)::numeric(16, 2)::text as outstanding, sum(paid_principal)::numeric(16, 2)::text as paid
    from installments where loan_id in ${sql(ids)} group by loan_id`;
  const payments = await sql<{ loan_id: string; total: string }[]>`
    select loan_id, sum(amount)::numeric(16, 2)::text as total from repayments where loan_id in ${sql(ids)} group by loan_id`;
  const sums = await sql<{ loan_id: string; disbursed: string; received: string; written_off: string }[]>`
    select e.loan_id,
           coalesce(sum(l.debit) filter (where e.kind = 'DISBURSEMENT' and l.account = 'LOAN_PRINCIPAL'), 0)::numeric(16, 2)::text as disbursed,
           coalesce(sum(l.debit) filter (where e.kind = 'REPAYMENT' and l.account in ('BANK', 'CASH_ON_HAND', 'PAYMENT_GATEWAY')), 0)::numeric(16, 2)::text as received,
           coalesce(sum(l.credit) filter (where e.kind = 'WRITE_OFF' and l.account = 'LOAN_PRINCIPAL'), 0)::numeric(16, 2)::text as written_off
    from journal_entries e join journal_lines l on l.entry_id = e.id
    where e.loan_id in ${sql(ids)}
    group by e.loan_id`;
  return loans.map((l) => {
    const own = lines.filter((x) => x.loanId === l.id);
    const s = schedule.find((x) => x.loan_id === l.id);
    const m = sums.find((x) => x.loan_id === l.id);
    return {
      loanId: l.id,
      status: l.status,
      ledger: loanBalancesOf(own),
      disbursedPrincipal: m?.disbursed ?? '0.00',
      scheduleOutstandingPrincipal: s?.outstanding ?? '0.00',
      schedulePaidPrincipal: s?.paid ?? '0.00',
      projectedOutstandingPrincipal: l.outstanding_principal,
      paymentsTotal: payments.find((p) => p.loan_id === l.id)?.total ?? '0.00',
      ledgerPaymentsTotal: m?.received ?? '0.00',
      writtenOffPrincipal: m?.written_off ?? '0.00',
    };
  });
}

/** Runs every reconciliation check against the database and the bank's own ledger. */
export async function runReconciliation(sql: Sql, bank: Pick<BankClient, 'ledger'>, now: Date = new Date()): Promise<ReconciliationReport> {
  const [entries, positions, onBank, bankLedger] = await Promise.all([entryTotals(sql), loanPositions(sql), bankEntries(sql), bank.ledger()]);
  return reconcile({
    checkedAt: now.toISOString(),
    entries,
    loans: positions,
    bank: {
      transfers: bankLedger.transfers.map((t) => ({ idempotencyKey: t.idempotencyKey, status: t.status, amount: t.amount })),
      debits: bankLedger.debits.map((d) => ({ idempotencyKey: d.idempotencyKey, status: d.status, amount: d.amount })),
      incoming: (bankLedger.incoming ?? []).map((i) => ({ paymentId: i.paymentId, amount: i.amount })),
    },
    bankEntries: onBank.map((e) => ({ ...e, channel: e.channel ?? null })),
  });
}

export function createLedgerActivities({ sql }: ActivityDeps) {
  return {
    /** Posts entries in one transaction; used for the disbursement, which happens before servicing. */
    async postJournal(entries: JournalEntry[]): Promise<string[]> {
      return sql.begin((tx) => postEntries(tx, entries));
    },
  };
}
