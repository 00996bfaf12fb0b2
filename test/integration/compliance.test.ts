// Compliance on the running stack: screening of applicants and guarantors against the lists risk
// managers keep, recorded consent before any bureau lookup, APR on every offer and contract, and
// retention: personal data of loans closed longer ago than RETENTION_YEARS is purged while the
// ledger and the audit chain stay whole. Ends by verifying the audit chain after all of it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOriginationActivities } from '../../activities/origination.js';
import type { ActivityDeps } from '../../activities/deps.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { APPLICATION_CONTEXT } from '../../security/encryption-contexts.js';
import { seedDefaultProducts } from '../../db/products.js';
import { maskIdNumber } from '../../domain/masking.js';
import type { Application } from '../../domain/validation/application.js';
import { createLogger } from '../../lib/logger.js';
import { ROOT } from '../../lib/tools.js';
import { auditChainKey, useAuditChainKey } from '../../security/audit.js';
import { verifyAuditChain } from '../../security/audit-verify.js';
import { createFieldCipher } from '../../security/field-crypto.js';
import { generateKeyring, readKeyFile } from '../../security/keyring.js';
import { purgeExpiredPersonalData } from '../../security/retention.js';
import '../setup/provided.js';
import { createTestDatabase, type TestDatabase } from '../setup/test-database.js';
import { ApiCallError, ApiClient, personalLoanApplication, type Session } from '../../drivers/api-client.js';
import { makeIdNumber, makePhone } from '../../drivers/identities.js';
import { loanAwaitingSignature, type OfferedLoan } from '../../drivers/loan-journeys.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
let riskManager: Session;
let auditor: Session;
let stackSql: Sql;

beforeAll(async () => {
  [riskManager, auditor] = await Promise.all([api.login('risk_manager'), api.login('auditor')]);
  stackSql = connectDb(stack.databaseUrl, { max: 2, applicationName: 'compliance-it' });
});
afterAll(async () => {
  await stackSql?.end();
});

async function refusal(promise: Promise<unknown>): Promise<ApiCallError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) return err;
    throw err;
  }
  throw new Error('expected the API to refuse');
}

/** A name no other test uses, so a name-only list entry cannot refuse someone else's application. */
const rareName = () =>
  `司马${String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x5000), 0x4e00 + Math.floor(Math.random() * 0x5000))}`;

