// Audited unmasking, staff search and the borrower 360 over the real stack: a reviewer sees the
// applicant in full for a loan in their own task, with a reason, and an audit row says so; every
// other ask is 403 and audited; a collector sees the phone of their own case only. Search finds a
// loan by phone, ID number, name and loan id through blind indexes alone; the 360 lists a
// borrower's earlier loans, masked; every search and view is audited.
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Borrower, type Session } from '../../drivers/api-client.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import type { AuthUser } from '../../security/authenticator.js';
import { createFieldCipher } from '../../security/field-crypto.js';
import { readKeyFile } from '../../security/keyring.js';
import { backfillNameIndex } from '../../security/name-index-backfill.js';
import { searchLoans } from '../../api/staff-search.js';
import { activeLoanOverHttp } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = connectDb(stack.databaseUrl, { max: 2, applicationName: 'staff-data-access-it' });
afterAll(() => sql.end());

let initialReviewer: Session;
let finalReviewer: Session;
let collector: Session;
let riskManager: Session;
let admin: Session;

beforeAll(async () => {
  initialReviewer = await api.login('initial_reviewer');
  finalReviewer = await api.login('final_reviewer');
  collector = await api.login('collector');
  riskManager = await api.login('risk_manager');
  admin = await api.login('admin');
});

async function refusal(promise: Promise<unknown>, status: number) {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiCallError)) throw err;
    expect(err.status).toBe(status);
    return err.body!.error! as {
      code: string;
      message: { zh: string; en: string };
      fields?: Array<{ field: string; message: { zh: string; en: string } }>;
    };
  }
  throw new Error(`expected HTTP ${status}`);
}

const unmask = (token: string, loanId: string, body: unknown) =>
  api.call<Record<string, string>>('POST', `/v1/loans/${loanId}/unmask`, { token, body });

type AuditRow = {
  actor_role: string;
  action: string;
  result: string;
  loan_id: string | null;
  resource_id: string | null;
  detail: Record<string, unknown>;
};

