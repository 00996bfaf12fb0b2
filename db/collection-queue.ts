// The collections work queue in PostgreSQL: cases follow the loans the workflow keeps OVERDUE,
// are assigned (by the rule, a claim or a supervisor) with the loan's collector and its open
// collection tasks, and keep every contact. Rules are domain/collection-queue.ts.
import {
  assignAll,
  bucketOf,
  provinceOfIdNumber,
  type Bucket,
  type CollectorLoad,
  type ContactChannel,
  type ContactOutcome,
  type Priority,
} from '../domain/collection-queue.js';
import type { Application } from '../domain/validation/application.js';
import type { LocalDate, Money } from '../domain/types.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import { APPLICATION_CONTEXT, COLLECTION_NOTE_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';

type Db = Sql | TransactionSql;

/**
 * Opens a case for every loan the workflow has made OVERDUE and has none, and closes the cases
 * of loans that are no longer overdue. Safe to run anywhere at once (one open case per loan).
 */
export async function syncCases(sql: Sql, cipher: FieldCipher): Promise<{ opened: number; closed: number }> {
  const missing = await sql<{ id: string; application_enc: string }[]>`
    select l.id, l.application_enc from loans l
    where l.status = 'OVERDUE'
      and not exists (select 1 from collection_cases c where c.loan_id = l.id and c.closed_at is null)`;
  let opened = 0;
  for (const loan of missing) {
    const { applicant } = JSON.parse(cipher.decrypt(loan.application_enc, APPLICATION_CONTEXT)) as Application;
    const rows = await sql`
      insert into collection_cases (loan_id, province)
      values (${loan.id}, ${provinceOfIdNumber(applicant.idNumber)})
      on conflict (loan_id) where closed_at is null do nothing returning id`;
    opened += rows.length;
  }
  const closed = await sql`
    update collection_cases c set closed_at = now()
    from loans l where l.id = c.loan_id and c.closed_at is null and l.status <> 'OVERDUE'
    returning c.id`;
  return { opened, closed: closed.length };
}

export interface CaseRow {
  caseId: string;
  loanId: string;
  daysPastDue: number;
  bucket: Bucket;
  province: string | null;
  priority: Priority;
  outstandingPrincipal: Money;
  escalation: string | null;
  assigneeId: string | null;
  assignedHow: 'RULE' | 'CLAIM' | 'SUPERVISOR' | null;
  assignedAt: string | null;
  openedAt: string;
  contacts: number;
  lastContact: { outcome: ContactOutcome; channel: ContactChannel; at: string } | null;
  promise: { promisedOn: LocalDate; amount: Money } | null;
}

export type CaseFilter = { assignee: string } | { unassigned: true } | { mineOrUnassigned: string } | { all: true };

/** Open cases, most urgent first (priority, then days past due, then age). */
export async function openCases(sql: Sql, filter: CaseFilter, limit = 200): Promise<CaseRow[]> {
  const where =
    'assignee' in filter
      ? sql`and c.assignee_id = ${filter.assignee}`
      : 'unassigned' in filter
        ? sql`and c.assignee_id is null`
        : 'mineOrUnassigned' in filter
          ? sql`and (c.assignee_id is null or c.assignee_id = ${filter.mineOrUnassigned})`
          : sql``;
  const rows = await sql<Array<Record<string, unknown>>>`
    select c.id, c.loan_id, c.province, c.priority, c.assignee_id, c.assigned_how, c.assigned_at, c.opened_at,
           l.days_past_due, l.outstanding_principal::text as outstanding_principal,
           (select e.kind from loan_events e where e.loan_id = c.loan_id and e.kind like 'COLLECTION\\_%'
              and e.kind not like 'COLLECTION\\_NOTE\\_%' order by e.id desc limit 1) as escalation,
           (select count(*)::int from collection_contacts k where k.case_id = c.id) as contacts,
           last.outcome, last.channel, last.contacted_at,
           promise.promised_on::text as promised_on, promise.promised_amount::text as promised_amount
    from collection_cases c
    join loans l on l.id = c.loan_id
    left join lateral (select outcome, channel, contacted_at from collection_contacts k
                       where k.case_id = c.id order by contacted_at desc limit 1) last on true
    left join lateral (select promised_on, promised_amount from collection_contacts k
                       where k.case_id = c.id and k.promise_status = 'PENDING'
                       order by contacted_at desc limit 1) promise on true
    where c.closed_at is null ${where}
    order by case c.priority when 'URGENT' then 0 when 'HIGH' then 1 else 2 end, l.days_past_due desc, c.opened_at
    limit ${limit}`;
  return rows.map((r) => ({
    caseId: r.id as string,
    loanId: r.loan_id as string,
    daysPastDue: r.days_past_due as number,
    bucket: bucketOf(r.days_past_due as number),
    province: (r.province as string | null) ?? null,
    priority: r.priority as Priority,
    outstandingPrincipal: r.outstanding_principal as string,
    escalation: r.escalation ? (r.escalation as string).replace(/^COLLECTION_/, '') : null,
    assigneeId: (r.assignee_id as string | null) ?? null,
    assignedHow: (r.assigned_how as CaseRow['assignedHow']) ?? null,
    assignedAt: (r.assigned_at as Date | null)?.toISOString() ?? null,
    openedAt: (r.opened_at as Date).toISOString(),
    contacts: r.contacts as number,
    lastContact: r.outcome
      ? {
          outcome: r.outcome as ContactOutcome,
          channel: r.channel as ContactChannel,
          at: (r.contacted_at as Date).toISOString(),
        }
      : null,
    promise: r.promised_on ? { promisedOn: r.promised_on as string, amount: r.promised_amount as string } : null,
  }));
}