describe('screening against sanctions, blacklist and AML watch lists', () => {
  it('refuses a listed applicant with 422 APPLICANT_SCREENED before storing anything, audited; accepts once the entry is removed', async () => {
    const borrower = await api.registerBorrower({ name: rareName() });
    const session = await api.login(borrower.phone, borrower.password);
    const entry = await api.call<{ id: string; idNumber: string; name: string | null; list: string }>(
      'POST',
      '/v1/compliance/screening-entries',
      {
        token: riskManager.token,
        body: {
          list: 'BLACKLIST',
          idNumber: borrower.idNumber,
          source: '内部黑名单 2026-03',
          reason: '提供虚假材料骗贷',
        },
      },
    );
    expect(entry.idNumber).toBe(maskIdNumber(borrower.idNumber));
    expect(entry.list).toBe('BLACKLIST');

    const listed = await api.call<{ items: Array<{ id: string; idNumber: string | null }> }>(
      'GET',
      '/v1/compliance/screening-entries?list=BLACKLIST',
      { token: riskManager.token },
    );
    expect(listed.items.find((i) => i.id === entry.id)?.idNumber).toBe(maskIdNumber(borrower.idNumber));
    expect(JSON.stringify(listed)).not.toContain(borrower.idNumber);

    const refused = await refusal(api.applyForLoan(session.token, borrower));
    expect(refused.status).toBe(422);
    expect(refused.body?.error?.code).toBe('APPLICANT_SCREENED');
    expect(refused.body?.error?.message.zh).toContain('申请人');
    expect(refused.body?.error?.message.en).toContain('applicant');
    expect(refused.body?.error?.fields).toEqual([
      expect.objectContaining({ field: 'applicant.idNumber', code: 'SCREENED' }),
    ]);
    const mine = await api.call<{ total: number }>('GET', '/v1/loans', { token: session.token });
    expect(mine.total).toBe(0);

    const audit = await api.call<{
      items: Array<{ action: string; result: string; resourceId: string; detail: Record<string, unknown> }>;
    }>('GET', `/v1/audit?userId=${borrower.userId}`, { token: auditor.token });
    const screened = audit.items.find((e) => e.action === 'APPLICATION_SCREENED');
    expect(screened).toMatchObject({
      result: 'DENIED',
      resourceId: entry.id,
      detail: expect.objectContaining({ subject: 'APPLICANT', list: 'BLACKLIST' }),
    });

    await api.call('DELETE', `/v1/compliance/screening-entries/${entry.id}`, { token: riskManager.token });
    const { loanId } = await api.applyForLoan(session.token, borrower);
    expect(loanId).toMatch(/^loan-/);
  });

  it('holds an application whose guarantor matches a name-only sanctions entry for compliance review, naming the guarantor', async () => {
    const guarantorName = rareName();
    await api.call('POST', '/v1/compliance/screening-entries', {
      token: riskManager.token,
      body: { list: 'SANCTIONS', name: ` ${guarantorName} `, source: '联合国安理会制裁名单', reason: '资产冻结对象' },
    });
    const borrower = await api.registerBorrower({ name: rareName() });
    const session = await api.login(borrower.phone, borrower.password);
    const guarantor = {
      name: guarantorName,
      idNumber: makeIdNumber({ birthDate: '1970-02-02' }),
      phone: makePhone(),
      monthlyIncome: '20000.00',
      relationship: 'FRIEND',
    };
    // A name alone may be someone else's: the application waits for a compliance officer, no loan yet.
    const held = await api.call<{ reviewId: string; loanId: string; status: string }>('POST', '/v1/applications', {
      token: session.token,
      body: personalLoanApplication(borrower, {
        loanType: 'GUARANTEED',
        amount: '50000.00',
        termCount: 24,
        guarantor,
      }),
    });
    expect(held.status).toBe('COMPLIANCE_REVIEW');
    expect((await api.call<{ total: number }>('GET', '/v1/loans', { token: session.token })).total).toBe(0);
    const compliance = await api.login('compliance');
    const queue = await api.call<{ items: Array<{ id: string; field: string; subject: string }> }>(
      'GET',
      '/v1/aml/reviews?status=OPEN&kind=APPLICATION&limit=500',
      { token: compliance.token },
    );
    expect(queue.items.find((r) => r.id === held.reviewId)).toMatchObject({
      field: 'guarantor.name',
      subject: 'GUARANTOR',
    });
  });

  it('validates list entries: an ID number or a name, a real ID number, no duplicates', async () => {
    const missing = await refusal(
      api.call('POST', '/v1/compliance/screening-entries', {
        token: riskManager.token,
        body: { list: 'AML_WATCH', source: 's', reason: 'r' },
      }),
    );
    expect(missing.status).toBe(400);
    expect(missing.body?.error?.fields).toEqual([expect.objectContaining({ field: 'idNumber', code: 'REQUIRED' })]);
    const wrong = await refusal(
      api.call('POST', '/v1/compliance/screening-entries', {
        token: riskManager.token,
        body: { list: 'AML_WATCH', idNumber: '110105199001011234', source: 's', reason: 'r' },
      }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body?.error?.fields).toEqual([
      expect.objectContaining({ field: 'idNumber', code: 'INVALID_CHECKSUM' }),
    ]);
    const idNumber = makeIdNumber({ birthDate: '1966-06-06' });
    await api.call('POST', '/v1/compliance/screening-entries', {
      token: riskManager.token,
      body: { list: 'AML_WATCH', idNumber, source: '可疑交易报告', reason: '频繁大额现金' },
    });
    const again = await refusal(
      api.call('POST', '/v1/compliance/screening-entries', {
        token: riskManager.token,
        body: { list: 'AML_WATCH', idNumber: idNumber.toLowerCase(), source: 's', reason: 'r' },
      }),
    );
    expect(again.status).toBe(409);
  });
});

describe('consent before any credit bureau lookup', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(stack.databaseUrl.replace(/\/[^/]*$/, '/postgres'), 'consent');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('fetchCreditReport refuses (ConsentMissing, not retried) without a CREDIT_QUERY consent row, and asks the bureau only with one', async () => {
    const keyring = generateKeyring();
    const cipher = createFieldCipher(keyring);
    const calls: Array<{ consentId: string }> = [];
    const bureau = {
      fetchReport: async (request: { consentId: string }) => {
        calls.push(request);
        return { profile: 'CLEAN', score: 720, reportId: 'r1' };
      },
      analyzeStatement: async () => {
        throw new Error('not used');
      },
    };
    const deps = {
      sql: db.sql,
      cipher,
      keyring,
      bureau,
      config: { COMPANY_NAME: 'x', BUSINESS_TIME_ZONE: 'Asia/Shanghai' },
      log: createLogger('consent-test', 'silent'),
    } as unknown as ActivityDeps;
    const activities = createOriginationActivities(deps);

    await seedDefaultProducts(db.sql);
    const [user] = await db.sql<
      { id: string }[]
    >`insert into users (role, phone_hash, password_hash) values ('BORROWER', ${randomUUID()}, '!') returning id`;
    const application = {
      loanType: 'PERSONAL_CONSUMER',
      amount: '8000.00',
      termCount: 12,
      method: 'EQUAL_INSTALLMENT',
      frequency: 'MONTHLY',
      purpose: '装修',
      applicant: { name: '孙丽', idNumber: makeIdNumber(), phone: makePhone(), monthlyIncome: '9000.00' },
      bankAccount: { cardNumber: '6222020000000000', bankName: '工商银行' },
      consent: { creditQuery: true, dataProcessing: true, creditReporting: true },
    } as Application;
    const loanId = 'loan-20260301-00000c0e5e';
    await db.sql`
      insert into loans (id, borrower_id, loan_type, product_code, amount, term_count, method, annual_rate, channel, created_by, status, application_enc)
      values (${loanId}, ${user!.id}, 'PERSONAL_CONSUMER', 'CONSUMER_STD', '8000.00', 12, 'EQUAL_INSTALLMENT', '0.12', 'ONLINE', ${user!.id}, 'ASSESSING',
              ${cipher.encrypt(JSON.stringify(application), APPLICATION_CONTEXT)})`;

    await expect(activities.fetchCreditReport({ loanId, subject: 'APPLICANT' })).rejects.toMatchObject({
      type: 'ConsentMissing',
      nonRetryable: true,
    });
    expect(calls).toEqual([]);
    expect(await db.sql`select 1 from credit_queries where loan_id = ${loanId}`).toHaveLength(0);

    const [consent] = await db.sql<{ id: string }[]>`
      insert into consents (loan_id, user_id, kind, text_version) values (${loanId}, ${user!.id}, 'CREDIT_QUERY', 'v1') returning id`;
    await activities.fetchCreditReport({ loanId, subject: 'APPLICANT' });
    expect(calls.map((c) => c.consentId)).toEqual([consent!.id]);
    const [query] =
      await db.sql`select consent_id from credit_queries where loan_id = ${loanId} and subject = 'APPLICANT'`;
    expect(query).toEqual({ consent_id: consent!.id });
  });
});

