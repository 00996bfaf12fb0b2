// Month-end closes and capital injections waiting for their checker (maker-checker): one finance
// user asks, a different one approves (the month is closed or the capital posted in the same
// transaction) or rejects with a reason. Every change of status is one conditional UPDATE, so of
// two checkers acting at once exactly one wins.
import { randomUUID } from 'node:crypto';
import type { LocalDate, Money } from '../domain/types.js';
import { toMoney } from '../domain/money.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';

type Db = Sql | TransactionSql;

export type LedgerRequestKind = 'PERIOD_CLOSE' | 'CAPITAL_INJECTION';
export type LedgerRequestStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED';

export interface CapitalFigures {
  amount: Money;
  effectiveOn: LocalDate;
  reference: string;
}

export interface LedgerRequest {
  requestId: string;
  kind: LedgerRequestKind;
  /** The month to close (YYYY-MM), or the injectionId to record. */
  subject: string;
  capital: CapitalFigures | null;
  status: LedgerRequestStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: Date;
  checkedBy: string | null;
  checkedAt: Date | null;
  decisionKey: string | null;
  rejectReason: string | null;
}

interface Row {
  request_id: string;
  kind: LedgerRequestKind;
  subject: string;
  amount: string | null;
  effective_on: string | null;
  reference: string | null;
  status: LedgerRequestStatus;
  requested_by: string;
  username: string | null;
  requested_at: Date;
  checked_by: string | null;
  checked_at: Date | null;
  decision_key: string | null;
  reject_reason: string | null;
}

function fromRow(r: Row): LedgerRequest {
  return {
    requestId: r.request_id,
    kind: r.kind,
    subject: r.subject,
    capital:
      r.amount !== null && r.effective_on !== null && r.reference !== null
        ? { amount: toMoney(r.amount), effectiveOn: r.effective_on, reference: r.reference }
        : null,
    status: r.status,
    requestedBy: r.requested_by,
    requestedByName: r.username,
    requestedAt: r.requested_at,
    checkedBy: r.checked_by,
    checkedAt: r.checked_at,
    decisionKey: r.decision_key,
    rejectReason: r.reject_reason,
  };
}

const columns = (sql: Db) => sql`
  r.request_id, r.kind, r.subject, r.amount::text as amount, r.effective_on::text as effective_on, r.reference,
  r.status, r.requested_by, u.username, r.requested_at, r.checked_by, r.checked_at, r.decision_key, r.reject_reason`;

export async function findLedgerRequest(sql: Db, requestId: string): Promise<LedgerRequest | null> {
  const [row] = await sql<Row[]>`
    select ${columns(sql)} from ledger_requests r left join users u on u.id::text = r.requested_by
    where r.request_id = ${requestId}`;
  return row ? fromRow(row) : null;
}

/** The pending or approved request for a month or an injectionId, if any. */
export async function liveLedgerRequest(
  sql: Db,
  kind: LedgerRequestKind,
  subject: string,
): Promise<LedgerRequest | null> {
  const [row] = await sql<Row[]>`
    select ${columns(sql)} from ledger_requests r left join users u on u.id::text = r.requested_by
    where r.kind = ${kind} and r.subject = ${subject} and r.status <> 'REJECTED'`;
  return row ? fromRow(row) : null;
}

export async function listLedgerRequests(
  sql: Db,
  status: LedgerRequestStatus,
  limit: number,
): Promise<LedgerRequest[]> {
  const rows = await sql<Row[]>`
    select ${columns(sql)} from ledger_requests r left join users u on u.id::text = r.requested_by
    where r.status = ${status} order by r.requested_at, r.request_id limit ${limit}`;
  return rows.map(fromRow);
}

/**
 * Stores a new PENDING_APPROVAL request unless one for the same month or injectionId is pending or
 * approved; either way answers the live one, and whether this call created it.
 */
export async function recordLedgerRequest(
  sql: Sql,
  p: { kind: LedgerRequestKind; subject: string; capital: CapitalFigures | null; requestedBy: string },
  /** Runs in the same transaction when this call created the request (the audit row). */
  onCreated: (tx: TransactionSql, request: LedgerRequest) => Promise<void>,
): Promise<{ created: boolean; request: LedgerRequest }> {
  return sql.begin(async (tx) => {
    const inserted = await tx<{ request_id: string }[]>`
      insert into ledger_requests (request_id, kind, subject, amount, effective_on, reference, requested_by)
      values (${`lr-${randomUUID()}`}, ${p.kind}, ${p.subject}, ${p.capital?.amount ?? null},
              ${p.capital?.effectiveOn ?? null}, ${p.capital?.reference ?? null}, ${p.requestedBy})
      on conflict (kind, subject) where status <> 'REJECTED' do nothing
      returning request_id`;
    const request = (await liveLedgerRequest(tx, p.kind, p.subject))!;
    if (inserted.length > 0) await onCreated(tx, request);
    return { created: inserted.length > 0, request };
  });
}

/**
 * Takes a pending request for `checker` (never its maker) inside the caller's transaction. Null
 * when it is no longer pending or the checker made it; the row stays locked until the transaction
 * ends, so a second checker waits and then finds it decided.
 */
export async function claimLedgerRequest(
  tx: TransactionSql,
  requestId: string,
  checker: string,
  decisionKey: string | null,
): Promise<LedgerRequest | null> {
  const rows = await tx`
    update ledger_requests
    set status = 'APPROVED', checked_by = ${checker}, checked_at = now(), decision_key = ${decisionKey}
    where request_id = ${requestId} and status = 'PENDING_APPROVAL' and requested_by <> ${checker}
    returning request_id`;
  return rows.count > 0 ? findLedgerRequest(tx, requestId) : null;
}

/** Closes a pending request without acting on it. Null when it was no longer pending (or the checker made it). */
export async function rejectLedgerRequest(
  sql: Db,
  requestId: string,
  checker: string,
  reason: string,
  decisionKey: string | null,
): Promise<LedgerRequest | null> {
  const rows = await sql`
    update ledger_requests
    set status = 'REJECTED', checked_by = ${checker}, checked_at = now(), reject_reason = ${reason},
        decision_key = ${decisionKey}
    where request_id = ${requestId} and status = 'PENDING_APPROVAL' and requested_by <> ${checker}
    returning request_id`;
  return rows.count > 0 ? findLedgerRequest(sql, requestId) : null;
}
