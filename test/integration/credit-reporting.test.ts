// Credit reporting (征信报送) over HTTP on the whole stack: the consent collected with the
// application; a day's run (built once even when the center is down mid-run and two runs race)
// with a record per loan paid out — one active, one paid off — sent to the credit reference
// center's simulator; a record the center rejects becomes a task and its correction closes it; a
// deletion; a borrower's dispute with its 20-day deadline and the correction an upheld finding
// sends; forgers and insiders refused; the same records years later still build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reportedAccounts } from '../../db/credit-report-accounts.js';
import { localDateOf } from '../../domain/business-time.js';
import { accountStateOn } from '../../domain/credit-reporting/account-state.js';
import { buildRecord } from '../../domain/credit-reporting/record.js';
import { validateRecord } from '../../domain/credit-reporting/record-validation.js';
import { addDays } from '../../domain/dates.js';
import { ApiCallError, ApiClient, personalLoanApplication, type Session } from '../../drivers/api-client.js';
import { payOffToday } from '../../drivers/loan-journeys.js';
import { createLogger } from '../../lib/logger.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { readKeyFile } from '../../security/keyring.js';
import { CREDIT_REPORT_FILE_CONTEXT } from '../../security/encryption-contexts.js';
import { createFieldCipher } from '../../security/field-crypto.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import { activeLoanOverHttp } from './support/servicing.js';
import '../setup/provided.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const simulator = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log: createLogger('test', 'silent') });
const cipher = createFieldCipher(readKeyFile(stack.dataKeyFile));
const TZ = 'Asia/Shanghai';
let sql: Sql;
let risk: Session;
let auditor: Session;
let collector: Session;
let active: { loanId: string; session: Session; name: string; idNumber: string };
let paidOff: { loanId: string; session: Session };
const today = () => localDateOf(Date.now(), TZ);

interface RecordView {
  recordId: string;
  loanId: string;
  recordType: string;
  correctsRecordId: string | null;
  status: string;
  reasons: Array<{ code: string; message: string }>;
  record: {
    basics: { name: string; idNumber: string; amount: string; openDate: string };
    performance: Record<string, unknown>;
    events: Array<{ kind: string }>;
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: ApiCallError['body'] }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) return { status: err.status, body: err.body };
    throw err;
  }
  throw new Error('expected a refusal');
}

const recordsOn = async (date: string, token = risk.token) =>
  (await api.call<{ records: RecordView[] }>('GET', `/v1/credit-reporting/records?date=${date}`, { token })).records;