describe('retention keeps the money and the audit trail', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(stack.databaseUrl.replace(/\/[^/]*$/, '/postgres'), 'retention');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('purges a paid-off loan closed six years ago: ledger lines untouched, each purge audited, the chain intact', async () => {
    const keyring = generateKeyring();
    const cipher = createFieldCipher(keyring);
    useAuditChainKey(keyring);
    await seedDefaultProducts(db.sql);
    const [user] = await db.sql<
      { id: string }[]
    >`insert into users (role, phone_hash, password_hash) values ('BORROWER', ${randomUUID()}, '!') returning id`;
    const idNumber = makeIdNumber();
    const application = {
      loanType: 'PERSONAL_CONSUMER',
      amount: '5000.00',
      termCount: 6,
      method: 'EQUAL_INSTALLMENT',
      frequency: 'MONTHLY',
      purpose: '医疗',
      applicant: { name: '周敏', idNumber, phone: makePhone(), monthlyIncome: '7000.00', employer: '某厂' },
      bankAccount: { cardNumber: '6222020000000000', bankName: '建设银行' },
      consent: { creditQuery: true, dataProcessing: true, creditReporting: true },
    } as Application;
    const insertLoan = async (id: string, closedAt: string | null, status: string) => {
      await db.sql`
        insert into loans (id, borrower_id, loan_type, product_code, amount, term_count, method, annual_rate, channel, created_by, status, application_enc, closed_at)
        values (${id}, ${user!.id}, 'PERSONAL_CONSUMER', 'CONSUMER_STD', '5000.00', 6, 'EQUAL_INSTALLMENT', '0.12', 'ONLINE', ${user!.id}, ${status},
                ${cipher.encrypt(JSON.stringify(application), APPLICATION_CONTEXT)}, ${closedAt})`;
      await db.sql`
        insert into documents (loan_id, type, filename, content_type, size_bytes, sha256, content_enc, key_id, uploaded_by)
        values (${id}, 'ID_FRONT', 'id.png', 'image/png', 3, ${'ab'.repeat(32)}, ${Buffer.from([1, 2, 3])}, 'k1', ${user!.id})`;
      await db.sql`insert into contracts (loan_id, version, sha256, html_enc) values (${id}, 1, ${'cd'.repeat(32)}, ${cipher.encrypt('<p>周敏</p>', 'contracts.html')})`;
    };
    const old = 'loan-20200105-00000a11ce';
    const recent = 'loan-20250105-00000b0b00';
    await insertLoan(old, new Date(Date.now() - 6 * 366 * 86_400_000).toISOString(), 'PAID_OFF');
    await insertLoan(recent, new Date(Date.now() - 2 * 366 * 86_400_000).toISOString(), 'PAID_OFF');
    await db.sql.begin(async (tx) => {
      const [entry] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, loan_id, kind, effective_on) values (${`loan:${old}:disbursement`}, ${old}, 'DISBURSEMENT', '2020-01-06') returning id`;
      await tx`insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit) values
        (${entry!.id}, 1, 'LOAN_PRINCIPAL', ${old}, '5000.00', 0), (${entry!.id}, 2, 'BANK', ${old}, 0, '5000.00')`;
    });
    const ledger = () =>
      db.sql`select entry_id, line_no, account, debit, credit from journal_lines order by entry_id, line_no`;
    const ledgerBefore = await ledger();

    const run = await purgeExpiredPersonalData(db.sql, cipher, { now: new Date(), years: 5 });
    expect(run.purged.map((p) => p.loanId)).toEqual([old]);
    expect(run.purged[0]).toMatchObject({ documents: 1, contracts: 1, certificate: false });
    expect(await ledger()).toEqual(ledgerBefore);
    expect(await db.sql`select loan_id from documents order by loan_id`).toEqual([{ loan_id: recent }]);
    const [purged] = await db.sql<{ application_enc: string }[]>`select application_enc from loans where id = ${old}`;
    expect(cipher.decrypt(purged!.application_enc, APPLICATION_CONTEXT)).not.toContain(idNumber);
    const [kept] = await db.sql<{ application_enc: string }[]>`select application_enc from loans where id = ${recent}`;
    expect(cipher.decrypt(kept!.application_enc, APPLICATION_CONTEXT)).toContain(idNumber);
    const [contract] = await db.sql<{ html_enc: string }[]>`select html_enc from contracts where loan_id = ${old}`;
    expect(cipher.decrypt(contract!.html_enc, 'contracts.html')).not.toContain('周敏');

    const audit = await db.sql`select action, loan_id, actor_role from audit_log`;
    expect(audit).toEqual([{ action: 'PII_PURGED', loan_id: old, actor_role: 'SYSTEM' }]);
    expect(await verifyAuditChain(db.sql, auditChainKey(keyring))).toMatchObject({ ok: true, rows: 1 });
    expect((await purgeExpiredPersonalData(db.sql, cipher, { now: new Date(), years: 5 })).purged).toEqual([]);
    expect(
      (await purgeExpiredPersonalData(db.sql, cipher, { now: new Date(), years: 1 })).purged.map((p) => p.loanId),
    ).toEqual([recent]);
  });
});

function runRetention(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts', 'retention.ts'), '--database-url', stack.databaseUrl, ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          APP_MODE: 'local',
          DATA_KEY_FILE: stack.dataKeyFile,
          RETENTION_YEARS: '5',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('APR disclosure and retention of personal data', () => {
  let offered: OfferedLoan;
  beforeAll(async () => {
    offered = await loanAwaitingSignature(api, { name: rareName(), amount: '8000.00' });
  });

  it('shows the APR on the offer and on the contract, within the product cap', async () => {
    const loan = await api.loan(offered.session.token, offered.loanId);
    const offer = loan.offer as { apr: string; annualRate: string; installments: unknown[] };
    expect(offer.apr).toMatch(/^0\.\d+$/);
    expect(Number(offer.apr)).toBeGreaterThan(0);
    expect(Number(offer.apr)).toBeLessThanOrEqual(0.24);
    const contract = await api.fetch('GET', `/v1/loans/${offered.loanId}/contract`, { token: offered.session.token });
    const html = await contract.text();
    const percent = `${(Number(offer.apr) * 100).toFixed(2)}%`;
    expect(html).toContain(`年化利率(APR)：${percent}`);
    expect(html).toContain('中国人民银行公告〔2021〕第3号');
  });

  it('purges the application, documents and contract of a loan closed past the retention period; the loan still reads, with nothing personal left', async () => {
    const { loanId, session, borrower } = offered;
    await api.call('POST', `/v1/loans/${loanId}/withdraw`, { token: session.token, body: { reason: '不再需要' } });
    await api.waitForLoanStatus(session.token, loanId, 'WITHDRAWN');
    const [before] = await stackSql<{ documents: number; contracts: number }[]>`
      select (select count(*)::int from documents where loan_id = ${loanId}) as documents,
             (select count(*)::int from contracts where loan_id = ${loanId}) as contracts`;
    expect(before!.documents).toBeGreaterThan(0);
    expect(before!.contracts).toBeGreaterThan(0);

    // Not yet due: closed today.
    expect((await runRetention(['--dry-run'])).out).not.toContain(loanId);
    // Six years on (the loan's closing date moved back, rather than the clock forward).
    await stackSql`update loans set closed_at = now() - interval '6 years' where id = ${loanId}`;
    const dry = await runRetention(['--dry-run']);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toContain(`would purge`);
    expect(dry.out).toContain(loanId);
    expect((await stackSql`select pii_purged_at from loans where id = ${loanId}`)[0]!.pii_purged_at).toBeNull();

    const run = await runRetention([]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(
      new RegExp(`${loanId}\\s+closed \\S+\\s+documents ${before!.documents}, contracts ${before!.contracts}`),
    );

    const cipher = createFieldCipher(readKeyFile(stack.dataKeyFile));
    const [loan] = await stackSql<
      { application_enc: string; pii_purged_at: Date | null; amount: string }[]
    >`select application_enc, pii_purged_at, amount from loans where id = ${loanId}`;
    expect(loan!.pii_purged_at).not.toBeNull();
    const kept = JSON.parse(cipher.decrypt(loan!.application_enc, APPLICATION_CONTEXT)) as Application;
    expect(kept.amount).toBe('8000.00');
    expect(kept.applicant).toMatchObject({ name: '', idNumber: '', phone: '' });
    expect(kept.bankAccount.cardNumber).toBe('');
    expect(JSON.stringify(kept)).not.toContain(borrower.idNumber);
    expect(await stackSql`select 1 from documents where loan_id = ${loanId}`).toHaveLength(0);

    const staff = await api.login('risk_manager');
    const detail = await api.loan(staff.token, loanId);
    expect(detail.applicant).toMatchObject({ idNumber: '', phone: '' });
    const contract = await (await api.fetch('GET', `/v1/loans/${loanId}/contract`, { token: staff.token })).text();
    expect(contract).toContain('retention period');
    expect(contract).not.toContain(borrower.name);

    const audit = await api.call<{
      items: Array<{ action: string; actorRole: string; detail: { documents: unknown[] } }>;
    }>('GET', `/v1/audit?loanId=${loanId}`, { token: auditor.token });
    const purge = audit.items.find((e) => e.action === 'PII_PURGED');
    expect(purge?.actorRole).toBe('SYSTEM');
    expect(purge?.detail.documents).toHaveLength(before!.documents);

    // Idempotent: a second run finds nothing more for this loan.
    expect((await runRetention([])).out).not.toContain(loanId);
  });

  it('after all this traffic the audit chain still verifies, end to end', async () => {
    const report = await verifyAuditChain(stackSql, auditChainKey(readKeyFile(stack.dataKeyFile)));
    expect(report.ok, report.reason).toBe(true);
    expect(report.rows).toBeGreaterThan(10);
  });
});
