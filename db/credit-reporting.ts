// The daily credit report (征信报送) and its corrections. A day's run builds one record per
// reportable loan, validates each, writes the dated submission file (sealed: it holds names and ID
// numbers) with its sha256 in the database, stores the records encrypted, sends them to the
// center and keeps its answer per record; a rejected record (by our checks or the center's) opens
// a RISK_MANAGER task. The day's submission id is "daily:<date>", unique, so running the same day
// again, twice at once, or after a crash between storing and sending, sends one submission.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountStateOn, reportableOn } from '../domain/credit-reporting/account-state.js';
import {
  buildRecord,
  recordIdFor,
  submissionLines,
  type LendingAccountRecord,
  type RecordType,
} from '../domain/credit-reporting/record.js';
import { validateRecord } from '../domain/credit-reporting/record-validation.js';
import { maskIdNumber, maskName } from '../domain/masking.js';
import type { LocalDate } from '../domain/types.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import type { CreditReportingClient } from '../partners/credit-reporting-client.js';
import { recordAudit } from '../security/audit.js';
import { CREDIT_REPORT_FILE_CONTEXT, CREDIT_REPORT_RECORD_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { reportedAccounts } from './credit-report-accounts.js';

export interface CreditReportDeps {
  sql: Sql;
  cipher: FieldCipher;
  client: CreditReportingClient;
  /** Submission files go to `<dataDir>/credit-reporting/`. */
  dataDir: string;
  timeZone: string;
}

export interface Actor {
  id: string;
  role: string;
}

export interface SubmissionSummary {
  submissionId: string;
  reportDate: LocalDate;
  kind: 'DAILY' | 'CORRECTION' | 'DELETION';
  fileName: string;
  sha256: string;
  recordCount: number;
  status: 'BUILT' | 'SUBMITTED';
  receiptId: string | null;
  accepted: number;
  rejected: number;
}

type Reason = { code: string; message: string };
const FIX_TASK = 'CREDIT_REPORT_FIX';

/** The record as staff may read it: name and ID number masked. */
export function maskedRecord(record: LendingAccountRecord): LendingAccountRecord {
  return {
    ...record,
    basics: { ...record.basics, name: maskName(record.basics.name), idNumber: maskIdNumber(record.basics.idNumber) },
  };
}

/** Writes the sealed file next to the others; a rerun of the same content leaves the same file. */
function writeSubmissionFile(deps: CreditReportDeps, fileName: string, text: string): string {
  const dir = join(deps.dataDir, 'credit-reporting');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sealed = deps.cipher.seal(Buffer.from(text, 'utf8'), CREDIT_REPORT_FILE_CONTEXT);
  const path = join(dir, fileName);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${sealed.keyId}\n${sealed.bytes.toString('base64')}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function openFixTask(tx: TransactionSql | Sql, record: LendingAccountRecord, reasons: Reason[]): Promise<void> {
  await tx`
    insert into tasks (loan_id, kind, task_key, role, detail)
    values (${record.basics.accountId}, ${FIX_TASK}, ${`${FIX_TASK}:${record.recordId}`}, 'RISK_MANAGER',
            ${tx.json({ recordId: record.recordId, reportDate: record.reportDate, reasons })})
    on conflict (loan_id, task_key) do nothing`;
}

async function storeRecords(
  tx: TransactionSql,
  deps: CreditReportDeps,
  submissionId: string,
  records: ReadonlyArray<{ record: LendingAccountRecord; reasons: Reason[] }>,
): Promise<void> {
  for (const { record, reasons } of records) {
    const rejected = reasons.length > 0;
    await tx`
      insert into credit_report_records (id, submission_id, loan_id, report_date, record_type, corrects_record_id,
                                         account_status, body_enc, masked, status, rejection_reasons, answered_at)
      values (${record.recordId}, ${submissionId}, ${record.basics.accountId}, ${record.reportDate}, ${record.recordType},
              ${record.correctsRecordId}, ${record.performance.accountStatus},
              ${deps.cipher.encrypt(JSON.stringify(record), CREDIT_REPORT_RECORD_CONTEXT)},
              ${tx.json(maskedRecord(record) as never)}, ${rejected ? 'REJECTED' : 'BUILT'},
              ${rejected ? tx.json(reasons) : null}, ${rejected ? new Date() : null})`;
    if (rejected) await openFixTask(tx, record, reasons);
  }
}

/**
 * Sends the submission's records still waiting for an answer and stores the answer per record;
 * false when the center had answered it before.
 */
async function send(deps: CreditReportDeps, submissionId: string): Promise<boolean> {
  const { sql, cipher } = deps;
  const [sub] = await sql<{ report_date: string; status: string }[]>`
    select report_date::text, status from credit_report_submissions where id = ${submissionId}`;
  if (!sub || sub.status === 'SUBMITTED') return false;
  // Every record that passed our checks, in id order: a retry sends the very same body.
  const rows = await sql<{ id: string; body_enc: string }[]>`
    select id, body_enc from credit_report_records
    where submission_id = ${submissionId} and status = 'BUILT'
    order by id`;
  const records = rows.map(
    (r) => JSON.parse(cipher.decrypt(r.body_enc, CREDIT_REPORT_RECORD_CONTEXT)) as LendingAccountRecord,
  );
  const answer = await deps.client.submit({ submissionId, reportDate: sub.report_date, records });
  const byId = new Map(records.map((r) => [r.recordId, r]));
  // The first to store the answer stores it; a run that raced it (the same answer) stores nothing.
  return sql.begin(async (tx) => {
    const [mine] = await tx`
      update credit_report_submissions set status = 'SUBMITTED', receipt_id = ${answer.receiptId}, submitted_at = now()
      where id = ${submissionId} and status = 'BUILT' returning id`;
    if (!mine) return false;
    for (const result of answer.results) {
      const record = byId.get(result.recordId);
      if (!record) continue;
      const reasons = result.reasons.map((r) => ({ ...r, source: 'CENTER' }));
      await tx`
        update credit_report_records
        set status = ${result.status}, rejection_reasons = ${result.status === 'REJECTED' ? tx.json(reasons) : null},
            answered_at = now()
        where id = ${result.recordId}`;
      if (result.status === 'REJECTED') await openFixTask(tx, record, reasons);
      else if (record.correctsRecordId)
        await tx`
          update tasks set status = 'DONE', closed_at = now()
          where task_key = ${`${FIX_TASK}:${record.correctsRecordId}`} and status = 'OPEN'`;
    }
    return true;
  });
}

export async function submissionSummary(sql: Sql, submissionId: string): Promise<SubmissionSummary | null> {
  const [row] = await sql<
    {
      id: string;
      report_date: string;
      kind: SubmissionSummary['kind'];
      file_name: string;
      sha256: string;
      record_count: number;
      status: SubmissionSummary['status'];
      receipt_id: string | null;
      accepted: number;
      rejected: number;
    }[]
  >`
    select s.id, s.report_date::text, s.kind, s.file_name, s.sha256, s.record_count, s.status, s.receipt_id,
           (select count(*)::int from credit_report_records r where r.submission_id = s.id and r.status = 'ACCEPTED') as accepted,
           (select count(*)::int from credit_report_records r where r.submission_id = s.id and r.status = 'REJECTED') as rejected
    from credit_report_submissions s where s.id = ${submissionId}`;
  if (!row) return null;
  return {
    submissionId: row.id,
    reportDate: row.report_date,
    kind: row.kind,
    fileName: row.file_name,
    sha256: row.sha256,
    recordCount: row.record_count,
    status: row.status,
    receiptId: row.receipt_id,
    accepted: row.accepted,
    rejected: row.rejected,
  };
}

/**
 * The day's report: built once (an advisory lock and the unique submission id), then sent until the
 * center has answered. Returns the stored submission; `replayed` when the day was built before.
 */
export async function runDailyCreditReport(
  deps: CreditReportDeps,
  date: LocalDate,
  actor: Actor,
): Promise<SubmissionSummary & { replayed: boolean }> {
  const submissionId = `daily:${date}`;
  const fileName = `${date}.jsonl.sealed`;
  const built = await deps.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`credit-report:${submissionId}`}))`;
    const [seen] = await tx<{ id: string }[]>`select id from credit_report_submissions where id = ${submissionId}`;
    if (seen) return false;
    const accounts = await reportedAccounts(deps.sql, deps.cipher, { date, timeZone: deps.timeZone });
    const records = accounts
      .filter((a) => reportableOn(a.history, date))
      .map((a) => {
        const record = buildRecord(a.identity, accountStateOn(a.history, date));
        const problems = validateRecord(record);
        return {
          record,
          reasons: problems.map((p) => ({
            code: p.code,
            message: `${p.field}: ${p.message.en}`,
            source: 'VALIDATION',
          })),
        };
      });
    const valid = records.filter((r) => r.reasons.length === 0).map((r) => r.record);
    valid.sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
    const sha256 = writeSubmissionFile(deps, fileName, submissionLines(valid));
    await tx`
      insert into credit_report_submissions (id, report_date, kind, file_name, sha256, record_count, created_by)
      values (${submissionId}, ${date}, 'DAILY', ${fileName}, ${sha256}, ${valid.length}, ${actor.id})`;
    await storeRecords(tx, deps, submissionId, records);
    await recordAudit(tx, {
      action: 'CREDIT_REPORT_BUILT',
      result: 'SUCCESS',
      actorId: actor.role === 'SYSTEM' ? null : actor.id,
      actorRole: actor.role,
      resourceType: 'credit_report_submission',
      resourceId: submissionId,
      detail: { reportDate: date, records: records.length, valid: valid.length, sha256 },
    });
    return true;
  });
  const sent = await send(deps, submissionId);
  const summary = (await submissionSummary(deps.sql, submissionId))!;
  if (sent)
    await recordAudit(deps.sql, {
      action: 'CREDIT_REPORT_SUBMITTED',
      result: 'SUCCESS',
      actorId: actor.role === 'SYSTEM' ? null : actor.id,
      actorRole: actor.role,
      resourceType: 'credit_report_submission',
      resourceId: submissionId,
      detail: {
        reportDate: date,
        receiptId: summary.receiptId,
        accepted: summary.accepted,
        rejected: summary.rejected,
      },
    });
  return { ...summary, replayed: !built };
}

export class CreditRecordNotFound extends Error {}

/**
 * Sends a correction (更正: the record rebuilt from the loan's data now) or a deletion (删除) of a
 * record held for a loan and date. Each is a submission of its own, id "<kind>:<recordId>";
 * the record it replaces is named in it. Returns the new record's submission.
 */
export async function sendCorrection(
  deps: CreditReportDeps,
  recordId: string,
  type: Exclude<RecordType, 'NEW'>,
  actor: Actor,
): Promise<SubmissionSummary & { recordId: string; recordStatus: string; reasons: Reason[] }> {
  const { sql, cipher } = deps;
  const [original] = await sql<{ loan_id: string; report_date: string; body_enc: string }[]>`
    select loan_id, report_date::text, body_enc from credit_report_records where id = ${recordId}`;
  if (!original) throw new CreditRecordNotFound(recordId);
  const previous = JSON.parse(cipher.decrypt(original.body_enc, CREDIT_REPORT_RECORD_CONTEXT)) as LendingAccountRecord;
  // What the center has of the day: the latest record it accepted; a correction may also replace
  // one it rejected (a late record is sent again as a correction). Else the record given.
  const [held] = await sql<{ id: string }[]>`
    select id from credit_report_records
    where loan_id = ${original.loan_id} and report_date = ${original.report_date}
      and (status = 'ACCEPTED' or (${type} = 'CORRECTION' and id = ${recordId}))
    order by (status = 'ACCEPTED') desc, created_at desc limit 1`;
  const [count] = await sql<{ n: number }[]>`
    select count(*)::int as n from credit_report_records
    where loan_id = ${original.loan_id} and report_date = ${original.report_date} and record_type = ${type}`;
  const newId = recordIdFor(original.loan_id, original.report_date, type, (count?.n ?? 0) + 1);
  const corrects = held?.id ?? recordId;
  let record: LendingAccountRecord;
  if (type === 'DELETION') {
    record = { ...previous, recordId: newId, recordType: 'DELETION', correctsRecordId: corrects };
  } else {
    const [account] = await reportedAccounts(sql, cipher, {
      date: original.report_date,
      timeZone: deps.timeZone,
      loanIds: [original.loan_id],
    });
    if (!account) throw new CreditRecordNotFound(recordId);
    record = buildRecord(account.identity, accountStateOn(account.history, original.report_date), {
      recordType: 'CORRECTION',
      correctsRecordId: corrects,
      recordId: newId,
    });
  }
  const submissionId = `${type}:${newId}`;
  const fileName = `${original.report_date}.${type.toLowerCase()}.${newId.replace(/[^A-Za-z0-9-]/g, '_')}.jsonl.sealed`;
  const problems = validateRecord(record);
  await sql.begin(async (tx) => {
    const valid = problems.length === 0 ? [record] : [];
    const sha256 = writeSubmissionFile(deps, fileName, submissionLines(valid));
    await tx`
      insert into credit_report_submissions (id, report_date, kind, file_name, sha256, record_count, created_by)
      values (${submissionId}, ${original.report_date}, ${type}, ${fileName}, ${sha256}, ${valid.length}, ${actor.id})`;
    await storeRecords(tx, deps, submissionId, [
      {
        record,
        reasons: problems.map((p) => ({ code: p.code, message: `${p.field}: ${p.message.en}`, source: 'VALIDATION' })),
      },
    ]);
    await recordAudit(tx, {
      action: type === 'CORRECTION' ? 'CREDIT_REPORT_CORRECTED' : 'CREDIT_REPORT_DELETED',
      result: 'SUCCESS',
      actorId: actor.role === 'SYSTEM' ? null : actor.id,
      actorRole: actor.role,
      resourceType: 'credit_report_record',
      resourceId: newId,
      loanId: original.loan_id,
      detail: { reportDate: original.report_date, corrects, sha256 },
    });
  });
  await send(deps, submissionId);
  const summary = (await submissionSummary(sql, submissionId))!;
  const [stored] = await sql<{ status: string; rejection_reasons: Reason[] | null }[]>`
    select status, rejection_reasons from credit_report_records where id = ${newId}`;
  return {
    ...summary,
    recordId: newId,
    recordStatus: stored!.status,
    reasons: (stored!.rejection_reasons ?? []).map(({ code, message }) => ({ code, message })),
  };
}

export interface StoredRecord {
  recordId: string;
  submissionId: string;
  loanId: string;
  reportDate: LocalDate;
  recordType: RecordType;
  correctsRecordId: string | null;
  status: 'BUILT' | 'ACCEPTED' | 'REJECTED';
  reasons: Reason[];
  record: LendingAccountRecord;
}

/** A day's records, masked, by loan then record id. */
export async function recordsOf(sql: Sql, date: LocalDate, loanId?: string): Promise<StoredRecord[]> {
  const rows = await sql<
    {
      id: string;
      submission_id: string;
      loan_id: string;
      report_date: string;
      record_type: RecordType;
      corrects_record_id: string | null;
      status: StoredRecord['status'];
      rejection_reasons: Reason[] | null;
      masked: LendingAccountRecord;
    }[]
  >`
    select id, submission_id, loan_id, report_date::text, record_type, corrects_record_id, status, rejection_reasons, masked
    from credit_report_records where report_date = ${date} ${loanId ? sql`and loan_id = ${loanId}` : sql``}
    order by loan_id, created_at, id`;
  return rows.map((r) => ({
    recordId: r.id,
    submissionId: r.submission_id,
    loanId: r.loan_id,
    reportDate: r.report_date,
    recordType: r.record_type,
    correctsRecordId: r.corrects_record_id,
    status: r.status,
    reasons: (r.rejection_reasons ?? []).map(({ code, message }) => ({ code, message })),
    record: r.masked,
  }));
}