/** The loan follows its case: its collector (data scope, audited unmasking) and its open collection tasks. */
async function handLoanTo(tx: TransactionSql, loanId: string, userId: string): Promise<void> {
  await tx`update loans set collector_id = ${userId} where id = ${loanId}`;
  await tx`update tasks set assignee_id = ${userId}
           where loan_id = ${loanId} and role = 'COLLECTOR' and status = 'OPEN'`;
}

export type ClaimResult =
  { kind: 'CLAIMED'; loanId: string } | { kind: 'TAKEN' } | { kind: 'CLOSED' } | { kind: 'NONE' };

/** A collector takes an unassigned open case; of two claims at once, one wins and the other is TAKEN. */
export async function claimCase(tx: TransactionSql, caseId: string, userId: string): Promise<ClaimResult> {
  const [won] = await tx<{ loan_id: string }[]>`
    update collection_cases
    set assignee_id = ${userId}, assigned_how = 'CLAIM', assigned_by = ${userId}, assigned_at = now()
    where id = ${caseId} and closed_at is null and assignee_id is null
    returning loan_id`;
  if (won) {
    await handLoanTo(tx, won.loan_id, userId);
    return { kind: 'CLAIMED', loanId: won.loan_id };
  }
  const [row] = await tx<{ closed_at: Date | null }[]>`select closed_at from collection_cases where id = ${caseId}`;
  if (!row) return { kind: 'NONE' };
  return row.closed_at ? { kind: 'CLOSED' } : { kind: 'TAKEN' };
}

export type ReassignResult =
  | { kind: 'ASSIGNED'; loanId: string; from: string | null }
  | { kind: 'CLOSED' }
  | { kind: 'NONE' }
  | { kind: 'NOT_A_COLLECTOR' };

/** A supervisor gives an open case to an active collector, whoever held it. */
export async function reassignCase(
  tx: TransactionSql,
  caseId: string,
  to: string,
  by: string,
): Promise<ReassignResult> {
  const [collector] = await tx`select 1 from users where id = ${to} and role = 'COLLECTOR' and status = 'ACTIVE'`;
  if (!collector) return { kind: 'NOT_A_COLLECTOR' };
  const [old] = await tx<{ loan_id: string; assignee_id: string | null; closed_at: Date | null }[]>`
    select loan_id, assignee_id, closed_at from collection_cases where id = ${caseId} for update`;
  if (!old) return { kind: 'NONE' };
  if (old.closed_at) return { kind: 'CLOSED' };
  await tx`update collection_cases
           set assignee_id = ${to}, assigned_how = 'SUPERVISOR', assigned_by = ${by}, assigned_at = now()
           where id = ${caseId}`;
  await handLoanTo(tx, old.loan_id, to);
  return { kind: 'ASSIGNED', loanId: old.loan_id, from: old.assignee_id };
}

/** Active collectors with what they cover and how many open cases they hold. */
export async function collectorLoads(sql: Db): Promise<CollectorLoad[]> {
  const rows = await sql<{ id: string; buckets: string[] | null; provinces: string[] | null; open_cases: number }[]>`
    select u.id, cc.buckets, cc.provinces,
           (select count(*)::int from collection_cases c where c.assignee_id = u.id and c.closed_at is null) as open_cases
    from users u left join collection_collectors cc on cc.user_id = u.id
    where u.role = 'COLLECTOR' and u.status = 'ACTIVE'`;
  return rows.map((r) => ({
    userId: r.id,
    buckets: (r.buckets ?? []) as Bucket[],
    provinces: r.provinces ?? [],
    openCases: r.open_cases,
  }));
}

