// Classification overrides (五级分类调整, maker-checker): a risk manager proposes a class for a
// paid-out loan with a reason; a second risk manager approves or rejects it. Approval is one
// transaction: the loan row is locked, the proposal is claimed by a conditional UPDATE (exactly one
// of two checkers at once wins), the loan's provision moves to the new effective class, and the
// timeline gets CLASSIFICATION_OVERRIDDEN (detail from, to). The loan's workflow is not involved:
// the computed class stays in loans.classification, and readers take effective_classification().
import { effectiveClass, type OverrideTarget } from '../domain/classification.js';
import { assertValidEntry } from '../domain/ledger.js';
import { toMoney } from '../domain/money.js';
import { provisionEntry, provisionMove } from '../domain/provisions.js';
import type { LoanClass, LocalDate } from '../domain/types.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import { provisionRates } from './ledger-books.js';

export type OverrideStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface ClassificationOverride {
  overrideId: string;
  loanId: string;
  toClass: OverrideTarget;
  reason: string;
  status: OverrideStatus;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectReason: string | null;
}

interface Row {
  id: string;
  loan_id: string;
  to_class: OverrideTarget;
  reason: string;
  status: OverrideStatus;
  proposed_by: string;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  reject_reason: string | null;
}

const COLUMNS =
  'id, loan_id, to_class, reason, status, proposed_by, proposed_at, decided_by, decided_at, reject_reason';

const recordOf = (r: Row): ClassificationOverride => ({
  overrideId: r.id,
  loanId: r.loan_id,
  toClass: r.to_class,
  reason: r.reason,
  status: r.status,
  proposedBy: r.proposed_by,
  proposedAt: r.proposed_at.toISOString(),
  decidedBy: r.decided_by,
  decidedAt: r.decided_at?.toISOString() ?? null,
  rejectReason: r.reject_reason,
});

/** Loan statuses whose class can be overridden: paid out and still serviced. */
const SERVICED = ['ACTIVE', 'OVERDUE', 'NEEDS_ATTENTION'];

export type ProposeOutcome =
  | { kind: 'PROPOSED'; override: ClassificationOverride }
  | { kind: 'NOT_SERVICED'; status: string }
  | { kind: 'PENDING_EXISTS'; overrideId: string };

export async function proposeOverride(
  sql: Sql,
  p: { loanId: string; toClass: OverrideTarget; reason: string; proposedBy: string },
): Promise<ProposeOutcome> {
  return sql.begin(async (tx) => {
    const [loan] = await tx<{ status: string; paid_out: boolean }[]>`
      select status, disbursed_at is not null as paid_out from loans where id = ${p.loanId} for update`;
    if (!loan || !loan.paid_out || !SERVICED.includes(loan.status))
      return { kind: 'NOT_SERVICED' as const, status: loan?.status ?? 'UNKNOWN' };
    const [pending] = await tx<{ id: string }[]>`
      select id from classification_overrides where loan_id = ${p.loanId} and status = 'PENDING'`;
    if (pending) return { kind: 'PENDING_EXISTS' as const, overrideId: pending.id };
    const [row] = await tx<Row[]>`
      insert into classification_overrides (loan_id, to_class, reason, proposed_by)
      values (${p.loanId}, ${p.toClass}, ${p.reason}, ${p.proposedBy})
      returning ${tx.unsafe(COLUMNS)}`;
    return { kind: 'PROPOSED' as const, override: recordOf(row!) };
  });
}

export async function findOverride(sql: Sql, overrideId: string): Promise<ClassificationOverride | null> {
  const [row] = await sql<Row[]>`
    select ${sql.unsafe(COLUMNS)} from classification_overrides where id = ${overrideId}`;
  return row ? recordOf(row) : null;
}

/** A loan's overrides, newest first. */
export async function overridesOf(sql: Sql, loanId: string): Promise<ClassificationOverride[]> {
  const rows = await sql<Row[]>`
    select ${sql.unsafe(COLUMNS)} from classification_overrides where loan_id = ${loanId}
    order by proposed_at desc, id desc`;
  return rows.map(recordOf);
}

/** The class that holds for a loan whose computed class is `computed` (effective_classification). */
export async function effectiveClassOf(sql: Sql | TransactionSql, loanId: string, computed: LoanClass) {
  const [row] = await sql<{ c: LoanClass }[]>`select effective_classification(${loanId}, ${computed}) as c`;
  return row!.c;
}

export type DecideOutcome =
  | { kind: 'DECIDED'; override: ClassificationOverride; from?: LoanClass; to?: LoanClass }
  | { kind: 'NOT_FOUND' }
  | { kind: 'OWN_PROPOSAL'; override: ClassificationOverride }
  | { kind: 'ALREADY_DECIDED'; override: ClassificationOverride }
  | { kind: 'NOT_SERVICED'; override: ClassificationOverride; status: string };

