import type { Sql, TransactionSql } from '../lib/db-client.js';
import { auditRowHash, auditRowHashV1, GENESIS_HASH, toAuditRecord } from './audit.js';

export interface AuditChainReport {
  ok: boolean;
  /** Rows checked. */
  rows: number;
  /** Id of the first row that does not fit the chain (or "head" when the chain's end does not match). */
  brokenAt?: string;
  reason?: string;
  /** Hash of the last row; record it elsewhere to anchor the chain. */
  lastHash: string;
  /** The last row allowed to be scheme 1 (keyless): the signed anchor's, else the head's. */
  v1LastId: string;
}

export interface VerifyOptions {
  /**
   * Where scheme 1 ends, from the signed anchor outside the database (security/audit-checkpoints.ts).
   * Without it the head's `v1_last_id` is used, which a database superuser could move.
   */
  v1LastId?: string;
}

/**
 * Recomputes every row's hash in id order (scheme 1 up to the anchor, scheme 2 with the chain key
 * after it) and checks each links to the one before and the head to the last. Given a pool, it
 * reads one repeatable-read snapshot, so rows appended meanwhile cannot make the head look wrong.
 */
export async function verifyAuditChain(
  sql: Sql | TransactionSql,
  key: Buffer,
  options: VerifyOptions = {},
): Promise<AuditChainReport> {
  if ('begin' in sql && typeof sql.begin === 'function') {
    return sql.begin<AuditChainReport>('isolation level repeatable read read only', (tx) =>
      verifySnapshot(tx as unknown as Sql, key, options),
    );
  }
  return verifySnapshot(sql as unknown as Sql, key, options);
}

// A transaction: its queries share one snapshot. Typed as Sql for the cursor's CLOSE marker.
async function verifySnapshot(sql: Sql, key: Buffer, options: VerifyOptions): Promise<AuditChainReport> {
  const [head] = await sql<{ last_id: string; last_hash: string; v1_last_id: string }[]>`
    select last_id::text, last_hash, v1_last_id::text from audit_chain_head where singleton`;
  const v1LastId = BigInt(options.v1LastId ?? head?.v1_last_id ?? '0');
  let prevHash = GENESIS_HASH;
  let lastId = '0';
  let rows = 0;
  let broken: { at: string; reason: string } | undefined;

  await sql`select * from audit_log order by id`.cursor(1000, (batch) => {
    for (const raw of batch) {
      const row = toAuditRecord(raw);
      rows += 1;
      const keyless = row.chainVersion === 1;
      if (row.prevHash !== prevHash)
        broken = { at: row.id, reason: 'prev_hash does not match the previous row (a row was removed or reordered)' };
      else if (keyless && BigInt(row.id) > v1LastId)
        broken = {
          at: row.id,
          reason: `a keyless (scheme 1) row after the anchor at row ${v1LastId} (rows were rewritten without the chain key)`,
        };
      else if ((keyless ? auditRowHashV1(prevHash, row) : auditRowHash(key, prevHash, row)) !== row.hash)
        broken = {
          at: row.id,
          reason: keyless
            ? 'hash does not match the row contents (the row was altered)'
            : 'keyed hash does not match the row contents (the row was altered, or the chain key is not this installation’s)',
        };
      if (broken) return sql.CLOSE;
      prevHash = row.hash;
      lastId = row.id;
    }
    return undefined;
  });

  if (!broken && (!head || head.last_hash !== prevHash || head.last_id !== lastId)) {
    broken = { at: 'head', reason: 'the chain head does not match the last row (rows were removed from the end)' };
  }
  const common = { rows, lastHash: prevHash, v1LastId: v1LastId.toString() };
  return broken ? { ok: false, brokenAt: broken.at, reason: broken.reason, ...common } : { ok: true, ...common };
}
