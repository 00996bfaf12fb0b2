// Signed checkpoints of the audit chain's head, written outside the database. The chain itself
// can be recomputed by anyone who can rewrite the table (a database superuser); a checkpoint
// cannot, because it is HMAC-signed with a key the database never sees. Verification then asks:
// is every checkpointed row still in the chain with the same hash? A deletion followed by a
// rechain changes the hash of every later row; cutting rows off the end removes checkpointed ones.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import type { Keyring } from './keyring.js';

export interface AuditCheckpoint {
  /** The id of the chain's last row when the checkpoint was taken. */
  lastId: string;
  lastHash: string;
  at: string;
}

export interface CheckpointProblem {
  file: string;
  reason: string;
}

const FILE = /^audit-checkpoint-(\d{20})\.json$/;

/** The folder the checkpoints live in: AUDIT_CHECKPOINT_DIR, else `<DATA_DIR>/audit-checkpoints`. */
export function auditCheckpointDir(config: Pick<Config, 'AUDIT_CHECKPOINT_DIR' | 'DATA_DIR'>): string {
  return config.AUDIT_CHECKPOINT_DIR ?? join(config.DATA_DIR, 'audit-checkpoints');
}

/** The signing key: derived from the installation's HMAC key, which lives in the key file or environment. */
export function auditCheckpointKey(keyring: Keyring): Buffer {
  return keyring.derive('audit-checkpoint/v1');
}

function sign(key: Buffer, checkpoint: AuditCheckpoint): string {
  return createHmac('sha256', key)
    .update(`audit-checkpoint/v1\n${checkpoint.lastId}\n${checkpoint.lastHash}\n${checkpoint.at}`)
    .digest('hex');
}

/**
 * Signs the chain's current head into `<dir>/audit-checkpoint-<last id>.json` (0600). Nothing is
 * written when a checkpoint of that row exists already (that one is returned). Returns null when
 * the chain is empty.
 */
export async function writeAuditCheckpoint(
  sql: Sql,
  dir: string,
  key: Buffer,
  now: Date,
): Promise<AuditCheckpoint | null> {
  const [head] = await sql<{ last_id: string; last_hash: string }[]>`
    select last_id::text, last_hash from audit_chain_head where singleton`;
  if (!head || head.last_id === '0') return null;
  const checkpoint: AuditCheckpoint = { lastId: head.last_id, lastHash: head.last_hash, at: now.toISOString() };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `audit-checkpoint-${head.last_id.padStart(20, '0')}.json`;
  if (readdirSync(dir).includes(name)) {
    const stored = JSON.parse(readFileSync(join(dir, name), 'utf8')) as AuditCheckpoint;
    return { lastId: stored.lastId, lastHash: stored.lastHash, at: stored.at };
  }
  const temp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify({ ...checkpoint, mac: sign(key, checkpoint) })}\n`, { mode: 0o600 });
  renameSync(temp, join(dir, name));
  return checkpoint;
}

/** Every checkpoint in the folder, oldest first; a file whose signature does not hold is a problem. */
export function readAuditCheckpoints(
  dir: string,
  key: Buffer,
): { checkpoints: AuditCheckpoint[]; problems: CheckpointProblem[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => FILE.test(n));
  } catch {
    return { checkpoints: [], problems: [] };
  }
  names.sort();
  const checkpoints: AuditCheckpoint[] = [];
  const problems: CheckpointProblem[] = [];
  for (const file of names) {
    try {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      const checkpoint: AuditCheckpoint = {
        lastId: String(raw.lastId),
        lastHash: String(raw.lastHash),
        at: String(raw.at),
      };
      const expected = Buffer.from(sign(key, checkpoint), 'hex');
      const given = Buffer.from(typeof raw.mac === 'string' ? raw.mac : '', 'hex');
      const fileId = FILE.exec(file)![1]!.replace(/^0+/, '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected) || fileId !== checkpoint.lastId) {
        problems.push({ file, reason: 'the checkpoint’s signature does not hold (forged or altered)' });
      } else checkpoints.push(checkpoint);
    } catch {
      problems.push({ file, reason: 'the checkpoint cannot be read' });
    }
  }
  return { checkpoints, problems };
}

/**
 * Problems where the chain in the database disagrees with a signed checkpoint: a checkpointed row
 * that is gone (rows cut off the end) or has another hash (rows deleted or changed before it, and
 * the chain recomputed).
 */
export async function checkAgainstCheckpoints(
  sql: Sql,
  checkpoints: readonly AuditCheckpoint[],
): Promise<CheckpointProblem[]> {
  if (checkpoints.length === 0) return [];
  const ids = checkpoints.map((c) => c.lastId);
  const rows = await sql<{ id: string; hash: string }[]>`
    select id::text, hash from audit_log where id in ${sql(ids)}`;
  const hashes = new Map(rows.map((r) => [r.id, r.hash]));
  const problems: CheckpointProblem[] = [];
  for (const checkpoint of checkpoints) {
    const file = `audit-checkpoint-${checkpoint.lastId.padStart(20, '0')}.json`;
    const hash = hashes.get(checkpoint.lastId);
    if (hash === undefined) {
      problems.push({
        file,
        reason: `row ${checkpoint.lastId}, the chain's end at ${checkpoint.at}, is gone (rows were removed)`,
      });
    } else if (hash !== checkpoint.lastHash) {
      problems.push({
        file,
        reason: `row ${checkpoint.lastId} no longer has the hash signed at ${checkpoint.at} (the chain was rewritten)`,
      });
    }
  }
  return problems;
}