beforeAll(async () => {
  sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'credit-reporting-tests' });
  [risk, auditor, collector] = await Promise.all([
    api.login('risk_manager'),
    api.login('auditor'),
    api.login('collector'),
  ]);
  const [a, b] = await Promise.all([activeLoanOverHttp(api), activeLoanOverHttp(api)]);
  active = { loanId: a.loanId, session: a.session, name: a.borrower.name, idNumber: a.borrower.idNumber };
  paidOff = { loanId: b.loanId, session: b.session };
  await payOffToday(api, b.session.token, b.loanId);
  await api.waitForLoanStatus(b.session.token, b.loanId, 'PAID_OFF', 60_000);
  // The installments projection follows the workflow; wait until it shows the payoff.
  for (let i = 0; i < 60; i += 1) {
    const [open] = await sql<{ n: number }[]>`
      select count(*)::int as n from installments where loan_id = ${b.loanId} and paid_on is null`;
    if (open!.n === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 600_000);

afterAll(async () => {
  await simulator.setFaults({ bureau: { failureRate: 0 } }).catch(() => undefined);
  await sql?.end();
});

describe('consent to credit reporting', () => {
  it('is required with the application (400 naming the field in Chinese and English) and stored with the loan', async () => {
    const borrower = await api.registerBorrower({ profileDigit: 1 });
    const session = await api.login(borrower.phone, borrower.password);
    const body = personalLoanApplication(borrower, { amount: '5000.00', termCount: 6 }) as Record<string, unknown>;
    const withoutConsent = { ...body, consent: { creditQuery: true, dataProcessing: true } };
    const refused = await refusal(api.call('POST', '/v1/applications', { token: session.token, body: withoutConsent }));
    expect(refused.status).toBe(400);
    const field = (refused.body?.error?.fields as Array<{ field: string; message: { zh: string; en: string } }>).find(
      (f) => f.field === 'consent.creditReporting',
    );
    expect(field?.message.zh).toMatch(/征信/);
    expect(field?.message.en).toMatch(/credit reference/);
    const [consent] = await sql<{ kind: string }[]>`
      select kind from consents where loan_id = ${active.loanId} and kind = 'CREDIT_REPORTING'`;
    expect(consent?.kind).toBe('CREDIT_REPORTING');
    const [audited] = await sql<{ detail: { consents: string[] } }[]>`
      select detail from audit_log where action = 'LOAN_APPLICATION_SUBMITTED' and loan_id = ${active.loanId}`;
    expect(audited?.detail.consents).toContain('CREDIT_REPORTING');
  });
});

describe('a day of credit reporting', () => {
  it('builds the day once, even when the center is down mid-run and two runs race; rejected records become tasks', async () => {
    const date = today();
    await simulator.rejectNextCreditRecord({
      accountId: active.loanId,
      code: 'SUBJECT_MISMATCH',
      message: 'the subject register holds another name for this ID number',
    });
    await simulator.setFaults({ bureau: { failureRate: 1 } });
    const down = await refusal(api.call('POST', '/v1/credit-reporting/runs', { token: risk.token, body: { date } }));
    expect(down.status).toBeGreaterThanOrEqual(500);
    await simulator.setFaults({ bureau: { failureRate: 0 } });
    const [built] = await sql<{ status: string; sha256: string }[]>`
      select status, sha256 from credit_report_submissions where id = ${`daily:${date}`}`;
    expect(built?.status).toBe('BUILT');

    const runs = await Promise.all(
      [0, 1].map(() =>
        api.call<{ submissionId: string; status: string; replayed: boolean; sha256: string; receiptId: string }>(
          'POST',
          '/v1/credit-reporting/runs',
          { token: risk.token, body: { date } },
        ),
      ),
    );
    expect(runs.map((r) => r.submissionId)).toEqual([`daily:${date}`, `daily:${date}`]);
    expect(runs.every((r) => r.status === 'SUBMITTED' && r.replayed && r.sha256 === built!.sha256)).toBe(true);
    expect(runs[0]!.receiptId).toBe(runs[1]!.receiptId);
    const [count] = await sql<{ n: number }[]>`
      select count(*)::int as n from credit_report_submissions where report_date = ${date} and kind = 'DAILY'`;
    expect(count!.n).toBe(1);

    // The sealed file: its plaintext hashes to the stored sha256 and the raw bytes hold no name.
    const raw = readFileSync(join(stack.dataDir, 'credit-reporting', `${date}.jsonl.sealed`), 'utf8');
    expect(raw).not.toContain(active.idNumber);
    const [keyId, body] = raw.trim().split('\n');
    const text = cipher
      .open({ keyId: keyId!, bytes: Buffer.from(body!, 'base64') }, CREDIT_REPORT_FILE_CONTEXT)
      .toString('utf8');
    expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(built!.sha256);
    expect(text).toContain(active.idNumber);

    const records = await recordsOn(date);
    const a = records.find((r) => r.loanId === active.loanId)!;
    const b = records.find((r) => r.loanId === paidOff.loanId)!;
    expect(a).toMatchObject({ status: 'REJECTED', reasons: [{ code: 'SUBJECT_MISMATCH' }] });
    expect(a.record.performance).toMatchObject({
      accountStatus: 'NORMAL',
      statusCode: '*',
      balance: '8000.00',
      overdueDays: 0,
    });
    expect(a.record.events.map((e) => e.kind)).toEqual(['OPENED']);
    expect(a.record.basics.idNumber).toContain('*');
    expect(a.record.basics.idNumber).not.toBe(active.idNumber);
    expect(a.record.basics.name).not.toBe(active.name);
    expect(b).toMatchObject({ status: 'ACCEPTED', reasons: [] });
    expect(b.record.performance).toMatchObject({ accountStatus: 'CLOSED', statusCode: 'C', balance: '0.00' });
    expect(b.record.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['OPENED', 'PAID_OFF']));
    // The auditor reads the same masked records.
    expect((await recordsOn(date, auditor.token)).length).toBe(records.length);

    const tasks = await sql<{ role: string; status: string }[]>`
      select role, status from tasks where task_key = ${`CREDIT_REPORT_FIX:${a.recordId}`}`;
    expect(tasks).toEqual([{ role: 'RISK_MANAGER', status: 'OPEN' }]);
    const audits = await sql<{ action: string }[]>`
      select action from audit_log where resource_id = ${`daily:${date}`} order by id`;
    expect(audits.map((x) => x.action)).toEqual(['CREDIT_REPORT_BUILT', 'CREDIT_REPORT_SUBMITTED']);
  });

  it('a correction of the rejected record is accepted and closes its task; a deletion is accepted', async () => {
    const date = today();
    const a = (await recordsOn(date)).find((r) => r.loanId === active.loanId && r.recordType === 'NEW')!;
    const fixed = await api.call<{ recordId: string; recordStatus: string; kind: string }>(
      'POST',
      `/v1/credit-reporting/records/${encodeURIComponent(a.recordId)}/corrections`,
      { token: risk.token, body: { kind: 'CORRECTION' } },
    );
    expect(fixed).toMatchObject({ kind: 'CORRECTION', recordStatus: 'ACCEPTED' });
    const [task] = await sql<
      { status: string }[]
    >`select status from tasks where task_key = ${`CREDIT_REPORT_FIX:${a.recordId}`}`;
    expect(task?.status).toBe('DONE');

    const b = (await recordsOn(date)).find((r) => r.loanId === paidOff.loanId && r.recordType === 'NEW')!;
    const deleted = await api.call<{ recordStatus: string }>(
      'POST',
      `/v1/credit-reporting/records/${encodeURIComponent(b.recordId)}/corrections`,
      { token: risk.token, body: { kind: 'DELETION' } },
    );
    expect(deleted.recordStatus).toBe('ACCEPTED');
    const after = await recordsOn(date);
    expect(after.filter((r) => r.loanId === active.loanId).map((r) => [r.recordType, r.status])).toEqual([
      ['NEW', 'REJECTED'],
      ['CORRECTION', 'ACCEPTED'],
    ]);
    expect(after.find((r) => r.recordId === fixed.recordId)?.correctsRecordId).toBe(a.recordId);
    // Deleting the deleted record again is the center's refusal, kept with its reason.
    const again = await api.call<{ recordStatus: string; reasons: Array<{ code: string }> }>(
      'POST',
      `/v1/credit-reporting/records/${encodeURIComponent(b.recordId)}/corrections`,
      { token: risk.token, body: { kind: 'DELETION' } },
    );
    expect(again).toMatchObject({ recordStatus: 'REJECTED', reasons: [{ code: 'UNKNOWN_RECORD' }] });
  });

  it('refuses a bad date naming `date`, and refuses roles without the permission', async () => {
    for (const bad of ['2026-02-30', 'yesterday']) {
      const refused = await refusal(recordsOn(bad));
      expect(refused.status).toBe(400);
      expect((refused.body?.error?.fields as Array<{ field: string }>).map((f) => f.field)).toEqual(['date']);
    }
    expect((await refusal(recordsOn(today(), collector.token))).status).toBe(403);
    expect((await refusal(recordsOn(today(), active.session.token))).status).toBe(403);
    expect(
      (await refusal(api.call('POST', '/v1/credit-reporting/runs', { token: auditor.token, body: { date: today() } })))
        .status,
    ).toBe(403);
    const future = await refusal(
      api.call('POST', '/v1/credit-reporting/runs', { token: risk.token, body: { date: addDays(today(), 2) } }),
    );
    expect(future.status).toBe(400);
  });
});

