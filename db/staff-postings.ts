// Staff postings waiting for their checker (maker-checker): a CASH or BANK_TRANSFER repayment that
// finance recorded, kept here until a different finance user approves or rejects it, or a line of
// the bank's statement confirms it. Every change of status is one conditional UPDATE, so of two
// checkers acting at once exactly one wins.
import type { Sql } from '../lib/db-client.js';

export type PostingStatus = 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED';
export type StaffChannel = 'BANK_TRANSFER' | 'CASH';

/** Who checked a posting that a bank statement line confirmed. */
export const STATEMENT_CHECKER = 'system:bank-statement';

export interface StaffPosting {
  paymentId: string;
  loanId: string;
  channel: StaffChannel;
  amount: string;
  receivedOn: string;
  reference: string | null;
  status: PostingStatus;
  madeBy: string;
  madeByName: string | null;
  madeAt: Date;
  checkedBy: string | null;
  checkedAt: Date | null;
  rejectReason: string | null;
  statementLineId: string | null;
  /** The payment id the loan received it under: the posting's own, or the bank line's when a statement matched. */
  postedPaymentId: string | null;
  postedAt: Date | null;
}

export interface NewPosting {
  paymentId: string;
  loanId: string;
  channel: StaffChannel;
  amount: string;
  receivedOn: string;
  reference: string | null;
  madeBy: string;
}

const columns = (sql: Sql) => sql`
  p.payment_id as "paymentId", p.loan_id as "loanId", p.channel, p.amount::text as amount,
  p.received_on as "receivedOn", p.reference, p.status, p.made_by as "madeBy", u.username as "madeByName",
  p.made_at as "madeAt", p.checked_by as "checkedBy", p.checked_at as "checkedAt", p.reject_reason as "rejectReason",
  p.statement_line_id as "statementLineId", p.posted_payment_id as "postedPaymentId", p.posted_at as "postedAt"`;

async function selectOne(sql: Sql, paymentId: string): Promise<StaffPosting | null> {
  const [row] = await sql<StaffPosting[]>`
    select ${columns(sql)} from staff_postings p left join users u on u.id::text = p.made_by
    where p.payment_id = ${paymentId}`;
  return row ?? null;
}

/** Stores a new posting as PENDING_APPROVAL; the same paymentId again returns the stored one unchanged. */
export async function recordPosting(sql: Sql, p: NewPosting): Promise<{ created: boolean; posting: StaffPosting }> {
  const inserted = await sql`
    insert into staff_postings (payment_id, loan_id, channel, amount, received_on, reference, made_by)
    values (${p.paymentId}, ${p.loanId}, ${p.channel}, ${p.amount}, ${p.receivedOn}, ${p.reference}, ${p.madeBy})
    on conflict (payment_id) do nothing returning payment_id`;
  return { created: inserted.count > 0, posting: (await selectOne(sql, p.paymentId))! };
}

export function findPosting(sql: Sql, paymentId: string): Promise<StaffPosting | null> {
  return selectOne(sql, paymentId);
}

export async function listPostings(sql: Sql, status: PostingStatus, limit: number): Promise<StaffPosting[]> {
  return sql<StaffPosting[]>`
    select ${columns(sql)} from staff_postings p left join users u on u.id::text = p.made_by
    where p.status = ${status} order by p.made_at, p.payment_id limit ${limit}`;
}

/**
 * Takes a pending posting for approval by `checker` (never its maker). A checker whose earlier
 * approval was taken but not yet posted (the loan's workflow did not answer) may take it again, so
 * a retry finishes the posting under the same payment id. Null when someone else decided first.
 */
export async function claimForApproval(
  sql: Sql,
  paymentId: string,
  checker: string,
  posted: { paymentId: string; statementLineId: string | null },
): Promise<StaffPosting | null> {
  const rows = await sql`
    update staff_postings
    set status = 'APPROVED', checked_by = ${checker}, checked_at = coalesce(checked_at, now()),
        posted_payment_id = ${posted.paymentId}, statement_line_id = ${posted.statementLineId}
    where payment_id = ${paymentId} and made_by <> ${checker}
      and (status = 'PENDING_APPROVAL' or (status = 'APPROVED' and posted_at is null and checked_by = ${checker}))
    returning payment_id`;
  return rows.count > 0 ? selectOne(sql, paymentId) : null;
}

/** The loan refused the posting (closed, paid off…): it goes back to pending for a checker to reject. */
export async function releaseClaim(sql: Sql, paymentId: string): Promise<void> {
  await sql`
    update staff_postings
    set status = 'PENDING_APPROVAL', checked_by = null, checked_at = null, posted_payment_id = null, statement_line_id = null
    where payment_id = ${paymentId} and status = 'APPROVED' and posted_at is null`;
}

export async function markPosted(sql: Sql, paymentId: string): Promise<void> {
  await sql`update staff_postings set posted_at = now() where payment_id = ${paymentId} and posted_at is null`;
}

/** Closes a pending posting without posting it. Null when it was no longer pending (or the checker made it). */
export async function rejectPosting(
  sql: Sql,
  paymentId: string,
  checker: string,
  reason: string,
): Promise<StaffPosting | null> {
  const rows = await sql`
    update staff_postings
    set status = 'REJECTED', checked_by = ${checker}, checked_at = now(), reject_reason = ${reason}
    where payment_id = ${paymentId} and made_by <> ${checker} and status = 'PENDING_APPROVAL'
    returning payment_id`;
  return rows.count > 0 ? selectOne(sql, paymentId) : null;
}

/**
 * Lines of the bank's statement that no repayment, no recovery after write-off and no staff
 * posting has taken yet: the bank's own notification applies (or, on a written-off loan, recovers)
 * a line under the line's payment id, and a matched posting records it.
 */
export async function unmatchedStatementLines<L extends { paymentId: string }>(
  sql: Sql,
  lines: readonly L[],
): Promise<L[]> {
  if (lines.length === 0) return [];
  const ids = lines.map((l) => l.paymentId);
  const taken = await sql<{ id: string }[]>`
    select payment_id as id from repayments where payment_id = any(${ids})
    union select payment_id as id from write_off_recoveries where payment_id = any(${ids})
    union select statement_line_id as id from staff_postings where statement_line_id = any(${ids})`;
  const takenIds = new Set(taken.map((t) => t.id));
  return lines.filter((l) => !takenIds.has(l.paymentId));
}
