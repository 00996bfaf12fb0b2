// Reversal requests waiting for their checker (maker-checker): a finance user asked for an applied
// repayment to be reversed, with a reason; a different finance user approves or rejects it. Every
// change of status is one conditional UPDATE, so of two checkers acting at once exactly one wins.
import type { Sql } from '../lib/db-client.js';

export type ReversalStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED';

export interface ReversalRequest {
  paymentId: string;
  loanId: string;
  reason: string;
  status: ReversalStatus;
  requestedBy: string;
  requestedByName: string | null;
  requestedAt: Date;
  checkedBy: string | null;
  checkedAt: Date | null;
  rejectReason: string | null;
  /** When the loan's workflow applied the approved reversal. */
  reversedAt: Date | null;
}

/** The applied repayment a request names. */
export interface AppliedRepayment {
  paymentId: string;
  loanId: string;
  channel: string;
  amount: string;
  receivedOn: string;
  /** The loan's status in the loans projection. */
  loanStatus: string;
}

const columns = (sql: Sql) => sql`
  r.payment_id as "paymentId", r.loan_id as "loanId", r.reason, r.status, r.requested_by as "requestedBy",
  u.username as "requestedByName", r.requested_at as "requestedAt", r.checked_by as "checkedBy",
  r.checked_at as "checkedAt", r.reject_reason as "rejectReason", r.reversed_at as "reversedAt"`;

export async function findReversal(sql: Sql, paymentId: string): Promise<ReversalRequest | null> {
  const [row] = await sql<ReversalRequest[]>`
    select ${columns(sql)} from payment_reversals r left join users u on u.id::text = r.requested_by
    where r.payment_id = ${paymentId}`;
  return row ?? null;
}

export async function findRepayment(sql: Sql, paymentId: string): Promise<AppliedRepayment | null> {
  const [row] = await sql<AppliedRepayment[]>`
    select r.payment_id as "paymentId", r.loan_id as "loanId", r.channel, r.amount::text as amount,
           r.received_on::text as "receivedOn", l.status as "loanStatus"
    from repayments r join loans l on l.id = r.loan_id where r.payment_id = ${paymentId}`;
  return row ?? null;
}

export async function listReversals(sql: Sql, status: ReversalStatus, limit: number): Promise<ReversalRequest[]> {
  return sql<ReversalRequest[]>`
    select ${columns(sql)} from payment_reversals r left join users u on u.id::text = r.requested_by
    where r.status = ${status} order by r.requested_at, r.payment_id limit ${limit}`;
}

/**
 * Stores a new request as PENDING_APPROVAL. A request for the same payment again returns the
 * stored one unchanged, unless that one was rejected: then the new request takes its place (the
 * rejection stays in the audit log).
 */
export async function requestReversal(
  sql: Sql,
  r: { paymentId: string; loanId: string; reason: string; requestedBy: string },
): Promise<{ created: boolean; request: ReversalRequest }> {
  const inserted = await sql`
    insert into payment_reversals (payment_id, loan_id, reason, requested_by)
    values (${r.paymentId}, ${r.loanId}, ${r.reason}, ${r.requestedBy})
    on conflict (payment_id) do update
      set reason = excluded.reason, requested_by = excluded.requested_by, requested_at = now(),
          status = 'PENDING_APPROVAL', checked_by = null, checked_at = null, reject_reason = null
      where payment_reversals.status = 'REJECTED'
    returning payment_id`;
  return { created: inserted.count > 0, request: (await findReversal(sql, r.paymentId))! };
}

/**
 * Takes a pending request for approval by `checker` (never its maker). The checker who approved it
 * may take it again: when the loan's workflow did not answer, a retry finishes the reversal; when
 * it was already reversed (the workflow marks the row), the retry answers the recorded result.
 * Null when someone else decided first.
 */
export async function claimReversal(sql: Sql, paymentId: string, checker: string): Promise<ReversalRequest | null> {
  const rows = await sql`
    update payment_reversals
    set status = 'APPROVED', checked_by = ${checker}, checked_at = coalesce(checked_at, now())
    where payment_id = ${paymentId} and requested_by <> ${checker}
      and (status = 'PENDING_APPROVAL' or (status = 'APPROVED' and checked_by = ${checker}))
    returning payment_id`;
  return rows.count > 0 ? findReversal(sql, paymentId) : null;
}

/** The loan refused the reversal (it closed, the reversal needs a person): back to pending for a checker to reject. */
export async function releaseReversal(sql: Sql, paymentId: string): Promise<void> {
  await sql`
    update payment_reversals set status = 'PENDING_APPROVAL', checked_by = null, checked_at = null
    where payment_id = ${paymentId} and status = 'APPROVED' and reversed_at is null`;
}

/** Closes a pending request without reversing. Null when it was no longer pending (or the checker made it). */
export async function rejectReversal(
  sql: Sql,
  paymentId: string,
  checker: string,
  reason: string,
): Promise<ReversalRequest | null> {
  const rows = await sql`
    update payment_reversals
    set status = 'REJECTED', checked_by = ${checker}, checked_at = now(), reject_reason = ${reason}
    where payment_id = ${paymentId} and requested_by <> ${checker} and status = 'PENDING_APPROVAL'
    returning payment_id`;
  return rows.count > 0 ? findReversal(sql, paymentId) : null;
}
