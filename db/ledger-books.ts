// The books finance keeps by period: the trial balance of a month, the general ledger of a date
// range, month-end close, capital paid into the bank account, and the provision rates by class.
// The month a posting lands in is decided by the database (migration 0014's trigger), so a closed
// month stays closed whichever path inserts.
import { ACCOUNT_NUMBERS, periodBounds, type Period } from '../domain/chart-of-accounts.js';
import { normalBalance, ledgerKeys, type Account, type AccountKind, type EntryKind } from '../domain/ledger.js';
import { money, sum, toMoney } from '../domain/money.js';
import { toRate } from '../domain/rates.js';
import { DEFAULT_PROVISION_RATES, type ProvisionRates } from '../domain/provisions.js';
import type { LoanClass, LocalDate, Money } from '../domain/types.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';

type Db = Sql | TransactionSql;

export interface TrialBalanceLine {
  account: Account;
  accountNo: string;
  kind: AccountKind;
  nameZh: string;
  nameEn: string;
  /** Balances on the account's normal side. */
  opening: Money;
  debits: Money;
  credits: Money;
  closing: Money;
}

export interface PeriodTrialBalance {
  period: Period;
  from: LocalDate;
  to: LocalDate;
  closed: boolean;
  accounts: TrialBalanceLine[];
  /** The period's movements: debits equal credits. */
  totals: { debits: Money; credits: Money };
}

/** One month's trial balance: opening balance, the month's debits and credits, closing balance. */
export async function periodTrialBalance(sql: Db, period: Period): Promise<PeriodTrialBalance> {
  const { from, to } = periodBounds(period);
  const rows = await sql<
    {
      code: Account;
      account_no: string;
      kind: AccountKind;
      name_zh: string;
      name_en: string;
      opening_debits: string;
      opening_credits: string;
      debits: string;
      credits: string;
    }[]
  >`
    select a.code, a.account_no, a.kind, a.name_zh, a.name_en,
           coalesce(sum(l.debit) filter (where e.effective_on < ${from}), 0)::text as opening_debits,
           coalesce(sum(l.credit) filter (where e.effective_on < ${from}), 0)::text as opening_credits,
           coalesce(sum(l.debit) filter (where e.effective_on >= ${from}), 0)::text as debits,
           coalesce(sum(l.credit) filter (where e.effective_on >= ${from}), 0)::text as credits
    from ledger_accounts a
    left join journal_lines l on l.account = a.code
    left join journal_entries e on e.id = l.entry_id and e.effective_on <= ${to}
    group by a.code, a.account_no, a.kind, a.name_zh, a.name_en
    order by a.account_no`;
  const [closed] = await sql<{ period: string }[]>`select period from ledger_periods where period = ${period}`;
  const accounts = rows.map((r) => {
    const od = money(toMoney(r.opening_debits));
    const oc = money(toMoney(r.opening_credits));
    const d = money(toMoney(r.debits));
    const c = money(toMoney(r.credits));
    return {
      account: r.code,
      accountNo: r.account_no,
      kind: r.kind,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      opening: toMoney(normalBalance(r.code, od, oc)),
      debits: toMoney(d),
      credits: toMoney(c),
      closing: toMoney(normalBalance(r.code, od.plus(d), oc.plus(c))),
    };
  });
  return {
    period,
    from,
    to,
    closed: !!closed,
    accounts,
    totals: {
      debits: toMoney(sum(accounts.map((a) => money(a.debits)))),
      credits: toMoney(sum(accounts.map((a) => money(a.credits)))),
    },
  };
}

export interface GeneralLedgerLine {
  date: LocalDate;
  originalDate: LocalDate | null;
  businessKey: string;
  kind: EntryKind;
  lineNo: number;
  accountNo: string;
  account: Account;
  loanId: string | null;
  debit: Money;
  credit: Money;
  externalRef: string | null;
  memo: string;
}

