// Figures a restore must reproduce exactly: the ledger's totals (db/migrations/0002_ledger.sql)
// and the row count of every table.
import type { Sql, TransactionSql } from '../../lib/db-client.js';

export interface LedgerTotals {
  entries: number;
  lines: number;
  /** Sums over all journal lines, "1234.56". Debits equal credits in a sound ledger. */
  debits: string;
  credits: string;
  byAccount: Record<string, { debits: string; credits: string }>;
}

type Db = Sql | TransactionSql;

export async function ledgerTotals(sql: Db): Promise<LedgerTotals> {
  const [counts] = await sql<{ entries: number; lines: number; debits: string; credits: string }[]>`
    select (select count(*) from journal_entries)::int as entries,
           count(*)::int as lines,
           coalesce(sum(debit), 0)::numeric(18, 2)::text as debits,
           coalesce(sum(credit), 0)::numeric(18, 2)::text as credits
    from journal_lines`;
  const accounts = await sql<{ account: string; debits: string; credits: string }[]>`
    select account, sum(debit)::numeric(18, 2)::text as debits, sum(credit)::numeric(18, 2)::text as credits
    from journal_lines group by account order by account`;
  return {
    entries: counts!.entries,
    lines: counts!.lines,
    debits: counts!.debits,
    credits: counts!.credits,
    byAccount: Object.fromEntries(accounts.map((a) => [a.account, { debits: a.debits, credits: a.credits }])),
  };
}

/** Tables of the public schema, parents before children, so a load never meets a missing parent. */
export async function tablesInDependencyOrder(sql: Db): Promise<string[]> {
  const tables = (
    await sql<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`
  ).map((t) => t.name);
  const edges = await sql<{ child: string; parent: string }[]>`
    select c.relname as child, p.relname as parent
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and c.relname <> p.relname`;
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) parents.get(e.child)?.add(e.parent);
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table)) return;
    if (path.has(table)) throw new Error(`foreign keys form a cycle through ${table}`);
    path.add(table);
    for (const parent of parents.get(table) ?? []) visit(parent, path);
    path.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

export async function rowCount(sql: Db, table: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)}`;
  return row!.n;
}