describe('disputes', () => {
  it('a borrower disputes only their own loan; an upheld finding sends a correction; overdue disputes are listed', async () => {
    const reason = '本人已按时还款，报送记录有误';
    const forged = await refusal(
      api.call('POST', '/v1/credit-reporting/disputes', {
        token: active.session.token,
        body: { loanId: paidOff.loanId, reason },
      }),
    );
    expect(forged.status).toBe(404);
    expect(
      (
        await refusal(
          api.call('POST', '/v1/credit-reporting/disputes', {
            token: risk.token,
            body: { loanId: active.loanId, reason },
          }),
        )
      ).status,
    ).toBe(403);

    const dispute = await api.call<{ disputeId: string; dueOn: string; status: string; overdue: boolean }>(
      'POST',
      '/v1/credit-reporting/disputes',
      { token: active.session.token, body: { loanId: active.loanId, reason } },
    );
    expect(dispute).toMatchObject({ dueOn: addDays(today(), 20), status: 'OPEN', overdue: false });
    const [task] = await sql<{ role: string; due_at: Date }[]>`
      select role, due_at from tasks where task_key = ${`CREDIT_DISPUTE:${dispute.disputeId}`}`;
    expect(task?.role).toBe('RISK_MANAGER');
    expect(localDateOf(task!.due_at.getTime(), TZ)).toBe(dispute.dueOn);
    const [stored] = await sql<
      { reason_enc: string }[]
    >`select reason_enc from credit_disputes where id = ${dispute.disputeId}`;
    expect(stored!.reason_enc).not.toContain('报送');

    // Another dispute raised 25 days ago is past its deadline.
    const late = await api.call<{ disputeId: string }>('POST', '/v1/credit-reporting/disputes', {
      token: active.session.token,
      body: { loanId: active.loanId, reason: '逾期天数计算错误，请核查' },
    });
    await sql`update credit_disputes set raised_on = ${addDays(today(), -25)}, due_on = ${addDays(today(), -5)}
              where id = ${late.disputeId}`;
    const overdue = await api.call<{ disputes: Array<{ disputeId: string; overdue: boolean }> }>(
      'GET',
      `/v1/credit-reporting/disputes?overdue=true&loanId=${active.loanId}`,
      { token: auditor.token },
    );
    expect(overdue.disputes.map((d) => [d.disputeId, d.overdue])).toEqual([[late.disputeId, true]]);

    const resolved = await api.call<{ status: string; finding: string; correctionRecordId: string }>(
      'POST',
      `/v1/credit-reporting/disputes/${dispute.disputeId}/finding`,
      { token: risk.token, body: { finding: 'UPHELD', note: '核实无误，已更正' } },
    );
    expect(resolved).toMatchObject({ status: 'RESOLVED', finding: 'UPHELD' });
    const correction = (await recordsOn(today())).find((r) => r.recordId === resolved.correctionRecordId);
    expect(correction).toMatchObject({ recordType: 'CORRECTION', status: 'ACCEPTED' });
    const twice = await refusal(
      api.call('POST', `/v1/credit-reporting/disputes/${dispute.disputeId}/finding`, {
        token: risk.token,
        body: { finding: 'NOT_UPHELD', note: 'x' },
      }),
    );
    expect(twice.status).toBe(409);
    const audits = await sql<{ action: string }[]>`
      select action from audit_log where resource_id = ${dispute.disputeId} order by id`;
    expect(audits.map((x) => x.action)).toEqual(['CREDIT_DISPUTE_RAISED', 'CREDIT_DISPUTE_RESOLVED']);
  });
});

describe('time passing', () => {
  it('the loan’s records for later dates build from the same data: overdue after the first due date, years later too', async () => {
    const [account] = await reportedAccounts(sql, cipher, { date: today(), timeZone: TZ, loanIds: [active.loanId] });
    expect(account).toBeDefined();
    const firstDue = account!.history.installments[0]!.dueDate;
    const overdue = buildRecord(account!.identity, accountStateOn(account!.history, addDays(firstDue, 10)));
    expect(overdue.performance).toMatchObject({
      accountStatus: 'OVERDUE',
      statusCode: '1',
      overdueDays: 10,
      overduePeriods: 1,
    });
    expect(overdue.events).toEqual([]);
    expect(validateRecord(overdue)).toEqual([]);
    const years = buildRecord(account!.identity, accountStateOn(account!.history, addDays(today(), 365 * 12)));
    expect(years.performance).toMatchObject({ accountStatus: 'OVERDUE', statusCode: '7', fiveLevelClass: 'LOSS' });
    expect(validateRecord(years)).toEqual([]);
  });
});