async function auditRows(action: string, where: { loanId?: string; resourceId?: string }): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select actor_role, action, result, loan_id, resource_id, detail from audit_log
    where action = ${action}
      ${where.loanId ? sql`and loan_id = ${where.loanId}` : sql``}
      ${where.resourceId ? sql`and resource_id = ${where.resourceId}` : sql``}
    order by id`;
}

/** A name of the borrower's own, so a name search has few other hits. */
function rareName(): string {
  const given = '翊珩璟玥珈瑾琮琰瑜璇';
  return `司马${given[randomInt(0, 10)]}${given[randomInt(0, 10)]}`;
}

describe('audited unmasking', () => {
  let borrower: Borrower;
  let loanId: string;
  let borrowerToken: string;

  beforeAll(async () => {
    const loan = await api.loanInInitialReview({ name: rareName(), amount: '30000.00' });
    ({ borrower, loanId } = loan);
    borrowerToken = loan.session.token;
  });

  it('a reviewer sees name, ID number and phone of a loan in their own task, and an audit row records why', async () => {
    const reason = '核对身份证照片与申请信息';
    const shown = await unmask(initialReviewer.token, loanId, { fields: ['name', 'idNumber', 'phone'], reason });
    expect(shown).toEqual({ loanId, name: borrower.name, idNumber: borrower.idNumber, phone: borrower.phone });

    const rows = await auditRows('PII_UNMASK', { loanId });
    expect(rows.at(-1)).toMatchObject({
      actor_role: 'INITIAL_REVIEWER',
      result: 'SUCCESS',
      detail: { fields: ['name', 'idNumber', 'phone'], reason },
    });
    // The loan's page stays masked for the same reviewer.
    const detail = await api.call<{ applicant: { name: string; idNumber: string; phone: string } }>(
      'GET',
      `/v1/loans/${loanId}`,
      { token: initialReviewer.token },
    );
    expect(detail.applicant.idNumber).not.toBe(borrower.idNumber);
    expect(detail.applicant.phone).not.toBe(borrower.phone);
  });

  it('no reason is 400 naming the field, in Chinese and English, and shows nothing', async () => {
    for (const body of [{ fields: ['phone'] }, { fields: ['phone'], reason: '  ' }]) {
      const error = await refusal(unmask(initialReviewer.token, loanId, body), 400);
      expect(error.fields?.map((f) => f.field)).toEqual(['reason']);
      expect(error.message.zh).toContain('reason');
      expect(error.fields![0]!.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.fields![0]!.message.en).toMatch(/[a-z]/);
    }
  });

  it('a loan outside the reviewer’s own tasks is 403, audited; so is a role that may unmask nothing', async () => {
    const error = await refusal(unmask(finalReviewer.token, loanId, { fields: ['name'], reason: '想看一下这笔' }), 403);
    expect(error.code).toBe('UNMASK_NOT_OWN_CASE');
    expect(error.message.zh).toBeTruthy();
    expect(
      (await refusal(unmask(riskManager.token, loanId, { fields: ['name'], reason: '抽查一下' }), 403)).message.en,
    ).toContain('pii:unmask-own');
    expect(
      (await refusal(unmask(borrowerToken, loanId, { fields: ['name'], reason: '看看自己' }), 403)).code,
    ).toBeTruthy();

    const denied = (await auditRows('PII_UNMASK', { loanId })).filter((r) => r.result === 'DENIED');
    expect(denied).toContainEqual(
      expect.objectContaining({
        actor_role: 'FINAL_REVIEWER',
        detail: expect.objectContaining({ refusal: 'NOT_OWN_CASE', fields: ['name'], reason: '想看一下这笔' }),
      }),
    );
  });

  it('once the reviewer has decided, the loan is no longer theirs to unmask', async () => {
    await api.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: initialReviewer.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全' },
    });
    await api.waitForLoanStatus(borrowerToken, loanId, 'FINAL_REVIEW');
    expect(
      (await refusal(unmask(initialReviewer.token, loanId, { fields: ['phone'], reason: '再确认一次' }), 403)).code,
    ).toBe('UNMASK_NOT_OWN_CASE');
    // Now it is in the final reviewers' inbox.
    const shown = await unmask(finalReviewer.token, loanId, { fields: ['idNumber'], reason: '终审核对身份' });
    expect(shown).toEqual({ loanId, idNumber: borrower.idNumber });
  });

  it('a collector sees the phone of their own case, and nothing else', async () => {
    const { borrower: debtor, loanId: caseId } = await activeLoanOverHttp(api);
    const reason = '电话催收前核对号码';
    expect((await refusal(unmask(collector.token, caseId, { fields: ['phone'], reason }), 403)).code).toBe(
      'UNMASK_NOT_OWN_CASE',
    );
    // The escalation ladder assigns a case once a loan is days overdue; the test assigns this one.
    const [me] = await sql<{ id: string }[]>`select id from users where username = 'collector'`;
    await sql`update loans set collector_id = ${me!.id} where id = ${caseId}`;

    expect(await unmask(collector.token, caseId, { fields: ['phone'], reason })).toEqual({
      loanId: caseId,
      phone: debtor.phone,
    });
    const error = await refusal(unmask(collector.token, caseId, { fields: ['phone', 'idNumber'], reason }), 403);
    expect(error.code).toBe('UNMASK_FIELD_NOT_ALLOWED');
    expect(error.message.en).toContain('idNumber');
    const rows = await auditRows('PII_UNMASK', { loanId: caseId });
    expect(rows.map((r) => [r.actor_role, r.result, r.detail.refusal ?? null])).toEqual([
      ['COLLECTOR', 'DENIED', 'NOT_OWN_CASE'],
      ['COLLECTOR', 'SUCCESS', null],
      ['COLLECTOR', 'DENIED', 'FIELD_NOT_ALLOWED'],
    ]);
  });
});

interface SearchAnswer {
  kind: string;
  results: Array<{ loanId: string; borrower: { borrowerId: string; name: string; phone: string; idNumber: string } }>;
}

describe('staff search and the borrower 360', () => {
  let borrower: Borrower;
  let session: Session;
  let earlierLoanId: string;
  let loanId: string;

  beforeAll(async () => {
    borrower = await api.registerBorrower({ name: rareName() });
    session = await api.login(borrower.phone, borrower.password);
    // An earlier application, withdrawn; then the one now in review.
    ({ loanId: earlierLoanId } = await api.applyForLoan(session.token, borrower, { amount: '30000.00' }));
    await api.call('POST', `/v1/loans/${earlierLoanId}/withdraw`, {
      token: session.token,
      body: { reason: '不需要了' },
    });
    await api.waitForLoanStatus(session.token, earlierLoanId, 'WITHDRAWN');
    const applied = await api.applyForLoan(session.token, borrower, { amount: '30000.00' });
    loanId = applied.loanId;
    await api.uploadRequiredDocuments(session.token, loanId, applied.requiredDocuments);
    await api.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW');
  });

  const search = (token: string, q: string) => api.call<SearchAnswer>('POST', '/v1/search', { token, body: { q } });

  it('finds the loan by phone, ID number, name and loan id; results are masked; each search is audited', async () => {
    const keys: Array<[string, string]> = [
      ['phone', borrower.phone],
      ['idNumber', borrower.idNumber.toLowerCase()],
      ['name', borrower.name],
      ['loanId', loanId],
    ];
    for (const [kind, q] of keys) {
      const answer = await search(riskManager.token, q);
      expect(answer.kind).toBe(kind);
      const hit = answer.results.find((r) => r.loanId === loanId);
      expect(hit, `search by ${kind}`).toBeDefined();
      expect(hit!.borrower.borrowerId).toBe(borrower.userId);
      expect(hit!.borrower.name).not.toBe(borrower.name);
      expect(hit!.borrower.name.startsWith('司马')).toBe(true);
      expect(hit!.borrower.phone).toBe(`${borrower.phone.slice(0, 3)}****${borrower.phone.slice(-4)}`);
      expect(hit!.borrower.idNumber).not.toBe(borrower.idNumber);
      if (kind !== 'loanId') expect(answer.results.map((r) => r.loanId)).toContain(earlierLoanId);
    }
    const rows = await sql<AuditRow[]>`
      select actor_role, action, result, loan_id, resource_id, detail from audit_log
      where action = 'BORROWER_SEARCH' and detail->'results' ? ${loanId} order by id`;
    expect(rows.map((r) => r.detail.kind)).toEqual(['phone', 'idNumber', 'name', 'loanId']);
    const written = JSON.stringify(rows);
    for (const plain of [borrower.phone, borrower.idNumber, borrower.name]) expect(written).not.toContain(plain);
  });

  it('searches within the caller’s scope, and refuses a text that is no key, naming q', async () => {
    // The collector has no case of this borrower.
    expect((await search(collector.token, borrower.phone)).results).toEqual([]);
    expect((await search(initialReviewer.token, borrower.phone)).results.map((r) => r.loanId)).toEqual([loanId]);
    const error = await refusal(search(riskManager.token, '12345'), 400);
    expect(error.fields?.map((f) => f.field)).toEqual(['q']);
    expect(await refusal(search(admin.token, borrower.phone), 403)).toBeTruthy();
    // The text never travels in a URL: the old GET form is not served.
    const inUrl = await api.fetch('GET', `/v1/search?q=${encodeURIComponent(borrower.phone)}`, {
      token: riskManager.token,
    });
    expect(inUrl.status).toBe(404);
  });

  it('no SQL text or parameter of a search carries the plaintext; no stored column holds it', async () => {
    const keyring = readKeyFile(stack.dataKeyFile);
    const seen: string[] = [];
    const watched = postgres(stack.databaseUrl, {
      max: 1,
      onnotice: () => {},
      debug: (_connection, query, parameters) => seen.push(query, JSON.stringify(parameters)),
    }) as unknown as Sql;
    try {
      const [me] = await sql<{ id: string }[]>`select id from users where username = 'risk_manager'`;
      const user: AuthUser = { userId: me!.id, username: 'risk_manager', role: 'RISK_MANAGER', tokenId: 'test' };
      for (const [kind, value] of [
        ['phone', borrower.phone],
        ['idNumber', borrower.idNumber],
        ['name', borrower.name],
      ] as const) {
        const rows = await searchLoans(watched, keyring, user, { kind, value });
        expect(rows.map((r) => r.id)).toContain(loanId);
      }
    } finally {
      await watched.end();
    }
    expect(seen.length).toBeGreaterThanOrEqual(6);
    const text = seen.join('\n');
    for (const plain of [borrower.phone, borrower.idNumber, borrower.name]) expect(text).not.toContain(plain);

    const [row] = await sql<Array<Record<string, unknown>>>`select * from users where id = ${borrower.userId}`;
    const stored = JSON.stringify(row);
    for (const plain of [borrower.phone, borrower.idNumber, borrower.name]) expect(stored).not.toContain(plain);
    expect(row!.name_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a borrower written before the name index gets it from the backfill the API runs at start', async () => {
    const keyring = readKeyFile(stack.dataKeyFile);
    const [before] = await sql<{ name_hash: string }[]>`select name_hash from users where id = ${borrower.userId}`;
    await sql`update users set name_hash = null where id = ${borrower.userId}`;
    expect((await search(riskManager.token, borrower.name)).results.map((r) => r.loanId)).not.toContain(loanId);

    expect(await backfillNameIndex(sql, { keyring, cipher: createFieldCipher(keyring) })).toBeGreaterThanOrEqual(1);
    const [after] = await sql<{ name_hash: string }[]>`select name_hash from users where id = ${borrower.userId}`;
    expect(after!.name_hash).toBe(before!.name_hash);
    expect((await search(riskManager.token, borrower.name)).results.map((r) => r.loanId)).toContain(loanId);
  });

  it('the borrower 360 lists every loan, earlier ones too, with documents and notes, masked; each view is audited', async () => {
    type Profile = {
      borrower: { borrowerId: string; name: string; phone: string; idNumber: string };
      loans: Array<{ loanId: string; status: string }>;
      documents: Array<{ loanId: string; type: string; sha256: string }>;
      payments: unknown[];
      contacts: unknown[];
      notes: unknown[];
    };
    const profile = await api.call<Profile>('GET', `/v1/borrowers/${borrower.userId}`, {
      token: initialReviewer.token,
    });
    expect(profile.loans.map((l) => [l.loanId, l.status])).toEqual([
      [loanId, 'INITIAL_REVIEW'],
      [earlierLoanId, 'WITHDRAWN'],
    ]);
    expect(profile.documents.length).toBeGreaterThan(0);
    expect(profile.documents.every((d) => d.loanId === loanId && /^[0-9a-f]{64}$/.test(d.sha256))).toBe(true);
    expect(profile.payments).toEqual([]);
    const text = JSON.stringify(profile);
    for (const plain of [borrower.phone, borrower.idNumber, borrower.name]) expect(text).not.toContain(plain);
    expect(profile.borrower.name.startsWith('司马')).toBe(true);

    // A collector with no case of this borrower, and a borrower id nobody has: 404, audited as refused.
    await refusal(api.call('GET', `/v1/borrowers/${borrower.userId}`, { token: collector.token }), 404);
    await refusal(api.call('GET', `/v1/borrowers/${borrower.userId}`, { token: admin.token }), 403);
    await refusal(api.call('GET', `/v1/borrowers/${borrower.userId}`, { token: session.token }), 403);

    const rows = await auditRows('BORROWER_360_READ', { resourceId: borrower.userId });
    expect(rows.map((r) => [r.actor_role, r.result])).toEqual([
      ['INITIAL_REVIEWER', 'SUCCESS'],
      ['COLLECTOR', 'DENIED'],
    ]);
    expect(rows[0]!.detail.loans).toEqual([loanId, earlierLoanId]);
  });
});
