// The borrower 360 staff open from a search: who the borrower is (masked), and every loan with
// its payments, collection contacts, reviewers' notes and documents. Reviewers, finance, risk and
// auditors see the whole history of a borrower they may see one loan of (the point of looking is
// the earlier loans); a collector or loan officer sees only the loans in their own scope.
import type { Sql } from '../lib/db-client.js';
import type { Role } from '../domain/types.js';
import type { AuthUser } from '../security/authenticator.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { loanScope } from './loan-access.js';
import { staffNames, type StaffPerson } from './staff-names.js';
import { maskedBorrower, type BorrowerIdentityRow, type MaskedBorrower } from './staff-borrower-presenter.js';

/** Loans of one borrower a profile lists at most; the newest first. */
export const PROFILE_LOAN_LIMIT = 100;

const SCOPED_TO_OWN_LOANS: ReadonlySet<Role> = new Set(['COLLECTOR', 'LOAN_OFFICER']);

export interface BorrowerProfile {
  borrower: MaskedBorrower & { registeredAt: string };
  loans: Array<{
    loanId: string;
    status: string;
    loanType: string;
    productCode: string;
    channel: string;
    appliedAmount: string;
    /** The amount as reviewed, when a final reviewer changed it; else the applied amount. */
    amount: string;
    termCount: number;
    daysPastDue: number;
    classification: string;
    outstandingPrincipal: string;
    createdAt: string;
    closedAt: string | null;
  }>;
  payments: Array<{ loanId: string; paymentId: string; channel: string; amount: string; receivedOn: string }>;
  contacts: Array<{
    loanId: string;
    at: string;
    outcome: string | null;
    promisedOn: string | null;
    note: string | null;
    by: unknown;
  }>;
  notes: Array<{ loanId: string; at: string; stage: string; decision: string; comment: string; by: unknown }>;
  /** Names of the staff in contacts[].by and notes[].by, by user id (api/staff-names.ts). */
  people: Record<string, StaffPerson>;
  documents: Array<{
    loanId: string;
    documentId: string;
    type: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    uploadedAt: string;
  }>;
}

interface LoanRow {
  id: string;
  status: string;
  loan_type: string;
  product_code: string;
  channel: string;
  amount: string;
  term_count: number;
  days_past_due: number;
  classification: string;
  outstanding_principal: string;
  created_at: Date;
  closed_at: Date | null;
  view_fields: { requested?: { amount?: string }; reviews?: ReviewNote[] };
}

interface ReviewNote {
  stage: string;
  decision: string;
  comment: string;
  reviewer: unknown;
  at: string;
}

/** Null when the borrower does not exist or none of their loans is in the user's scope. */
export async function readBorrowerProfile(
  sql: Sql,
  cipher: FieldCipher,
  user: AuthUser,
  borrowerId: string,
): Promise<BorrowerProfile | null> {
  const [person] = await sql<(BorrowerIdentityRow & { created_at: Date })[]>`
    select id as borrower_id, name_enc, phone_enc, id_number_enc, created_at
    from users where id = ${borrowerId} and role = 'BORROWER'`;
  if (!person) return null;
  const [visible] = await sql<{ any: boolean }[]>`
    select exists (select 1 from loans l where l.borrower_id = ${borrowerId} and ${loanScope(sql, user)}) as any`;
  if (!visible?.any) return null;

  const scope = SCOPED_TO_OWN_LOANS.has(user.role) ? loanScope(sql, user) : sql`true`;
  const loans = await sql<LoanRow[]>`
    select l.id, l.status, l.loan_type, l.product_code, coalesce(lc.channel, l.channel) as channel, l.amount,
           l.term_count, l.days_past_due, effective_classification(l.id, l.classification) as classification, l.outstanding_principal, l.created_at, l.closed_at, l.view_fields
    from loans l left join loan_channels lc on lc.loan_id = l.id where l.borrower_id = ${borrowerId} and ${scope}
    order by l.created_at desc, l.id limit ${PROFILE_LOAN_LIMIT}`;
  const records = await readLoanRecords(sql, loans);
  const actorId = (by: unknown) => (by as { userId?: string } | null)?.userId;
  const people = await staffNames(sql, cipher, [
    ...records.contacts.map((c) => actorId(c.by)),
    ...records.notes.map((n) => actorId(n.by)),
  ]);
  return {
    borrower: { ...maskedBorrower(cipher, person), registeredAt: person.created_at.toISOString() },
    loans: loans.map(presentLoan),
    ...records,
    people,
  };
}

function presentLoan(l: LoanRow): BorrowerProfile['loans'][number] {
  return {
    loanId: l.id,
    status: l.status,
    loanType: l.loan_type,
    productCode: l.product_code,
    channel: l.channel,
    appliedAmount: l.amount,
    amount: l.view_fields.requested?.amount ?? l.amount,
    termCount: l.term_count,
    daysPastDue: l.days_past_due,
    classification: l.classification,
    outstandingPrincipal: l.outstanding_principal,
    createdAt: l.created_at.toISOString(),
    closedAt: l.closed_at?.toISOString() ?? null,
  };
}

/** Payments, collection contacts, reviewers' notes and documents of these loans. */
async function readLoanRecords(
  sql: Sql,
  loans: readonly LoanRow[],
): Promise<Pick<BorrowerProfile, 'payments' | 'contacts' | 'notes' | 'documents'>> {
  const ids = loans.map((l) => l.id);
  const [payments, contacts, documents] = await Promise.all([
    sql<{ loan_id: string; payment_id: string; channel: string; amount: string; received_on: string }[]>`
      select loan_id, payment_id, channel, amount, received_on::text as received_on from repayments
      where loan_id in ${sql(ids)} order by received_on desc, created_at desc`,
    sql<{ loan_id: string; at: Date; detail: Record<string, unknown> }[]>`
      select loan_id, at, detail from loan_events
      where loan_id in ${sql(ids)} and kind like 'COLLECTION\\_NOTE\\_%' order by at desc, id desc`,
    sql<
      {
        id: string;
        loan_id: string;
        type: string;
        content_type: string;
        size_bytes: number;
        sha256: string;
        created_at: Date;
      }[]
    >`
      select id, loan_id, type, content_type, size_bytes, sha256, created_at from documents
      where loan_id in ${sql(ids)} order by created_at desc, id`,
  ]);

  return {
    payments: payments.map((p) => ({
      loanId: p.loan_id,
      paymentId: p.payment_id,
      channel: p.channel,
      amount: p.amount,
      receivedOn: p.received_on,
    })),
    contacts: contacts.map((e) => ({
      loanId: e.loan_id,
      at: e.at.toISOString(),
      outcome: (e.detail.outcome as string | undefined) ?? null,
      promisedOn: (e.detail.promisedOn as string | null | undefined) ?? null,
      note: (e.detail.note as string | undefined) ?? null,
      by: e.detail.actor ?? null,
    })),
    notes: loans.flatMap((l) =>
      (l.view_fields.reviews ?? []).map((r) => ({
        loanId: l.id,
        at: r.at,
        stage: r.stage,
        decision: r.decision,
        comment: r.comment,
        by: r.reviewer,
      })),
    ),
    documents: documents.map((d) => ({
      loanId: d.loan_id,
      documentId: d.id,
      type: d.type,
      contentType: d.content_type,
      sizeBytes: d.size_bytes,
      sha256: d.sha256,
      uploadedAt: d.created_at.toISOString(),
    })),
  };
}