/** Every line posted with an effective date from `from` to `to`, in posting order (at most `limit`). */
export async function generalLedger(
  sql: Db,
  from: LocalDate,
  to: LocalDate,
  limit: number,
): Promise<GeneralLedgerLine[]> {
  const rows = await sql<
    {
      effective_on: string;
      original_effective_on: string | null;
      business_key: string;
      kind: EntryKind;
      line_no: number;
      account: Account;
      loan_id: string | null;
      debit: string;
      credit: string;
      external_ref: string | null;
      memo: string;
    }[]
  >`
    select e.effective_on::text, e.original_effective_on::text, e.business_key, e.kind, l.line_no, l.account,
           e.loan_id, l.debit::text, l.credit::text, e.external_ref, e.memo
    from journal_entries e join journal_lines l on l.entry_id = e.id
    where e.effective_on between ${from} and ${to}
    order by e.effective_on, e.id, l.line_no
    limit ${limit}`;
  return rows.map((r) => ({
    date: r.effective_on,
    originalDate: r.original_effective_on,
    businessKey: r.business_key,
    kind: r.kind,
    lineNo: r.line_no,
    accountNo: ACCOUNT_NUMBERS[r.account],
    account: r.account,
    loanId: r.loan_id,
    debit: toMoney(r.debit),
    credit: toMoney(r.credit),
    externalRef: r.external_ref,
    memo: r.memo,
  }));
}

// ---- month-end close ------------------------------------------------------------------------

export interface ClosedPeriod {
  period: Period;
  closedBy: string;
  closedAt: string;
}

/**
 * Closes a month for good. Takes the close lock alone, so postings in flight finish first and
 * postings after it land in the next open month. ALREADY_CLOSED when it was closed before.
 */
export async function closePeriod(
  sql: Sql,
  period: Period,
  closedBy: string,
  /** Runs in the same transaction when this call closed the month (the audit row). */
  onClosed: (tx: TransactionSql) => Promise<void>,
): Promise<{ outcome: 'CLOSED' | 'ALREADY_CLOSED'; period: ClosedPeriod }> {
  return sql.begin((tx) => closePeriodIn(tx, period, closedBy, onClosed));
}

/** `closePeriod` inside the caller's transaction (a checker's approval closes the month with it). */
export async function closePeriodIn(
  tx: TransactionSql,
  period: Period,
  closedBy: string,
  onClosed: (tx: TransactionSql) => Promise<void>,
): Promise<{ outcome: 'CLOSED' | 'ALREADY_CLOSED'; period: ClosedPeriod }> {
  await tx`select pg_advisory_xact_lock(ledger_close_lock_key())`;
  const inserted = await tx<{ period: string; closed_by: string; closed_at: Date }[]>`
    insert into ledger_periods (period, closed_by) values (${period}, ${closedBy})
    on conflict (period) do nothing returning period, closed_by, closed_at`;
  const row =
    inserted[0] ??
    (
      await tx<{ period: string; closed_by: string; closed_at: Date }[]>`
      select period, closed_by, closed_at from ledger_periods where period = ${period}`
    )[0]!;
  if (inserted.length > 0) await onClosed(tx);
  return {
    outcome: inserted.length > 0 ? 'CLOSED' : 'ALREADY_CLOSED',
    period: { period: row.period, closedBy: row.closed_by, closedAt: row.closed_at.toISOString() },
  };
}

/** A closed month, or null while it is open. */
export async function findClosedPeriod(sql: Db, period: Period): Promise<ClosedPeriod | null> {
  const [row] = await sql<{ period: string; closed_by: string; closed_at: Date }[]>`
    select period, closed_by, closed_at from ledger_periods where period = ${period}`;
  return row ? { period: row.period, closedBy: row.closed_by, closedAt: row.closed_at.toISOString() } : null;
}

export async function closedPeriods(sql: Db): Promise<ClosedPeriod[]> {
  const rows = await sql<{ period: string; closed_by: string; closed_at: Date }[]>`
    select period, closed_by, closed_at from ledger_periods order by period`;
  return rows.map((r) => ({ period: r.period, closedBy: r.closed_by, closedAt: r.closed_at.toISOString() }));
}

// ---- capital --------------------------------------------------------------------------------

export interface CapitalInjection {
  injectionId: string;
  amount: Money;
  /** The date asked for; the ledger's date differs when that month is closed. */
  effectiveOn: LocalDate;
  postedOn: LocalDate;
  reference: string;
  recordedBy: string;
}

/**
 * Capital paid into the bank account: Dr BANK, Cr FUNDING_CAPITAL, under `capital:<injectionId>`,
 * with the row that says who recorded it, in one transaction. The same id again answers the stored
 * injection (`created` false); the same id with other figures is a conflict.
 */
