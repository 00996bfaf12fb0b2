import { createHash, createHmac } from 'node:crypto';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import type { Keyring } from './keyring.js';

export type AuditResult = 'SUCCESS' | 'FAILURE' | 'DENIED';

/** Who did what, to what, from where, with what result. */
export interface AuditEvent {
  action: string;
  result: AuditResult;
  actorId?: string | null;
  /** A Role, or e.g. "SYSTEM" for the worker. */
  actorRole?: string | null;
  resourceType?: string | null;
  resourceId?: string | null;
  loanId?: string | null;
  sourceIp?: string | null;
  /** Never personal data in clear; masked values or blind indexes only. */
  detail?: Record<string, unknown>;
  at?: Date;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  loanId: string | null;
  sourceIp: string | null;
  result: AuditResult;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
  /**
   * How `hash` was computed. 1: plain SHA-256, rows written before migration 0024 (anyone who can
   * rewrite the table can recompute them). 2: HMAC-SHA256 with the chain key, which lives outside
   * the database (derived from the installation keyring), so a rewrite cannot be made to fit.
   */
  chainVersion: AuditChainVersion;
}

export type AuditChainVersion = 1 | 2;

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same row always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

type HashedFields = Omit<AuditRecord, 'prevHash' | 'hash' | 'chainVersion'>;

/** The chain key of scheme 2: derived from the installation's HMAC key, never stored in the database. */
export function auditChainKey(keyring: Keyring): Buffer {
  return keyring.derive('audit-chain/v2');
}

/** Scheme 1 (rows before migration 0024): sha256(prev_hash || canonical JSON of the row's fields), hex. */
export function auditRowHashV1(prevHash: string, row: HashedFields): string {
  return createHash('sha256').update(prevHash).update(canonicalFields(row)).digest('hex');
}

/** Scheme 2: HMAC-SHA256(chain key, "audit-chain/v2\n" || prev_hash || "\n" || canonical JSON), hex. */
export function auditRowHash(key: Buffer, prevHash: string, row: HashedFields): string {
  return createHmac('sha256', key).update(`audit-chain/v2\n${prevHash}\n`).update(canonicalFields(row)).digest('hex');
}

function canonicalFields(row: HashedFields): string {
  const fields = {
    id: row.id,
    at: row.at.toISOString(),
    actor_id: row.actorId,
    actor_role: row.actorRole,
    action: row.action,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    loan_id: row.loanId,
    source_ip: row.sourceIp,
    result: row.result,
    detail: row.detail,
  };
  return canonicalJson(fields);
}

export function toAuditRecord(row: Record<string, unknown>): AuditRecord {
  return {
    id: String(row.id),
    at: row.at as Date,
    actorId: (row.actor_id as string | null) ?? null,
    actorRole: (row.actor_role as string | null) ?? null,
    action: row.action as string,
    resourceType: (row.resource_type as string | null) ?? null,
    resourceId: (row.resource_id as string | null) ?? null,
    loanId: (row.loan_id as string | null) ?? null,
    sourceIp: (row.source_ip as string | null) ?? null,
    result: row.result as AuditResult,
    detail: (row.detail as Record<string, unknown>) ?? {},
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
    chainVersion: Number(row.chain_version ?? 1) === 2 ? 2 : 1,
  };
}

let chainKey: Buffer | undefined;

/**
 * Gives this process the chain key for the rows it appends (api/main.ts through createSecurity,
 * and the scripts that write audit rows). Appending without one fails: there is no keyless fallback.
 */
export function useAuditChainKey(keyring: Keyring): void {
  chainKey = auditChainKey(keyring);
}

async function append(tx: TransactionSql, event: AuditEvent): Promise<{ id: string; hash: string }> {
  if (!chainKey) throw new Error('the audit chain key is not set (useAuditChainKey); no audit row written');
  const key = chainKey;
  // The head row lock makes appends take turns, so every row links to the one before it.
  const [head] = await tx<{ last_id: string; last_hash: string }[]>`
    select last_id::text, last_hash from audit_chain_head where singleton for update`;
  if (!head) throw new Error('audit_chain_head is missing; run the migrations');
  // A process holding another installation's keys would append rows no verifier accepts: refuse.
  const [last] = await tx`select * from audit_log where id = ${head.last_id}`;
  const previous = last ? toAuditRecord(last) : undefined;
  if (previous?.chainVersion === 2 && auditRowHash(key, previous.prevHash, previous) !== previous.hash)
    throw new Error(
      'the audit chain key is not this installation’s (the last row does not verify); no audit row written',
    );
  const [seq] = await tx<{ id: string }[]>`select nextval('audit_log_id_seq')::text as id`;
  const fields: HashedFields = {
    id: seq!.id,
    at: new Date((event.at ?? new Date()).getTime()),
    actorId: event.actorId ?? null,
    actorRole: event.actorRole ?? null,
    action: event.action,
    resourceType: event.resourceType ?? null,
    resourceId: event.resourceId ?? null,
    loanId: event.loanId ?? null,
    sourceIp: event.sourceIp ?? null,
    result: event.result,
    // Stored as jsonb; round-tripping through JSON now means the hash covers exactly what is stored.
    detail: JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, unknown>,
  };
  const hash = auditRowHash(key, head.last_hash, fields);
  await tx`
    insert into audit_log (id, at, actor_id, actor_role, action, resource_type, resource_id, loan_id, source_ip, result, detail, prev_hash, hash, chain_version)
    values (${fields.id}, ${fields.at}, ${fields.actorId}, ${fields.actorRole}, ${fields.action}, ${fields.resourceType},
            ${fields.resourceId}, ${fields.loanId}, ${fields.sourceIp}, ${fields.result}, ${tx.json(fields.detail as Parameters<TransactionSql['json']>[0])},
            ${head.last_hash}, ${hash}, 2)`;
  await tx`update audit_chain_head set last_id = ${fields.id}, last_hash = ${hash} where singleton`;
  return { id: fields.id, hash };
}

/**
 * Appends one event to the hash chain. Given a transaction, the row commits or rolls back with
 * it (and holds the chain until then); given a pool, it runs in its own short transaction.
 */
export async function recordAudit(sql: Sql | TransactionSql, event: AuditEvent): Promise<{ id: string; hash: string }> {
  if ('begin' in sql && typeof sql.begin === 'function') {
    return sql.begin((tx) => append(tx, event));
  }
  return append(sql as TransactionSql, event);
}

export interface AuditQuery {
  loanId?: string;
  /** Matches events by the user (actor) and about the user (resource "user"). */
  userId?: string;
  from?: Date;
  to?: Date;
  /** Only rows with a smaller id: the next page after a previous answer. */
  beforeId?: string;
  limit: number;
}

/** Newest first. */
export async function queryAudit(sql: Sql, q: AuditQuery): Promise<AuditRecord[]> {
  const rows = await sql`
    select * from audit_log
    where true
      ${q.loanId !== undefined ? sql`and loan_id = ${q.loanId}` : sql``}
      ${q.userId !== undefined ? sql`and (actor_id = ${q.userId} or (resource_type = 'user' and resource_id = ${q.userId}))` : sql``}
      ${q.from !== undefined ? sql`and at >= ${q.from}` : sql``}
      ${q.to !== undefined ? sql`and at < ${q.to}` : sql``}
      ${q.beforeId !== undefined ? sql`and id < ${q.beforeId}` : sql``}
    order by id desc
    limit ${q.limit}`;
  return rows.map(toAuditRecord);
}
