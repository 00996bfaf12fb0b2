import type { Sql, TransactionSql } from '../lib/db-client.js';
import { auditRowHash, GENESIS_HASH, toAuditRecord } from './audit.js';

export interface AuditChainReport {
  ok: boolean;
  /** Rows checked. */
  rows: number;
  /** Id of the first row that does not fit the chain (or "head" when the chain's end does not match). */
  brokenAt?: string;
  reason?: string;
  /** Hash of the last row; record it elsewhere to anchor the chain. */
  lastHash: string;
}

/**
 * Recomputes every row's hash in id order and checks each links to the one before and the head to
 * the last. Given a pool, it reads one repeatable-read snapshot, so rows appended meanwhile by a
 * running system cannot make the head look wrong.
 */
export async function verifyAuditChain(sql: Sql | TransactionSql): Promise<AuditChainReport> {
  if ('begin' in sql && typeof sql.begin === 'function') {
    return sql.begin<AuditChainReport>('isolation level repeatable read read only', (tx) =>
      verifySnapshot(tx as unknown as Sql),
    );
  }
  return verifySnapshot(sql as unknown as Sql);
}

// A transaction: its queries share one snapshot. Typed as Sql for the cursor's CLOSE marker.
async function verifySnapshot(sql: Sql): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH;
  let lastId = '0';
  let rows = 0;
  let broken: { at: string; reason: string } | undefined;

  await sql`select * from audit_log order by id`.cursor(1000, (batch) => {
    for (const raw of batch) {
      const row = toAuditRecord(raw);
      rows += 1;
      if (row.prevHash !== prevHash)
        broken = { at: row.id, reason: 'prev_hash does not match the previous row (a row was removed or reordered)' };
      else if (auditRowHash(prevHash, row) !== row.hash)
        broken = { at: row.id, reason: 'hash does not match the row contents (the row was altered)' };
      if (broken) return sql.CLOSE;
      prevHash = row.hash;
      lastId = row.id;
    }
    return undefined;
  });

  if (!broken) {
    const [head] = await sql<
      { last_id: string; last_hash: string }[]
    >`select last_id::text, last_hash from audit_chain_head where singleton`;
    if (!head || head.last_hash !== prevHash || head.last_id !== lastId) {
      broken = { at: 'head', reason: 'the chain head does not match the last row (rows were removed from the end)' };
    }
  }
  return broken
    ? { ok: false, rows, brokenAt: broken.at, reason: broken.reason, lastHash: prevHash }
    : { ok: true, rows, lastHash: prevHash };
}
