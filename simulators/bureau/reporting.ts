// The credit reference center's reporting interface (征信报送接口): takes a submission of
// lending-account records and answers each with a receipt (ACCEPTED) or a rejection with its
// reasons. Its own rules, checked per record in order:
// - the layout: every field present and well formed, the ID number's check character right;
// - a NEW record for an account must not be older than a NEW record already held for it (a late
//   record is sent as a correction);
// - a CORRECTION (更正) names a record of the same account and date the center holds or rejected;
//   a DELETION (删除), one it holds.
// A submission id answered before is answered the same again; with another body it is a 409.
import { z } from 'zod';
import type { Sql, TransactionSql } from '../../lib/db-client.js';
import { newId, requestHash, sha256Hex } from '../hashing.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const amount = z.string().regex(/^\d{1,11}\.\d{2}$/, 'must be an amount in cents');

const recordSchema = z.object({
  recordId: z.string().min(1).max(120),
  recordType: z.enum(['NEW', 'CORRECTION', 'DELETION']),
  correctsRecordId: z.string().max(120).nullable(),
  reportDate: date,
  basics: z.object({
    accountId: z.string().min(1).max(60),
    accountType: z.literal('D1'),
    openDate: date,
    currency: z.literal('CNY'),
    amount,
    installmentCount: z.number().int().min(1).max(600),
    maturityDate: date,
    frequencyCode: z.string().regex(/^\d{2}$/),
    idType: z.literal('10'),
    idNumber: z.string().regex(/^\d{17}[\dX]$/, 'must be an 18-character resident ID number'),
    name: z.string().trim().min(1).max(30),
  }),
  performance: z.object({
    balance: amount,
    fiveLevelCode: z.enum(['1', '2', '3', '4', '5']),
    statusCode: z.enum(['N', '1', '2', '3', '4', '5', '6', '7', 'C', 'B', '*']),
    overdueAmount: amount,
    overdueDays: z.number().int().min(0),
    overduePeriods: z.number().int().min(0),
    lastPaymentDate: date.nullable(),
    lastPaymentAmount: amount.nullable(),
    accountStatusCode: z.enum(['1', '2', '3', '4']),
  }),
});
type ReportRecord = z.infer<typeof recordSchema>;

export const submissionSchema = z.object({
  submissionId: z.string().min(1).max(160),
  reportDate: date,
  records: z.array(z.unknown()).max(50_000),
});
export type Submission = z.infer<typeof submissionSchema>;