/**
 * Assigns every unassigned open case by the rule (most urgent first). One run at a time
 * (advisory lock); a case claimed meanwhile keeps its claimer.
 */
export async function assignByRule(
  tx: TransactionSql,
  by: string,
): Promise<Array<{ caseId: string; loanId: string; collectorId: string }>> {
  await tx`select pg_advisory_xact_lock(hashtext('collection_cases.assign_by_rule'))`;
  const waiting = await tx<{ id: string; loan_id: string; province: string | null; days_past_due: number }[]>`
    select c.id, c.loan_id, c.province, l.days_past_due
    from collection_cases c join loans l on l.id = c.loan_id
    where c.closed_at is null and c.assignee_id is null
    order by case c.priority when 'URGENT' then 0 when 'HIGH' then 1 else 2 end, l.days_past_due desc, c.opened_at`;
  const cases = waiting.map((w) => ({ ...w, bucket: bucketOf(w.days_past_due) }));
  const out: Array<{ caseId: string; loanId: string; collectorId: string }> = [];
  for (const { case: c, userId } of assignAll(cases, await collectorLoads(tx))) {
    const done = await tx`
      update collection_cases
      set assignee_id = ${userId}, assigned_how = 'RULE', assigned_by = ${by}, assigned_at = now()
      where id = ${c.id} and assignee_id is null and closed_at is null returning id`;
    if (done.length === 0) continue;
    await handLoanTo(tx, c.loan_id, userId);
    out.push({ caseId: c.id, loanId: c.loan_id, collectorId: userId });
  }
  return out;
}