/** Writes a checkpoint now and then every `minutes`; errors go to `onError`. Returns a stop function. */
export function scheduleAuditCheckpoints(
  write: () => Promise<unknown>,
  minutes: number,
  onError: (err: unknown) => void,
): () => void {
  const run = () => {
    write().catch(onError);
  };
  run();
  const timer = setInterval(run, minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Where the keyless scheme 1 of the chain ends (migration 0024): the last row hashed without the
 * chain key, signed like a checkpoint. Written once, into the checkpoint folder, by the first API
 * start after the migration; from then on a superuser cannot pass rewritten rows off as old ones.
 */
export interface AuditAnchor {
  v1LastId: string;
  v1LastHash: string;
  at: string;
}

const ANCHOR_FILE = 'audit-anchor.json';

function signAnchor(key: Buffer, anchor: AuditAnchor): string {
  return createHmac('sha256', key)
    .update(`audit-anchor/v1\n${anchor.v1LastId}\n${anchor.v1LastHash}\n${anchor.at}`)
    .digest('hex');
}

/** Signs the head's `v1_last_id` (and that row's hash) into `<dir>/audit-anchor.json` unless it exists. */
export async function writeAuditAnchor(sql: Sql, dir: string, key: Buffer, now: Date): Promise<AuditAnchor> {
  const existing = readAuditAnchor(dir, key);
  if (existing.anchor) return existing.anchor;
  if (existing.problem) throw new Error(`${ANCHOR_FILE}: ${existing.problem}`);
  const [head] = await sql<{ v1_last_id: string; hash: string | null }[]>`
    select h.v1_last_id::text, l.hash from audit_chain_head h left join audit_log l on l.id = h.v1_last_id
    where h.singleton`;
  if (!head) throw new Error('audit_chain_head is missing; run the migrations');
  const anchor: AuditAnchor = {
    v1LastId: head.v1_last_id,
    v1LastHash: head.v1_last_id === '0' ? '0'.repeat(64) : (head.hash ?? ''),
    at: now.toISOString(),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${ANCHOR_FILE}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify({ ...anchor, mac: signAnchor(key, anchor) })}\n`, { mode: 0o600 });
  renameSync(temp, join(dir, ANCHOR_FILE));
  return anchor;
}

/** The signed anchor, none when the file does not exist, or a problem when it does not hold. */
export function readAuditAnchor(dir: string, key: Buffer): { anchor?: AuditAnchor; problem?: string } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(join(dir, ANCHOR_FILE), 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: 'the anchor cannot be read' };
  }
  const anchor: AuditAnchor = {
    v1LastId: String(raw.v1LastId),
    v1LastHash: String(raw.v1LastHash),
    at: String(raw.at),
  };
  const expected = Buffer.from(signAnchor(key, anchor), 'hex');
  const given = Buffer.from(typeof raw.mac === 'string' ? raw.mac : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { problem: 'the anchor’s signature does not hold (forged or altered)' };
  return { anchor };
}

/** Problems where the database disagrees with the signed anchor (or has keyless rows and no anchor). */
export async function checkAgainstAnchor(sql: Sql, anchor: AuditAnchor | undefined): Promise<CheckpointProblem[]> {
  const [head] = await sql<{ v1_last_id: string; v1_rows: string }[]>`
    select h.v1_last_id::text, (select count(*) from audit_log where chain_version = 1)::text as v1_rows
    from audit_chain_head h where h.singleton`;
  if (!anchor) {
    return head && head.v1_rows !== '0'
      ? [
          {
            file: ANCHOR_FILE,
            reason: `${head.v1_rows} keyless (scheme 1) rows but no signed anchor saying where they end; start the API once to sign it`,
          },
        ]
      : [];
  }
  const problems: CheckpointProblem[] = [];
  if (head && head.v1_last_id !== anchor.v1LastId)
    problems.push({
      file: ANCHOR_FILE,
      reason: `the database says scheme 1 ends at row ${head.v1_last_id}, the signed anchor at row ${anchor.v1LastId}`,
    });
  if (anchor.v1LastId !== '0') {
    const [row] = await sql<{ hash: string }[]>`select hash from audit_log where id = ${anchor.v1LastId}`;
    if (row?.hash !== anchor.v1LastHash)
      problems.push({
        file: ANCHOR_FILE,
        reason: `row ${anchor.v1LastId}, the last keyless row, is gone or has another hash (the old chain was rewritten)`,
      });
  }
  return problems;
}

/**
 * Checkpoints that should exist and do not: the oldest row written before `coveredBefore` that no
 * signed checkpoint covers. The API writes one every AUDIT_CHECKPOINT_MINUTES, so a row older than
 * a couple of intervals without one means the writer stopped, or checkpoints were removed.
 */
export async function findMissingCheckpoint(
  sql: Sql,
  checkpoints: readonly AuditCheckpoint[],
  coveredBefore: Date,
): Promise<CheckpointProblem | null> {
  const covered = checkpoints.reduce((max, c) => (BigInt(c.lastId) > max ? BigInt(c.lastId) : max), 0n);
  const [row] = await sql<{ id: string; at: Date }[]>`
    select id::text, at from audit_log where id > ${covered.toString()} and at < ${coveredBefore}
    order by id limit 1`;
  if (!row) return null;
  return {
    file: '(none)',
    reason: `row ${row.id}, written ${row.at.toISOString()}, is covered by no signed checkpoint (the last covers row ${covered}): checkpoints are not being written, or were removed`,
  };
}