export interface RecordAnswer {
  recordId: string;
  status: 'ACCEPTED' | 'REJECTED';
  reasons: Array<{ code: string; message: string }>;
}
export interface SubmissionAnswer {
  submissionId: string;
  receiptId: string;
  results: RecordAnswer[];
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
function idChecks(id: string): boolean {
  let s = 0;
  for (let i = 0; i < 17; i += 1) s += Number(id[i]) * WEIGHTS[i]!;
  return CHECK[s % 11] === id[17];
}

const rejected = (recordId: string, code: string, message: string): RecordAnswer => ({
  recordId,
  status: 'REJECTED',
  reasons: [{ code, message }],
});

async function keep(tx: TransactionSql, submissionId: string, r: ReportRecord, status: string): Promise<void> {
  await tx`
    insert into bureau_report_records (record_id, submission_id, account_id, report_date, record_type, corrects, id_number_hash, status)
    values (${r.recordId}, ${submissionId}, ${r.basics.accountId}, ${r.reportDate}, ${r.recordType},
            ${r.correctsRecordId}, ${sha256Hex(r.basics.idNumber)}, ${status})
    on conflict (record_id) do update set submission_id = excluded.submission_id, status = excluded.status,
      received_at = clock_timestamp()`;
}

async function judge(tx: TransactionSql, r: ReportRecord): Promise<RecordAnswer> {
  if (!idChecks(r.basics.idNumber))
    return rejected(r.recordId, 'ID_CHECKSUM', 'basics.idNumber: the check character does not match');
  if (r.recordType === 'NEW') {
    const [rule] = await tx<{ code: string; message: string }[]>`
      delete from bureau_report_rejection_rules where account_id = ${r.basics.accountId} returning code, message`;
    if (rule) return rejected(r.recordId, rule.code, rule.message);
    const [later] = await tx<{ report_date: string }[]>`
      select report_date::text from bureau_report_records
      where account_id = ${r.basics.accountId} and record_type = 'NEW' and status <> 'REJECTED'
        and report_date > ${r.reportDate}
      order by report_date desc limit 1`;
    if (later)
      return rejected(
        r.recordId,
        'OUT_OF_ORDER',
        `a record of ${later.report_date} is held for this account; send one for ${r.reportDate} as a correction`,
      );
    return { recordId: r.recordId, status: 'ACCEPTED', reasons: [] };
  }
  // A correction replaces a record held or rejected for the account and date; a deletion, a record held.
  const [target] = await tx<{ status: string }[]>`
    select status from bureau_report_records
    where record_id = ${r.correctsRecordId ?? ''} and account_id = ${r.basics.accountId} and report_date = ${r.reportDate}`;
  const allowed = r.recordType === 'CORRECTION' ? ['HELD', 'REJECTED'] : ['HELD'];
  if (!target || !allowed.includes(target.status))
    return rejected(r.recordId, 'UNKNOWN_RECORD', 'correctsRecordId: no such record for this account and date');
  await tx`
    update bureau_report_records set status = ${r.recordType === 'DELETION' ? 'DELETED' : 'CORRECTED'}
    where record_id = ${r.correctsRecordId!}`;
  return { recordId: r.recordId, status: 'ACCEPTED', reasons: [] };
}

async function answerRecord(tx: TransactionSql, submissionId: string, raw: unknown): Promise<RecordAnswer> {
  const recordId =
    typeof raw === 'object' && raw !== null && typeof (raw as { recordId?: unknown }).recordId === 'string'
      ? (raw as { recordId: string }).recordId
      : '';
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return rejected(recordId, 'FIELD_INVALID', `${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`);
  }
  const r: ReportRecord = parsed.data;
  const [seen] = await tx<
    { status: string }[]
  >`select status from bureau_report_records where record_id = ${r.recordId}`;
  if (seen && seen.status !== 'REJECTED') return { recordId: r.recordId, status: 'ACCEPTED', reasons: [] };
  const answer = await judge(tx, r);
  await keep(
    tx,
    submissionId,
    r,
    answer.status === 'REJECTED' ? 'REJECTED' : r.recordType === 'DELETION' ? 'DELETED' : 'HELD',
  );
  return answer;
}

/** Drills: the next NEW record of the account is rejected with this reason (admin route). */
export async function rejectNextRecord(
  sql: Sql,
  rule: { accountId: string; code: string; message: string },
): Promise<void> {
  await sql`
    insert into bureau_report_rejection_rules (account_id, code, message)
    values (${rule.accountId}, ${rule.code}, ${rule.message})
    on conflict (account_id) do update set code = excluded.code, message = excluded.message`;
}

/** Answers a submission once; the same submission again gets the stored answer. */
export async function receiveSubmission(
  sql: Sql,
  submission: Submission,
): Promise<{ kind: 'ANSWERED'; answer: SubmissionAnswer } | { kind: 'CONFLICT' }> {
  const hash = requestHash(submission);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('bureau-reporting'))`;
    const [seen] = await tx<{ request_hash: string; receipt_id: string; results: RecordAnswer[] }[]>`
      select request_hash, receipt_id, results from bureau_report_submissions where submission_id = ${submission.submissionId}`;
    if (seen) {
      if (seen.request_hash !== hash) return { kind: 'CONFLICT' } as const;
      return {
        kind: 'ANSWERED',
        answer: { submissionId: submission.submissionId, receiptId: seen.receipt_id, results: seen.results },
      } as const;
    }
    const results: RecordAnswer[] = [];
    for (const raw of submission.records) results.push(await answerRecord(tx, submission.submissionId, raw));
    const receiptId = newId('rcpt');
    await tx`
      insert into bureau_report_submissions (submission_id, request_hash, receipt_id, results)
      values (${submission.submissionId}, ${hash}, ${receiptId}, ${tx.json(results as never)})`;
    return { kind: 'ANSWERED', answer: { submissionId: submission.submissionId, receiptId, results } } as const;
  });
}
