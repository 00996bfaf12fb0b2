// Every answer matches the contract (issue 18): the real stack is driven through the main
// journeys — an admin making a channel's API key, a borrower applying through that channel,
// reviewers deciding, the borrower signing and repaying online, finance posting cash with a
// checker, the risk manager's products, a loan officer applying offline, search, the borrower 360
// and the audit log — and every answer the API gives is checked against /openapi.json: its
// operation and status are documented, and its JSON body is valid against the schema documented
// for that status. The loans show the channel whose API key came with the application.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiClient, personalLoanApplication, type Json, type Session } from '../../drivers/api-client.js';
import { repayOnline } from '../../drivers/online-payments.js';
import { ResponseChecker, type Answer } from '../contract/response-check.js';
import type { OpenApiDocument } from '../contract/schema-walk.js';

const stack = inject('stack');

/** The API client the journeys use, keeping every answer it receives. */
class RecordingApiClient extends ApiClient {
  readonly answers: Answer[] = [];

  override async fetch(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; form?: FormData } = {},
  ): Promise<Response> {
    const response = await super.fetch(method, path, options);
    const text = await response.clone().text();
    this.answers.push({
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
    });
    return response;
  }
}

const api = new RecordingApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const channel = `CONTRACT_${randomUUID().slice(0, 8).toUpperCase()}`;
let checker: ResponseChecker;
let channelKey: string;
let borrower: Session;
let borrowerId: string;
let loanId: string;

beforeAll(async () => {
  const doc = (await (await fetch(new URL('/openapi.json', stack.apiUrl))).json()) as OpenApiDocument;
  checker = new ResponseChecker(doc);
});

