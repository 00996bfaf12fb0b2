// Borrowers' disputes (异议) about their credit report: raised on a loan, answered by a risk
// manager within 20 days (domain/credit-reporting/disputes.ts); an upheld dispute sends a
// correction of the loan's latest record the center accepted. Each dispute is a RISK_MANAGER task
// due on its deadline. The borrower's words and the finding's note are stored encrypted.
import { disputeDueOn, disputeOverdue, type DisputeFinding } from '../domain/credit-reporting/disputes.js';
import { instantOf } from '../domain/business-time.js';
import type { LocalDate } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import { CREDIT_DISPUTE_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { sendCorrection, type Actor, type CreditReportDeps } from './credit-reporting.js';

const TASK = 'CREDIT_DISPUTE';

export interface Dispute {
  disputeId: string;
  loanId: string;
  raisedOn: LocalDate;
  dueOn: LocalDate;
  status: 'OPEN' | 'RESOLVED';
  overdue: boolean;
  reason: string;
  finding: DisputeFinding | null;
  findingNote: string | null;
  resolvedAt: string | null;
  correctionRecordId: string | null;
}

interface DisputeRow {
  id: string;
  loan_id: string;
  raised_on: string;
  due_on: string;
  status: 'OPEN' | 'RESOLVED';
  reason_enc: string;
  finding: DisputeFinding | null;
  finding_note_enc: string | null;
  resolved_at: Date | null;
  correction_record_id: string | null;
}

function present(row: DisputeRow, cipher: FieldCipher, today: LocalDate): Dispute {
  return {
    disputeId: row.id,
    loanId: row.loan_id,
    raisedOn: row.raised_on,
    dueOn: row.due_on,
    status: row.status,
    overdue: disputeOverdue({ status: row.status, dueOn: row.due_on }, today),
    reason: cipher.decrypt(row.reason_enc, CREDIT_DISPUTE_CONTEXT),
    finding: row.finding,
    findingNote: row.finding_note_enc ? cipher.decrypt(row.finding_note_enc, CREDIT_DISPUTE_CONTEXT) : null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    correctionRecordId: row.correction_record_id,
  };
}

const COLUMNS = (sql: Sql) =>
  sql`id, loan_id, raised_on::text, due_on::text, status, reason_enc, finding, finding_note_enc, resolved_at, correction_record_id`;

export async function raiseDispute(
  sql: Sql,
  cipher: FieldCipher,
  input: { loanId: string; raisedBy: string; reason: string; today: LocalDate; timeZone: string },
): Promise<Dispute> {
  const dueOn = disputeDueOn(input.today);
  return sql.begin(async (tx) => {
    const [row] = await tx<DisputeRow[]>`
      insert into credit_disputes (loan_id, raised_by, raised_on, due_on, reason_enc)
      values (${input.loanId}, ${input.raisedBy}, ${input.today}, ${dueOn},
              ${cipher.encrypt(input.reason.trim(), CREDIT_DISPUTE_CONTEXT)})
      returning ${COLUMNS(tx as unknown as Sql)}`;
    await tx`
      insert into tasks (loan_id, kind, task_key, role, detail, due_at)
      values (${input.loanId}, ${TASK}, ${`${TASK}:${row!.id}`}, 'RISK_MANAGER',
              ${tx.json({ disputeId: row!.id, raisedOn: input.today, dueOn })},
              ${new Date(instantOf(dueOn, '23:59', input.timeZone))})`;
    return present(row!, cipher, input.today);
  });
}

export async function listDisputes(
  sql: Sql,
  cipher: FieldCipher,
  options: { today: LocalDate; status?: 'OPEN' | 'RESOLVED'; overdue?: boolean; loanId?: string; limit: number },
): Promise<Dispute[]> {
  const rows = await sql<DisputeRow[]>`
    select ${COLUMNS(sql)} from credit_disputes
    where true
      ${options.status ? sql`and status = ${options.status}` : sql``}
      ${options.overdue ? sql`and status = 'OPEN' and due_on < ${options.today}` : sql``}
      ${options.loanId ? sql`and loan_id = ${options.loanId}` : sql``}
    order by due_on, created_at limit ${options.limit}`;
  return rows.map((r) => present(r, cipher, options.today));
}

export async function disputeById(
  sql: Sql,
  cipher: FieldCipher,
  id: string,
  today: LocalDate,
): Promise<Dispute | null> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  const [row] = await sql<DisputeRow[]>`select ${COLUMNS(sql)} from credit_disputes where id = ${id}`;
  return row ? present(row, cipher, today) : null;
}

export type FindingResult =
  | { kind: 'RESOLVED'; dispute: Dispute }
  | { kind: 'NOT_FOUND' }
  | { kind: 'ALREADY_RESOLVED'; dispute: Dispute }
  | { kind: 'NOTHING_REPORTED' };

/**
 * Records the risk manager's finding. An upheld dispute sends a correction of the loan's latest
 * accepted record (rebuilt from the loan's data now) before the dispute is closed.
 */
export async function recordFinding(
  deps: CreditReportDeps,
  input: {
    disputeId: string;
    finding: DisputeFinding;
    note: string;
    actor: Actor & { userId: string };
    today: LocalDate;
  },
): Promise<FindingResult> {
  const { sql, cipher } = deps;
  const dispute = await disputeById(sql, cipher, input.disputeId, input.today);
  if (!dispute) return { kind: 'NOT_FOUND' };
  if (dispute.status === 'RESOLVED') return { kind: 'ALREADY_RESOLVED', dispute };
  // Claim the dispute first, so two findings sent at once send at most one correction.
  const [claimed] = await sql`
    update credit_disputes set finding = ${input.finding}
    where id = ${input.disputeId} and status = 'OPEN' and finding is null returning id`;
  if (!claimed) {
    const again = await disputeById(sql, cipher, input.disputeId, input.today);
    return { kind: 'ALREADY_RESOLVED', dispute: again! };
  }
  let correctionRecordId: string | null = null;
  try {
    if (input.finding === 'UPHELD') {
      const [latest] = await sql<{ id: string }[]>`
        select id from credit_report_records where loan_id = ${dispute.loanId} and status = 'ACCEPTED'
        order by report_date desc, created_at desc limit 1`;
      if (!latest) {
        await sql`update credit_disputes set finding = null where id = ${input.disputeId} and status = 'OPEN'`;
        return { kind: 'NOTHING_REPORTED' };
      }
      correctionRecordId = (await sendCorrection(deps, latest.id, 'CORRECTION', input.actor)).recordId;
    }
  } catch (err) {
    await sql`update credit_disputes set finding = null where id = ${input.disputeId} and status = 'OPEN'`;
    throw err;
  }
  const [row] = await sql<DisputeRow[]>`
    update credit_disputes
    set status = 'RESOLVED', finding = ${input.finding},
        finding_note_enc = ${cipher.encrypt(input.note.trim(), CREDIT_DISPUTE_CONTEXT)},
        resolved_by = ${input.actor.userId}, resolved_at = now(), correction_record_id = ${correctionRecordId}
    where id = ${input.disputeId} and status = 'OPEN'
    returning ${COLUMNS(sql)}`;
  if (!row) {
    const again = await disputeById(sql, cipher, input.disputeId, input.today);
    return { kind: 'ALREADY_RESOLVED', dispute: again! };
  }
  await sql`
    update tasks set status = 'DONE', closed_at = now(), closed_by = ${input.actor.userId}
    where task_key = ${`${TASK}:${input.disputeId}`} and status = 'OPEN'`;
  return { kind: 'RESOLVED', dispute: present(row, cipher, input.today) };
}