export async function recordCapitalInjection(
  sql: Sql,
  p: NewCapitalInjection,
  /** Runs in the same transaction when this call recorded the injection (the audit row). */
  onCreated: (tx: TransactionSql, injection: CapitalInjection) => Promise<void>,
): Promise<CapitalInjectionOutcome> {
  return sql.begin((tx) => recordCapitalInjectionIn(tx, p, onCreated));
}

export interface NewCapitalInjection {
  injectionId: string;
  amount: Money;
  effectiveOn: LocalDate;
  reference: string;
  recordedBy: string;
}

export type CapitalInjectionOutcome =
  { created: boolean; injection: CapitalInjection } | { conflict: CapitalInjection };

/** `recordCapitalInjection` inside the caller's transaction (a checker's approval posts it with it). */
export async function recordCapitalInjectionIn(
  tx: TransactionSql,
  p: NewCapitalInjection,
  onCreated: (tx: TransactionSql, injection: CapitalInjection) => Promise<void>,
): Promise<CapitalInjectionOutcome> {
  const inserted = await tx`
    insert into capital_injections (injection_id, amount, effective_on, reference, recorded_by)
    values (${p.injectionId}, ${p.amount}, ${p.effectiveOn}, ${p.reference}, ${p.recordedBy})
    on conflict (injection_id) do nothing returning injection_id`;
  if (inserted.length > 0) {
    const [entry] = await tx<{ id: string }[]>`
      insert into journal_entries (business_key, loan_id, kind, effective_on, external_ref, memo)
      values (${ledgerKeys.capital(p.injectionId)}, null, 'CAPITAL', ${p.effectiveOn}, null,
              ${`capital paid in: ${p.amount}`})
      returning id`;
    await tx`
      insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit) values
        (${entry!.id}, 1, 'BANK', null, ${p.amount}, 0),
        (${entry!.id}, 2, 'FUNDING_CAPITAL', null, 0, ${p.amount})`;
  }
  const stored = (await findCapitalInjection(tx, p.injectionId))!;
  if (inserted.length > 0) await onCreated(tx, stored);
  if (inserted.length === 0 && (!money(stored.amount).eq(money(p.amount)) || stored.effectiveOn !== p.effectiveOn))
    return { conflict: stored };
  return { created: inserted.length > 0, injection: stored };
}

export async function findCapitalInjection(sql: Db, injectionId: string): Promise<CapitalInjection | null> {
  const [row] = await sql<
    {
      injection_id: string;
      amount: string;
      effective_on: string;
      posted_on: string;
      reference: string;
      recorded_by: string;
    }[]
  >`
    select c.injection_id, c.amount::text, c.effective_on::text, e.effective_on::text as posted_on, c.reference, c.recorded_by
    from capital_injections c join journal_entries e on e.business_key = 'capital:' || c.injection_id
    where c.injection_id = ${injectionId}`;
  if (!row) return null;
  return {
    injectionId: row.injection_id,
    amount: toMoney(row.amount),
    effectiveOn: row.effective_on,
    postedOn: row.posted_on,
    reference: row.reference,
    recordedBy: row.recorded_by,
  };
}

/** The BANK account's balance in the ledger (debits − credits), all dates. */
export async function bankBalance(sql: Db): Promise<Money> {
  const [row] = await sql<{ balance: string }[]>`
    select coalesce(sum(debit - credit), 0)::text as balance from journal_lines where account = 'BANK'`;
  return toMoney(row!.balance);
}

// ---- provision rates ------------------------------------------------------------------------

export async function provisionRates(sql: Db): Promise<ProvisionRates> {
  const rows = await sql<{ classification: LoanClass; rate: string }[]>`
    select classification, rate::text from provision_rates`;
  const rates: Record<LoanClass, string> = { ...DEFAULT_PROVISION_RATES };
  for (const r of rows) rates[r.classification] = toRate(r.rate, 4);
  return rates;
}

/** Sets every class's rate, in the caller's transaction. */
export async function saveProvisionRates(tx: TransactionSql, rates: ProvisionRates, by: string): Promise<void> {
  for (const [classification, rate] of Object.entries(rates))
    await tx`
      insert into provision_rates (classification, rate, updated_by, updated_at) values (${classification}, ${rate}, ${by}, now())
      on conflict (classification) do update set rate = excluded.rate, updated_by = excluded.updated_by, updated_at = now()`;
}

/** The injection that funds BANK with the bank's opening balance (local mode, at start-up). */
export { OPENING_BALANCE_INJECTION } from '../domain/capital-reconciliation.js';
