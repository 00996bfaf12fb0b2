// The AML review queue (aml_reviews, migration 0036): screening hits a compliance officer decides.
// An application whose applicant or guarantor matched a name-only list entry is held here, sealed
// as loans hold it, and no loan exists until the hit is cleared.
import type { Application } from '../domain/validation/application.js';
import type { LoanProduct } from '../domain/products.js';
import { APPLICATION_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';

export type AmlReviewKind = 'APPLICATION' | 'RESCREEN';
export type AmlReviewStatus = 'OPEN' | 'CLEARED' | 'CONFIRMED';

export interface AmlReviewRow {
  id: string;
  kind: AmlReviewKind;
  entry_id: string;
  subject: 'APPLICANT' | 'GUARANTOR' | 'BORROWER';
  field: string;
  match: 'NAME' | 'ID_NUMBER';
  borrower_id: string;
  loan_id: string | null;
  status: AmlReviewStatus;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  created_at: Date;
  list: string;
  entry_name: string | null;
  entry_id_number: string | null;
  loan_created: boolean;
  total?: string;
}

const REVIEW_COLUMNS = (sql: Sql | TransactionSql) => sql`
  r.id, r.kind, r.entry_id, r.subject, r.field, r.match, r.borrower_id, r.loan_id, r.status, r.decided_by,
  r.decided_at, r.decision_reason, r.created_at, e.list, e.name_masked as entry_name,
  e.id_number_masked as entry_id_number, exists (select 1 from loans l where l.id = r.loan_id) as loan_created`;

export interface HeldApplication {
  loanId: string;
  entryId: string;
  subject: 'APPLICANT' | 'GUARANTOR';
  field: string;
  subjectIdHash: string;
  borrowerId: string;
  createdBy: string;
  channel: 'ONLINE' | 'OFFLINE';
  product: LoanProduct;
  application: Application;
  idempotencyKey?: string;
  idempotencyBodySha256?: string;
  sourceIp?: string;
}

export type HoldResult =
  | { kind: 'HELD'; reviewId: string; loanId: string }
  /** The same Idempotency-Key again: the hold it made, and the loan if it was cleared. */
  | { kind: 'REPLAYED'; reviewId: string; loanId: string; status: AmlReviewStatus }
  | { kind: 'KEY_REUSED'; reviewId: string }
  | { kind: 'IN_FLIGHT'; loanId: string }
  /** The borrower already has an application waiting for compliance. */
  | { kind: 'HOLD_OPEN'; reviewId: string };

/** Holds an application for compliance review, in one transaction with the borrower's lock. */
export async function holdApplication(sql: Sql, cipher: FieldCipher, hold: HeldApplication): Promise<HoldResult> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${hold.borrowerId}))`;
    if (hold.idempotencyKey) {
      const [same] = await tx<
        { id: string; loan_id: string; status: AmlReviewStatus; idempotency_body_sha256: string }[]
      >`
        select id, loan_id, status, idempotency_body_sha256 from aml_reviews
        where kind = 'APPLICATION' and created_by = ${hold.createdBy} and idempotency_key = ${hold.idempotencyKey}`;
      if (same && same.idempotency_body_sha256 !== hold.idempotencyBodySha256)
        return { kind: 'KEY_REUSED', reviewId: same.id } as const;
      if (same) return { kind: 'REPLAYED', reviewId: same.id, loanId: same.loan_id, status: same.status } as const;
    }
    const [inFlight] = await tx<{ id: string }[]>`
      select id from loans where borrower_id = ${hold.borrowerId}
      and status in ('AWAITING_DOCUMENTS', 'ASSESSING', 'INITIAL_REVIEW', 'FINAL_REVIEW', 'AWAITING_SIGNATURE', 'DISBURSING')`;
    if (inFlight) return { kind: 'IN_FLIGHT', loanId: inFlight.id } as const;
    const [open] = await tx<{ id: string }[]>`
      select id from aml_reviews where kind = 'APPLICATION' and status = 'OPEN' and borrower_id = ${hold.borrowerId}`;
    if (open) return { kind: 'HOLD_OPEN', reviewId: open.id } as const;
    const [row] = await tx<{ id: string }[]>`
      insert into aml_reviews (kind, entry_id, subject, field, match, subject_id_hash, borrower_id, loan_id,
                               application_enc, product, channel, created_by, idempotency_key,
                               idempotency_body_sha256, source_ip)
      values ('APPLICATION', ${hold.entryId}, ${hold.subject}, ${hold.field}, 'NAME', ${hold.subjectIdHash},
              ${hold.borrowerId}, ${hold.loanId}, ${cipher.encrypt(JSON.stringify(hold.application), APPLICATION_CONTEXT)},
              ${tx.json(hold.product as never)}, ${hold.channel}, ${hold.createdBy}, ${hold.idempotencyKey ?? null},
              ${hold.idempotencyKey ? (hold.idempotencyBodySha256 ?? null) : null}, ${hold.sourceIp ?? null})
      returning id`;
    return { kind: 'HELD', reviewId: row!.id, loanId: hold.loanId } as const;
  });
}

export interface NewListEntry {
  entryId: string;
  /** Blind index (users.id_number_hash) of the entry's ID number, when it has one. */
  idNumberHash: string | null;
  /** Blind index (users.name_hash) of the entry's name, used only when it has no ID number. */
  borrowerNameHash: string | null;
}

/**
 * Re-screening: the borrowers an entry just added to the list matches, each queued for review once.
 * Runs in the transaction that adds the entry, so no added entry goes unchecked. Returns how many
 * borrowers it queued.
 */
export async function rescreenBorrowers(tx: TransactionSql, entry: NewListEntry): Promise<number> {
  const matches = entry.idNumberHash
    ? tx`select id, id_number_hash, 'ID_NUMBER' as match, 'borrower.idNumber' as field from users
         where role = 'BORROWER' and id_number_hash = ${entry.idNumberHash}`
    : tx`select id, id_number_hash, 'NAME' as match, 'borrower.name' as field from users
         where role = 'BORROWER' and name_hash = ${entry.borrowerNameHash} and id_number_hash is not null`;
  // An ID-number hit is the listed person: frozen at once, before anyone looks at it.
  const rows = await tx`
    with queued as (
      insert into aml_reviews (kind, entry_id, subject, field, match, subject_id_hash, borrower_id)
      select 'RESCREEN', ${entry.entryId}, 'BORROWER', m.field, m.match, m.id_number_hash, m.id from (${matches}) m
      on conflict do nothing
      returning id, borrower_id, match),
    frozen as (
      insert into aml_freezes (review_id, borrower_id)
      select id, borrower_id from queued where match = 'ID_NUMBER'
      on conflict do nothing)
    select id from queued`;
  return rows.length;
}

export interface ReviewQuery {
  status?: AmlReviewStatus;
  kind?: AmlReviewKind;
  limit: number;
  offset: number;
}

export async function listReviews(sql: Sql, q: ReviewQuery): Promise<AmlReviewRow[]> {
  return sql<AmlReviewRow[]>`
    select ${REVIEW_COLUMNS(sql)}, count(*) over () as total
    from aml_reviews r join screening_entries e on e.id = r.entry_id
    where true ${q.status ? sql`and r.status = ${q.status}` : sql``} ${q.kind ? sql`and r.kind = ${q.kind}` : sql``}
    order by r.created_at desc, r.id limit ${q.limit} offset ${q.offset}`;
}

export async function reviewById(sql: Sql | TransactionSql, id: string): Promise<AmlReviewRow | null> {
  const [row] = await sql<AmlReviewRow[]>`
    select ${REVIEW_COLUMNS(sql)} from aml_reviews r join screening_entries e on e.id = r.entry_id where r.id = ${id}`;
  return row ?? null;
}

/**
 * Decides an open review: exactly one decision wins, a second (concurrent or later) gets null.
 * The reason is kept with the row and in the audit. In the same transaction, confirming freezes
 * the borrower (no payout while it stands) and clearing lifts this review's freeze.
 */
export async function decideReview(
  sql: Sql,
  id: string,
  decision: { status: 'CLEARED' | 'CONFIRMED'; by: string; reason: string; at: Date },
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [won] = await tx<{ borrower_id: string }[]>`
      update aml_reviews set status = ${decision.status}, decided_by = ${decision.by}, decided_at = ${decision.at},
                             decision_reason = ${decision.reason}
      where id = ${id} and status = 'OPEN' returning borrower_id`;
    if (!won) return false;
    if (decision.status === 'CONFIRMED')
      await tx`insert into aml_freezes (review_id, borrower_id, frozen_at)
               values (${id}, ${won.borrower_id}, ${decision.at}) on conflict do nothing`;
    else await tx`delete from aml_freezes where review_id = ${id}`;
    return true;
  });
}

export interface HeldApplicationRecord {
  loanId: string;
  borrowerId: string;
  createdBy: string;
  channel: 'ONLINE' | 'OFFLINE';
  product: LoanProduct;
  application: Application;
  idempotencyKey: string | null;
  idempotencyBodySha256: string | null;
  sourceIp: string | null;
}

/** The application a review holds, opened: what the loan is created from once it is cleared. */
export async function heldApplication(
  sql: Sql,
  cipher: FieldCipher,
  id: string,
): Promise<HeldApplicationRecord | null> {
  const [row] = await sql<
    {
      loan_id: string;
      borrower_id: string;
      created_by: string;
      channel: 'ONLINE' | 'OFFLINE';
      product: LoanProduct;
      application_enc: string;
      idempotency_key: string | null;
      idempotency_body_sha256: string | null;
      source_ip: string | null;
    }[]
  >`
    select loan_id, borrower_id, created_by, channel, product, application_enc, idempotency_key,
           idempotency_body_sha256, source_ip
    from aml_reviews where id = ${id} and kind = 'APPLICATION'`;
  if (!row) return null;
  return {
    loanId: row.loan_id,
    borrowerId: row.borrower_id,
    createdBy: row.created_by,
    channel: row.channel,
    product: row.product,
    application: JSON.parse(cipher.decrypt(row.application_enc, APPLICATION_CONTEXT)) as Application,
    idempotencyKey: row.idempotency_key,
    idempotencyBodySha256: row.idempotency_body_sha256,
    sourceIp: row.source_ip,
  };
}