/** What a collector works; false when the user is not an active collector. */
export async function setCoverage(
  tx: TransactionSql,
  userId: string,
  coverage: { buckets: readonly Bucket[]; provinces: readonly string[] },
  by: string,
): Promise<boolean> {
  const [collector] = await tx`select 1 from users where id = ${userId} and role = 'COLLECTOR' and status = 'ACTIVE'`;
  if (!collector) return false;
  await tx`
    insert into collection_collectors (user_id, buckets, provinces, updated_by, updated_at)
    values (${userId}, ${[...coverage.buckets]}, ${[...coverage.provinces]}, ${by}, now())
    on conflict (user_id) do update
      set buckets = excluded.buckets, provinces = excluded.provinces,
          updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
  return true;
}

export interface NewContact {
  caseId: string;
  collectorId: string;
  idempotencyKey: string;
  outcome: ContactOutcome;
  channel: ContactChannel;
  note: string;
  contactedAt: Date;
  contactedOn: LocalDate;
  promise: { promisedOn: LocalDate; amount: Money } | null;
}

export type ContactResult =
  | { kind: 'RECORDED'; contactId: string; loanId: string; repeated: boolean }
  | { kind: 'NOT_YOURS' }
  | { kind: 'CLOSED' }
  | { kind: 'NONE' };

/** Records a contact on the collector's own open case; the same idempotency key again answers the first. */
export async function recordContact(tx: TransactionSql, cipher: FieldCipher, c: NewContact): Promise<ContactResult> {
  const [kase] = await tx<{ loan_id: string; assignee_id: string | null; closed_at: Date | null }[]>`
    select loan_id, assignee_id, closed_at from collection_cases where id = ${c.caseId} for share`;
  if (!kase) return { kind: 'NONE' };
  const [earlier] = await tx<{ id: string }[]>`
    select id from collection_contacts
    where collector_id = ${c.collectorId} and idempotency_key = ${c.idempotencyKey} and case_id = ${c.caseId}`;
  if (earlier) return { kind: 'RECORDED', contactId: earlier.id, loanId: kase.loan_id, repeated: true };
  if (kase.assignee_id !== c.collectorId) return { kind: 'NOT_YOURS' };
  if (kase.closed_at) return { kind: 'CLOSED' };
  const [row] = await tx<{ id: string }[]>`
    insert into collection_contacts (case_id, loan_id, collector_id, idempotency_key, outcome, channel, note_enc,
      contacted_at, contacted_on, promised_on, promised_amount, promise_status)
    values (${c.caseId}, ${kase.loan_id}, ${c.collectorId}, ${c.idempotencyKey}, ${c.outcome}, ${c.channel},
      ${cipher.encrypt(c.note, COLLECTION_NOTE_CONTEXT)}, ${c.contactedAt}, ${c.contactedOn},
      ${c.promise?.promisedOn ?? null}, ${c.promise?.amount ?? null}, ${c.promise ? 'PENDING' : null})
    returning id`;
  return { kind: 'RECORDED', contactId: row!.id, loanId: kase.loan_id, repeated: false };
}

export interface ContactRow {
  contactId: string;
  collectorId: string;
  outcome: ContactOutcome;
  channel: ContactChannel;
  note: string;
  contactedAt: string;
  promise: { promisedOn: LocalDate; amount: Money; status: 'PENDING' | 'KEPT' | 'BROKEN' } | null;
}

/** A case's contacts, newest first, notes decrypted for the staff who may read the case. */
export async function caseContacts(sql: Sql, cipher: FieldCipher, caseId: string): Promise<ContactRow[]> {
  const rows = await sql<Array<Record<string, unknown>>>`
    select id, collector_id, outcome, channel, note_enc, contacted_at,
           promised_on::text as promised_on, promised_amount::text as promised_amount, promise_status
    from collection_contacts where case_id = ${caseId} order by contacted_at desc, id limit 500`;
  return rows.map((r) => ({
    contactId: r.id as string,
    collectorId: r.collector_id as string,
    outcome: r.outcome as ContactOutcome,
    channel: r.channel as ContactChannel,
    note: cipher.decrypt(r.note_enc as string, COLLECTION_NOTE_CONTEXT),
    contactedAt: (r.contacted_at as Date).toISOString(),
    promise: r.promised_on
      ? {
          promisedOn: r.promised_on as string,
          amount: r.promised_amount as string,
          status: r.promise_status as 'PENDING' | 'KEPT' | 'BROKEN',
        }
      : null,
  }));
}

/** The case's loan and holder, or null. */
export async function caseHolder(
  sql: Sql,
  caseId: string,
): Promise<{ loanId: string; assigneeId: string | null; closed: boolean } | null> {
  const [row] = await sql<{ loan_id: string; assignee_id: string | null; closed_at: Date | null }[]>`
    select loan_id, assignee_id, closed_at from collection_cases where id = ${caseId}`;
  return row ? { loanId: row.loan_id, assigneeId: row.assignee_id, closed: row.closed_at !== null } : null;
}

export interface CollectorFigures {
  collectorId: string;
  openCases: number;
  contacts: number;
  promisesMade: number;
  promisesKept: number;
  promisesBroken: number;
  recovered: Money;
}

/**
 * Per active collector: open cases now; contacts and promises made from `from` to `to` (business
 * dates, inclusive), with how those promises stand; and the repayments received in the period on
 * the cases they hold, from the moment each case became theirs (reversed payments excluded).
 */
export async function collectorFigures(sql: Sql, from: LocalDate, to: LocalDate): Promise<CollectorFigures[]> {
  const rows = await sql<Array<Record<string, unknown>>>`
    select u.id,
      (select count(*)::int from collection_cases c where c.assignee_id = u.id and c.closed_at is null) as open_cases,
      (select count(*)::int from collection_contacts k
         where k.collector_id = u.id and k.contacted_on between ${from} and ${to}) as contacts,
      (select count(*)::int from collection_contacts k where k.collector_id = u.id and k.outcome = 'PROMISE_TO_PAY'
         and k.contacted_on between ${from} and ${to}) as made,
      (select count(*)::int from collection_contacts k where k.collector_id = u.id and k.promise_status = 'KEPT'
         and k.contacted_on between ${from} and ${to}) as kept,
      (select count(*)::int from collection_contacts k where k.collector_id = u.id and k.promise_status = 'BROKEN'
         and k.contacted_on between ${from} and ${to}) as broken,
      (select coalesce(sum(r.amount), 0)::numeric(14, 2)::text from collection_cases c
         join repayments r on r.loan_id = c.loan_id and r.created_at >= c.assigned_at
         where c.assignee_id = u.id and r.received_on between ${from} and ${to}
           and not exists (select 1 from payment_reversals pr where pr.payment_id = r.payment_id and pr.status = 'APPROVED')
      ) as recovered
    from users u where u.role = 'COLLECTOR' and u.status = 'ACTIVE'
    order by u.username nulls last, u.id`;
  return rows.map((r) => ({
    collectorId: r.id as string,
    openCases: r.open_cases as number,
    contacts: r.contacts as number,
    promisesMade: r.made as number,
    promisesKept: r.kept as number,
    promisesBroken: r.broken as number,
    recovered: r.recovered as string,
  }));
}