/** Approves a pending override by a checker other than the proposer. */
export async function approveOverride(
  sql: Sql,
  p: { overrideId: string; checker: string; checkerRole: string; on: LocalDate },
): Promise<DecideOutcome> {
  const found = await findOverride(sql, p.overrideId);
  if (!found) return { kind: 'NOT_FOUND' };
  if (found.proposedBy === p.checker) return { kind: 'OWN_PROPOSAL', override: found };
  return sql.begin(async (tx) => {
    const [loan] = await tx<{ status: string; classification: LoanClass; outstanding_principal: string }[]>`
      select status, classification, outstanding_principal::text from loans where id = ${found.loanId} for update`;
    const [current] = await tx<Row[]>`
      select ${tx.unsafe(COLUMNS)} from classification_overrides where id = ${p.overrideId}`;
    if (current!.status !== 'PENDING') return { kind: 'ALREADY_DECIDED' as const, override: recordOf(current!) };
    if (!SERVICED.includes(loan!.status))
      return { kind: 'NOT_SERVICED' as const, override: recordOf(current!), status: loan!.status };
    const from = await effectiveClassOf(tx, found.loanId, loan!.classification);
    const [claimed] = await tx<Row[]>`
      update classification_overrides set status = 'APPROVED', decided_by = ${p.checker}, decided_at = clock_timestamp()
      where id = ${p.overrideId} and status = 'PENDING' and proposed_by <> ${p.checker}
      returning ${tx.unsafe(COLUMNS)}`;
    if (!claimed) return { kind: 'ALREADY_DECIDED' as const, override: recordOf(current!) };
    const to = effectiveClass(loan!.classification, claimed.to_class);
    await moveProvisionTo(tx, {
      loanId: found.loanId,
      previousClass: from,
      classification: to,
      outstandingPrincipal: loan!.outstanding_principal,
      on: p.on,
    });
    await tx`
      insert into loan_events (loan_id, event_key, kind, actor, detail)
      values (${found.loanId}, ${`classification-override:${claimed.id}`}, 'CLASSIFICATION_OVERRIDDEN',
              ${`${p.checkerRole}:${p.checker}`},
              ${tx.json({
                from,
                to,
                requested: claimed.to_class,
                computed: loan!.classification,
                overrideId: claimed.id,
                text: {
                  zh: `五级分类调整：${from} → ${to}`,
                  en: `Classification overridden: ${from} → ${to}`,
                },
                actor: { userId: p.checker, role: p.checkerRole },
              })})`;
    return { kind: 'DECIDED' as const, override: recordOf(claimed), from, to };
  });
}

/** Rejects a pending override, with a reason, by a checker other than the proposer. */
export async function rejectOverride(
  sql: Sql,
  p: { overrideId: string; checker: string; reason: string },
): Promise<DecideOutcome> {
  const found = await findOverride(sql, p.overrideId);
  if (!found) return { kind: 'NOT_FOUND' };
  if (found.proposedBy === p.checker) return { kind: 'OWN_PROPOSAL', override: found };
  const [claimed] = await sql<Row[]>`
    update classification_overrides
    set status = 'REJECTED', decided_by = ${p.checker}, decided_at = clock_timestamp(), reject_reason = ${p.reason}
    where id = ${p.overrideId} and status = 'PENDING' and proposed_by <> ${p.checker}
    returning ${sql.unsafe(COLUMNS)}`;
  if (!claimed) return { kind: 'ALREADY_DECIDED', override: (await findOverride(sql, p.overrideId))! };
  return { kind: 'DECIDED', override: recordOf(claimed) };
}

/**
 * Moves the loan's provision to its new effective class's rate (domain/provisions.ts), as the
 * servicing write does, under the next key loan:<id>:provision:<n>. The caller holds the loan row.
 */
async function moveProvisionTo(
  tx: TransactionSql,
  p: {
    loanId: string;
    previousClass: LoanClass;
    classification: LoanClass;
    outstandingPrincipal: string;
    on: LocalDate;
  },
): Promise<void> {
  const [held] = await tx<{ balance: string; moves: number }[]>`
    select coalesce(sum(l.credit - l.debit), 0)::text as balance,
           (select count(*)::int from journal_entries where loan_id = ${p.loanId} and kind = 'PROVISION') as moves
    from journal_lines l where l.loan_id = ${p.loanId} and l.account = 'LOAN_LOSS_RESERVE'`;
  const delta = provisionMove({
    held: toMoney(held!.balance),
    previousClass: p.previousClass,
    classification: p.classification,
    outstandingPrincipal: toMoney(p.outstandingPrincipal),
    rates: await provisionRates(tx),
  });
  if (delta === null) return;
  const entry = provisionEntry({
    loanId: p.loanId,
    sequence: held!.moves + 1,
    on: p.on,
    delta,
    classification: p.classification,
  });
  assertValidEntry(entry);
  const [posted] = await tx<{ id: string }[]>`
    insert into journal_entries (business_key, loan_id, kind, effective_on, external_ref, reverses_key, memo)
    values (${entry.businessKey}, ${entry.loanId}, ${entry.kind}, ${entry.effectiveOn}, ${entry.externalRef},
            ${entry.reversesKey}, ${entry.memo})
    returning id`;
  for (const [i, line] of entry.lines.entries())
    await tx`
      insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit)
      values (${posted!.id}, ${i + 1}, ${line.account}, ${entry.loanId}, ${line.debit}, ${line.credit})`;
}
