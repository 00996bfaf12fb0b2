// The ledger's read models in PostgreSQL: a loan's lines and journal, the trial balance, and
// the inputs reconciliation compares (domain/reconciliation.ts), gathered from the ledger, the
// servicing schedule, the payments and the bank's own records.
import type { CapitalEntry } from '../domain/capital-reconciliation.js';
import { loanBalancesOf, type Account, type EntryKind, type PostedLine } from '../domain/ledger.js';
import {
  reconcile,
  type BankEntry,
  type EntryTotals,
  type LoanPosition,
  type ReconciliationReport,
} from '../domain/reconciliation.js';
import type { BankClient } from '../partners/bank-client.js';
import type { GatewayClient } from '../partners/gateway-client.js';
import { clearingInput } from './clearing-reads.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';

type Db = Sql | TransactionSql;

/** One loan's lines, for its derived balances. */
export async function loanLines(sql: Db, loanId: string): Promise<PostedLine[]> {
  return sql<
    PostedLine[]
  >`select account, loan_id as "loanId", debit, credit from journal_lines where loan_id = ${loanId}`;
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
  const entries = await sql<
    {
      id: string;
      business_key: string;
      kind: EntryKind;
      effective_on: string;
      external_ref: string | null;
      memo: string;
      created_at: Date;
    }[]
  >`
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

/** Debits and credits of every account across all time (trial balance), in chart order. */
export async function trialBalance(sql: Sql): Promise<
  Array<{
    account: Account;
    accountNo: string;
    kind: string;
    nameZh: string;
    nameEn: string;
    debits: string;
    credits: string;
  }>
> {
  return sql<
    Array<{
      account: Account;
      accountNo: string;
      kind: string;
      nameZh: string;
      nameEn: string;
      debits: string;
      credits: string;
    }>
  >`
    select a.code as account, a.account_no as "accountNo", a.kind, a.name_zh as "nameZh", a.name_en as "nameEn",
           coalesce(sum(l.debit), 0)::numeric(16, 2)::text as debits, coalesce(sum(l.credit), 0)::numeric(16, 2)::text as credits
    from ledger_accounts a left join journal_lines l on l.account = a.code
    group by a.code order by a.account_no`;
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
    select e.business_key as "businessKey", e.loan_id as "loanId", e.kind, e.external_ref as "externalRef",
           coalesce(r.channel, rec.channel) as channel, (l.debit + l.credit)::numeric(16, 2)::text as amount
    from journal_entries e
    join journal_lines l on l.entry_id = e.id and l.account = 'BANK'
    left join repayments r on e.kind = 'REPAYMENT' and e.business_key = 'payment:' || r.payment_id
    left join write_off_recoveries rec on e.kind = 'WRITE_OFF_RECOVERY' and e.business_key = rec.business_key
    order by e.id`;
}

/** CAPITAL entries that no reversal took back, with their BANK debit. */
async function capitalEntries(sql: Sql): Promise<CapitalEntry[]> {
  return sql<CapitalEntry[]>`
    select e.business_key as "businessKey", substring(e.business_key from 9) as "injectionId",
           sum(l.debit - l.credit)::numeric(16, 2)::text as amount
    from journal_entries e
    join journal_lines l on l.entry_id = e.id and l.account = 'BANK'
    where e.kind = 'CAPITAL' and e.business_key like 'capital:%'
      and not exists (select 1 from journal_entries x where x.reverses_key = e.business_key)
    group by e.id order by e.id`;
}

async function loanPositions(sql: Sql): Promise<LoanPosition[]> {
  const loans = await sql<{ id: string; status: string; outstanding_principal: string }[]>`
    select id, status, outstanding_principal::text from loans
    where id in (select loan_id from journal_entries where kind = 'DISBURSEMENT') order by id`;
  if (loans.length === 0) return [];
  const ids = loans.map((l) => l.id);
  const lines = await sql<
    PostedLine[]
  >`select account, loan_id as "loanId", debit, credit from journal_lines where loan_id in ${sql(ids)}`;
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

/** The partners' records beyond the bank's ledger: with them, the clearing accounts and receivables are checked too. */
export interface ClearingSources {
  gateway: Pick<GatewayClient, 'settlement'>;
}

/**
 * Runs the reconciliation checks against the database and the bank's own ledger: double entry,
 * each loan's principal and payments, the bank's transfers, debits and incoming payments. Given
 * `clearing`, also every BANK line against the bank's statement, the gateway's clearing account
 * against its settlement files, cash on hand against the counter's approved postings, and the
 * interest, fee and penalty receivables against each loan's account.
 */
export async function runReconciliation(
  sql: Sql,
  bank: Pick<BankClient, 'ledger'>,
  now: Date = new Date(),
  clearing?: ClearingSources,
): Promise<ReconciliationReport> {
  const [entries, positions, onBank, capital, bankLedger, clearingFacts] = await Promise.all([
    entryTotals(sql),
    loanPositions(sql),
    bankEntries(sql),
    capitalEntries(sql),
    bank.ledger(),
    clearing ? clearingInput(sql, clearing.gateway) : undefined,
  ]);
  return reconcile({
    checkedAt: now.toISOString(),
    entries,
    loans: positions,
    bank: {
      ...(bankLedger.openingBalance !== undefined ? { openingBalance: bankLedger.openingBalance } : {}),
      transfers: bankLedger.transfers.map((t) => ({
        idempotencyKey: t.idempotencyKey,
        status: t.status,
        amount: t.amount,
      })),
      debits: bankLedger.debits.map((d) => ({ idempotencyKey: d.idempotencyKey, status: d.status, amount: d.amount })),
      incoming: (bankLedger.incoming ?? []).map((i) => ({
        paymentId: i.paymentId,
        reference: i.reference,
        amount: i.amount,
      })),
    },
    bankEntries: onBank.map((e) => ({ ...e, channel: e.channel ?? null })),
    capital,
    ...(clearingFacts ? { clearing: clearingFacts } : {}),
  });
}