describe('the main journeys, every answer recorded', () => {
  it('admin: makes an API key for a channel and lists the keys', async () => {
    const admin = await api.login('admin');
    const made = await api.call<{ key: string; channel: string }>('POST', '/v1/api-keys', {
      token: admin.token,
      body: { channel },
    });
    expect(made.channel).toBe(channel);
    channelKey = made.key;
    await api.call('GET', '/v1/api-keys', { token: admin.token });
  });

  it('borrower through the channel: products, an application with the API key, documents; the loan shows the channel', async () => {
    const person = await api.registerBorrower();
    borrowerId = person.userId;
    borrower = await api.login(person.phone, person.password);
    const viaChannel = { 'x-api-key': channelKey };
    await api.call('GET', '/v1/auth/me', { token: borrower.token });
    const { products } = await api.call<{ products: Array<{ code: string }> }>('GET', '/v1/products', {
      token: borrower.token,
      headers: viaChannel,
    });
    await api.call('GET', `/v1/products/${products[0]!.code}`, { token: borrower.token, headers: viaChannel });
    // 60,000.00 (the default) is above the product's automatic approval: the loan goes to people.
    const body = personalLoanApplication(person);
    const key = `contract-${randomUUID()}`;
    const applied = await api.call<{ loanId: string; requiredDocuments: string[] }>('POST', '/v1/applications', {
      token: borrower.token,
      body,
      headers: { ...viaChannel, 'idempotency-key': key },
    });
    loanId = applied.loanId;
    const replayed = await api.call<{ replayed: boolean }>('POST', '/v1/applications', {
      token: borrower.token,
      body,
      headers: { ...viaChannel, 'idempotency-key': key },
    });
    expect(replayed.replayed).toBe(true);
    const unknownField = await api.fetch('POST', '/v1/applications', {
      token: borrower.token,
      body: { ...body, rate: '0.01' },
      headers: { 'idempotency-key': `contract-${randomUUID()}` },
    });
    expect(unknownField.status).toBe(400);
    await api.uploadRequiredDocuments(borrower.token, loanId, applied.requiredDocuments);

    const seen = await api.call<Json>('GET', `/v1/loans/${loanId}`, { token: borrower.token, headers: viaChannel });
    expect(seen.channel).toBe(channel);
    expect((await api.loan(borrower.token, loanId)).channel).toBe(channel);
    const { loans } = await api.call<{ loans: Array<{ loanId: string; channel: string }> }>('GET', '/v1/loans', {
      token: borrower.token,
    });
    expect(loans.find((l) => l.loanId === loanId)?.channel).toBe(channel);
  });

  it('reviewers: the inbox, the staff detail with the channel, both reviews', async () => {
    const [initial, final] = await Promise.all([api.login('initial_reviewer'), api.login('final_reviewer')]);
    await api.waitForLoanStatus(borrower.token, loanId, 'INITIAL_REVIEW', 120_000);
    const staffDetail = await api.call<Json>('GET', `/v1/loans/${loanId}`, { token: initial.token });
    expect(staffDetail.channel).toBe(channel);
    await api.call('GET', '/v1/tasks', { token: initial.token });
    const { loans } = await api.call<{ loans: Array<{ loanId: string; channel: string }> }>(
      'GET',
      '/v1/loans?status=INITIAL_REVIEW&limit=200',
      { token: initial.token },
    );
    expect(loans.find((l) => l.loanId === loanId)?.channel).toBe(channel);
    await api.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: initial.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全' },
    });
    await api.waitForLoanStatus(borrower.token, loanId, 'FINAL_REVIEW');
    await api.call('GET', `/v1/loans/${loanId}`, { token: final.token });
    await api.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: final.token,
      body: { stage: 'FINAL', decision: 'APPROVE', comment: '同意' },
    });
    await api.waitForLoanStatus(borrower.token, loanId, 'AWAITING_SIGNATURE', 60_000);
  });

  it('borrower: reads the contract and its hash, signs, is paid out, repays online', async () => {
    await api.signContract(borrower.token, loanId);
    await api.waitForLoanStatus(borrower.token, loanId, 'ACTIVE', 120_000);
    await api.call('GET', `/v1/loans/${loanId}/schedule`, { token: borrower.token });
    await api.payoff(borrower.token, loanId);
    await repayOnline(api, borrower.token, loanId, { amount: '100.00', paymentId: `online-${randomUUID()}` });
    await api.call('GET', `/v1/loans/${loanId}/repayments`, { token: borrower.token });
    await api.call('GET', `/v1/loans/${loanId}`, { token: borrower.token });
  });

  it('finance: a cash posting approved by a second finance user, the loan’s journal', async () => {
    const [maker, second] = await Promise.all([api.login('finance'), api.login('finance_checker')]);
    const paymentId = `cash-${randomUUID()}`;
    const made = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: maker.token,
      body: { paymentId, amount: '50.00', channel: 'CASH' },
    });
    expect(made.status).toBe(202);
    await api.call('GET', '/v1/finance/repayments', { token: second.token });
    await api.call('POST', `/v1/finance/repayments/${paymentId}/approve`, { token: second.token });
    await api.call('GET', `/v1/loans/${loanId}/repayments`, { token: maker.token });
    await api.call('GET', `/v1/finance/ledger/loans/${loanId}`, { token: maker.token });
    await api.call('GET', '/v1/finance/provision-rates', { token: maker.token });
    await api.call('GET', `/v1/loans/${loanId}`, { token: maker.token });
  });

  it('risk manager: the products as staff see them, a product saved, the borrower 360', async () => {
    const risk = await api.login('risk_manager');
    const { products } = await api.call<{ products: Array<Json & { code: string; loanType: string }> }>(
      'GET',
      '/v1/products',
      { token: risk.token },
    );
    const base = products.find((p) => p.loanType === 'PERSONAL_CONSUMER')!;
    await api.call('GET', `/v1/products/${base.code}`, { token: risk.token });
    const code = `CONTRACT_${randomUUID().slice(0, 8).toUpperCase()}`;
    await api.call('PUT', `/v1/products/${code}`, { token: risk.token, body: { ...base, code } });
    const found = await api.call<{ results: Array<{ borrower: { borrowerId: string } }> }>('POST', '/v1/search', {
      token: risk.token,
      body: { q: loanId },
    });
    expect(found.results[0]?.borrower.borrowerId).toBe(borrowerId);
    const profile = await api.call<{ loans: Array<{ loanId: string; channel: string }> }>(
      'GET',
      `/v1/borrowers/${borrowerId}`,
      { token: risk.token },
    );
    expect(profile.loans.find((l) => l.loanId === loanId)?.channel).toBe(channel);
    await api.call('GET', '/v1/reports/dashboard', { token: risk.token });
  });

  it('loan officer: an offline application, shown as OFFLINE; auditor: the audit log; refusals', async () => {
    const officer = await api.login('loan_officer');
    const person = await api.registerBorrower();
    const applied = await api.call<{ loanId: string }>('POST', '/v1/applications', {
      token: officer.token,
      body: personalLoanApplication(person, { amount: '6000.00' }),
      headers: { 'idempotency-key': `contract-${randomUUID()}` },
    });
    expect((await api.call<Json>('GET', `/v1/loans/${applied.loanId}`, { token: officer.token })).channel).toBe(
      'OFFLINE',
    );
    await api.call('GET', '/v1/loans', { token: officer.token });
    const auditor = await api.login('auditor');
    await api.call('GET', `/v1/audit?loanId=${loanId}&limit=50`, { token: auditor.token });
    expect((await api.fetch('GET', '/v1/loans/loan-20000101-0000000000', { token: officer.token })).status).toBe(404);
    expect((await api.fetch('GET', `/v1/loans/${loanId}`)).status).toBe(401);
    // Withdrawn, so the officer's loan leaves nothing running.
    await api.fetch('POST', `/v1/loans/${applied.loanId}/withdraw`, { token: officer.token, body: { reason: 'test' } });
  });
});

describe('the answers against /openapi.json', () => {
  it('finds a body that breaks its schema and a status that is not documented', () => {
    const detail = api.answers.find((a) => a.method === 'GET' && a.path === `/v1/loans/${loanId}` && a.status === 200)!;
    const broken = {
      ...detail,
      text: JSON.stringify({ ...(JSON.parse(detail.text) as Json), status: 'NOT_A_STATUS' }),
    };
    expect(checker.problemsOf(broken)).toEqual([
      expect.stringContaining(`GET /v1/loans/{loanId} 200: body does not match`),
    ]);
    expect(checker.problemsOf({ ...detail, status: 418 })).toEqual([
      'GET /v1/loans/{loanId} 418: status not documented',
    ]);
  });

  it('every answer the journeys received matches the schema documented for its operation and status', () => {
    const problems = [...new Set(api.answers.flatMap((answer) => checker.problemsOf(answer)))];
    expect(problems).toEqual([]);
    expect(api.answers.length).toBeGreaterThan(40);
    expect([...checker.covered].sort()).toEqual(
      expect.arrayContaining([
        'GET /v1/loans/{loanId} 200',
        'GET /v1/loans 200',
        'GET /v1/products 200',
        'PUT /v1/products/{code} 200',
        'POST /v1/loans/{loanId}/reviews 200',
        'POST /v1/finance/repayments/{paymentId}/approve 200',
        'GET /v1/borrowers/{borrowerId} 200',
        'GET /v1/loans/{loanId}/contract 200',
        'POST /v1/applications 201',
        'POST /v1/applications 400',
      ]),
    );
  });
});
