// Posting to the ledger in PostgreSQL: journal entries, idempotent by business key, in the
// caller's transaction. The rules are in domain/ledger.ts; the ledger's read models are in
// db/ledger-reads.ts.
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import { assertValidEntry, sameEntry, type Account, type EntryKind, type JournalEntry } from '../domain/ledger.js';
import type { LedgerActivities } from '../contracts/activities.js';
import type { ActivityDeps } from './deps.js';

type Db = Sql | TransactionSql;

/** One entry as posted, with its lines in order; null when the ledger has no entry under the key. */
export async function loadEntry(db: Db, businessKey: string): Promise<JournalEntry | null> {
  const [row] = await db<
    {
      id: string;
      business_key: string;
      loan_id: string;
      kind: EntryKind;
      effective_on: string;
      external_ref: string | null;
      reverses_key: string | null;
      memo: string;
    }[]
  >`
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
        throw ApplicationFailure.nonRetryable(
          `Ledger entry ${e.businessKey} already exists with different lines`,
          'LedgerConflict',
        );
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

export function createLedgerActivities({ sql }: ActivityDeps): LedgerActivities {
  return {
    /** Posts entries in one transaction; used for the disbursement, which happens before servicing. */
    async postJournal(entries: JournalEntry[]): Promise<string[]> {
      return sql.begin((tx) => postEntries(tx, entries));
    },
  };
}
