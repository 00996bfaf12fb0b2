// The books finance closes a month with, over HTTP on the running stack: the bank account funded
// by capital (the bank's opening balance at start-up, and injections one finance user asks for and
// another approves), loan-loss provisions moving with a loan's class, the trial balance of a month,
// the general-ledger CSV whose debits and credits tie out, and month-end close, maker-checker too:
// the maker approving is 403, two checkers at once is one 200 and one 409, a retry with the same
// Idempotency-Key repeats the answer, closing twice is 409, and a late posting, through the API or
// straight into the database, lands in the first open month with its own date kept.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ACCOUNT_NUMBERS } from '../../domain/chart-of-accounts.js';
import { DEFAULT_PROVISION_RATES } from '../../domain/provisions.js';
import { Dec } from '../../domain/money.js';
import { runReconciliation } from '../../db/ledger-reads.js';
import { createLogger } from '../../lib/logger.js';
import { createBankClient } from '../../partners/bank-client.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { anotherFinanceUser, financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let finance: Session;
let checker: Session;
let auditor: Session;
let collector: Session;
let risk: Session;

// A month of the 1990s no other test posts in, closed by this file alone.
const year = 1991 + randomInt(9);
const month = 1 + randomInt(12);
const period = `${year}-${String(month).padStart(2, '0')}`;
const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;

interface Answer {
  status: number;
  body: { error?: { code: string; fields?: Array<{ field: string; message: { zh: string; en: string } }> } } & Record<
    string,
    unknown
  >;
}

async function send(
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<Answer> {
  const response = await api.fetch(method, path, {
    token,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Answer['body']) : { text } };
}

const inject_ = (token: string, body: Record<string, unknown>) =>
  send('POST', '/v1/finance/capital-injections', token, body);
const approve = (requestId: string, token: string, key?: string) =>
  send(
    'POST',
    `/v1/finance/ledger-requests/${requestId}/approve`,
    token,
    undefined,
    key ? { 'Idempotency-Key': key } : undefined,
  );
const reject = (requestId: string, token: string, body: unknown) =>
  send('POST', `/v1/finance/ledger-requests/${requestId}/reject`, token, body);
const requestIdOf = (a: Answer) => a.body.requestId as string;

/** Asks as the maker and approves as the checker: the approval's answer. */
async function approved(asked: Answer): Promise<Answer> {
  expect(asked.status).toBe(202);
  const answer = await approve(requestIdOf(asked), checker.token);
  expect(answer.status).toBe(200);
  return answer;
}
const fieldsOf = (a: Answer) => (a.body.error?.fields ?? []).map((f) => f.field);

interface TrialBalance {
  period: string;
  closed: boolean;
  accounts: Array<{
    account: string;
    accountNo: string;
    opening: string;
    debits: string;
    credits: string;
    closing: string;
  }>;
  totals: { debits: string; credits: string };
}

async function trial(p: string): Promise<TrialBalance> {
  const a = await send('GET', `/v1/finance/ledger/trial-balance?period=${p}`, finance.token);
  expect(a.status).toBe(200);
  return a.body as unknown as TrialBalance;
}

function account(tb: TrialBalance, name: string) {
  return tb.accounts.find((a) => a.account === name)!;
}

async function csv(from: string, to: string): Promise<Array<Record<string, string>>> {
  const response = await api.fetch('GET', `/v1/finance/ledger/general-ledger.csv?from=${from}&to=${to}`, {
    token: finance.token,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/csv/);
  const [header, ...rows] = (await response.text())
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  const names = header!.split(',');
  // The exported memos and references hold no commas or quotes; a plain split reads them.
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [names[i]!, v])));
}

function sumOf(rows: Array<Record<string, string>>, column: string): string {
  return rows.reduce((s, r) => s.plus(r[column]!), new Dec(0)).toFixed(2);
}

beforeAll(async () => {
  ({ maker: finance, checker } = await financeMakerAndChecker(api));
  [auditor, collector, risk] = await Promise.all([
    api.login('auditor'),
    api.login('collector'),
    api.login('risk_manager'),
  ]);
});
afterAll(async () => {
  await sql.end();
});

describe('month-end close', () => {
  const firstId = `cap-${randomUUID()}`;

  it('records capital once a second finance user approves it, once per injectionId, audited', async () => {
    const body = {
      injectionId: firstId,
      amount: '1000.00',
      effectiveOn: `${period}-10`,
      reference: 'board resolution',
    };
    const first = await inject_(finance.token, body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      kind: 'CAPITAL_INJECTION',
      injectionId: firstId,
      amount: '1000.00',
      status: 'PENDING_APPROVAL',
      maker: { username: 'finance' },
    });
    const requestId = requestIdOf(first);
    const again = await inject_(finance.token, body);
    expect(again.status).toBe(200);
    expect(again.body.requestId).toBe(requestId);
    expect((await inject_(finance.token, { ...body, amount: '1000.01' })).status).toBe(409);
    // Nothing is posted while it waits.
    expect(await sql`select 1 from journal_entries where business_key = ${`capital:${firstId}`}`).toHaveLength(0);
    const listed = await send('GET', '/v1/finance/ledger-requests', checker.token);
    expect((listed.body.items as Array<{ requestId: string }>).map((r) => r.requestId)).toContain(requestId);

    // The maker cannot approve it.
    const own = await approve(requestId, finance.token, `own-${randomUUID()}`);
    expect(own.status).toBe(403);
    expect(own.body.error!.code).toBe('OWN_REQUEST');

    const key = `approve-${randomUUID()}`;
    const ok = await approve(requestId, checker.token, key);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'APPROVED',
      injection: { amount: '1000.00', effectiveOn: `${period}-10`, postedOn: `${period}-10` },
      closed: null,
    });
    // A retry with the same key repeats the answer; without it, or by another user, it is decided.
    const retried = await approve(requestId, checker.token, key);
    expect(retried.status).toBe(200);
    expect(retried.body.injection).toEqual(ok.body.injection);
    expect((await approve(requestId, checker.token)).status).toBe(409);
    expect((await approve(requestId, checker.token, `other-${randomUUID()}`)).status).toBe(409);
    const lines = await sql`
      select l.* from journal_lines l join journal_entries e on e.id = l.entry_id where e.business_key = ${`capital:${firstId}`}`;
    expect(lines).toHaveLength(2);
    // Asking again answers the approved request.
    const afterwards = await inject_(finance.token, body);
    expect(afterwards.status).toBe(200);
    expect(afterwards.body).toMatchObject({ requestId, status: 'APPROVED' });

    const audit = await sql<{ action: string; result: string; actor_role: string }[]>`
      select action, result, actor_role from audit_log
      where (resource_type = 'capital_injection' and resource_id = ${firstId})
         or (resource_type = 'ledger_request' and resource_id = ${requestId})
      order by id`;
    expect(audit.map((a) => `${a.action}:${a.result}`)).toEqual([
      'CAPITAL_INJECTION_REQUEST:SUCCESS',
      'LEDGER_REQUEST_APPROVE:DENIED',
      'CAPITAL_INJECTED:SUCCESS',
      'LEDGER_REQUEST_APPROVE:SUCCESS',
      'LEDGER_REQUEST_APPROVE:DENIED',
      'LEDGER_REQUEST_APPROVE:DENIED',
    ]);
    expect(new Set(audit.map((a) => a.actor_role))).toEqual(new Set(['FINANCE']));
  });

  it('rejects a request with a reason: nothing is posted, and it may be asked for again', async () => {
    const injectionId = `cap-${randomUUID()}`;
    const body = { injectionId, amount: '7.00', effectiveOn: `${period}-11`, reference: 'wrong account' };
    const asked = await inject_(finance.token, body);
    expect(asked.status).toBe(202);
    const requestId = requestIdOf(asked);
    const noReason = await reject(requestId, checker.token, {});
    expect(noReason.status).toBe(400);
    expect(fieldsOf(noReason)).toEqual(['reason']);
    expect((await reject(requestId, finance.token, { reason: 'mine' })).status).toBe(403);
    const rejected = await reject(requestId, checker.token, { reason: 'not received' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectReason: 'not received' });
    expect((await approve(requestId, checker.token)).status).toBe(409);
    expect(await sql`select 1 from capital_injections where injection_id = ${injectionId}`).toHaveLength(0);
    const anew = await inject_(finance.token, body);
    expect(anew.status).toBe(202);
    expect(requestIdOf(anew)).not.toBe(requestId);
    expect((await reject(requestIdOf(anew), checker.token, { reason: 'still not received' })).status).toBe(200);
  });

  it('closes a month once a second finance user approves; closing it again is 409', async () => {
    const asked = await send('POST', `/v1/finance/periods/${period}/close`, finance.token);
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ kind: 'PERIOD_CLOSE', period, status: 'PENDING_APPROVAL' });
    const pending = await send('GET', '/v1/finance/periods', auditor.token);
    expect((pending.body.closed as Array<{ period: string }>).map((p) => p.period)).not.toContain(period);
    expect((await approve(requestIdOf(asked), finance.token)).status).toBe(403);
    const closed = await approved(asked);
    expect(closed.body.closed).toMatchObject({ period });
    const twice = await send('POST', `/v1/finance/periods/${period}/close`, finance.token);
    expect(twice.status).toBe(409);
    expect(twice.body.error!.code).toBe('PERIOD_ALREADY_CLOSED');
    const periods = await send('GET', '/v1/finance/periods', auditor.token);
    expect((periods.body.closed as Array<{ period: string }>).map((p) => p.period)).toContain(period);
    const [audit] = await sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'LEDGER_PERIOD_CLOSED' and resource_id = ${period}`;
    expect(audit!.n).toBe(1);
  });

  it('two asks for one month at the same moment make one request; two checkers approving at once: one 200, one 409', async () => {
    const other = `${1961 + randomInt(29)}-${String(month).padStart(2, '0')}`;
    const asks = await Promise.all([
      send('POST', `/v1/finance/periods/${other}/close`, finance.token),
      send('POST', `/v1/finance/periods/${other}/close`, finance.token),
    ]);
    expect(asks.map((a) => a.status).sort()).toEqual([200, 202]);
    expect(asks[0].body.requestId).toBe(asks[1].body.requestId);
    const second = await anotherFinanceUser(api);
    const answers = await Promise.all([
      approve(requestIdOf(asks[0]), checker.token),
      approve(requestIdOf(asks[0]), second.token),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const [closed] = await sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'LEDGER_PERIOD_CLOSED' and resource_id = ${other}`;
    expect(closed!.n).toBe(1);
  });

  it('posts a late entry to the first open month, keeping its own date, by the API and by a direct insert', async () => {
    const late = await approved(
      await inject_(finance.token, {
        injectionId: `cap-${randomUUID()}`,
        amount: '500.00',
        effectiveOn: `${period}-20`,
        reference: 'late',
      }),
    );
    expect(late.body.injection).toMatchObject({ effectiveOn: `${period}-20`, postedOn: `${next}-01` });

    // Straight into the database, as a superuser would: the trigger moves it all the same.
    const key = `test:direct:${randomUUID()}`;
    await sql.begin(async (tx) => {
      const [e] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, kind, effective_on, memo) values (${key}, 'CAPITAL', ${`${period}-05`}, 'direct')
        returning id`;
      await tx`insert into journal_lines (entry_id, line_no, account, debit, credit) values
        (${e!.id}, 1, 'BANK', 25, 0), (${e!.id}, 2, 'FUNDING_CAPITAL', 0, 25)`;
    });
    const [row] = await sql<{ effective_on: string; original_effective_on: string }[]>`
      select effective_on::text, original_effective_on::text from journal_entries where business_key = ${key}`;
    expect(row).toEqual({ effective_on: `${next}-01`, original_effective_on: `${period}-05` });
    // The closed month cannot be reopened either.
    await expect(sql`delete from ledger_periods where period = ${period}`).rejects.toThrow(/stays closed/);
  });

  it('trial balances of the closed month and the next tie out, opening to closing', async () => {
    const closed = await trial(period);
    expect(closed).toMatchObject({ period, closed: true, totals: { debits: '1000.00', credits: '1000.00' } });
    expect(account(closed, 'BANK')).toMatchObject({
      accountNo: '1002',
      opening: '0.00',
      debits: '1000.00',
      closing: '1000.00',
    });
    expect(account(closed, 'FUNDING_CAPITAL')).toMatchObject({
      accountNo: '4001',
      credits: '1000.00',
      closing: '1000.00',
    });
    const after = await trial(next);
    expect(after.closed).toBe(false);
    expect(after.totals).toEqual({ debits: '525.00', credits: '525.00' });
    expect(account(after, 'BANK')).toMatchObject({ opening: '1000.00', debits: '525.00', closing: '1525.00' });
    for (const tb of [closed, after])
      for (const a of tb.accounts) expect(a.accountNo).toBe(ACCOUNT_NUMBERS[a.account as keyof typeof ACCOUNT_NUMBERS]);
  });

  it('exports the general ledger as CSV whose debits and credits sum alike, with codes, references and dates', async () => {
    const rows = await csv(`${period}-01`, `${next}-28`);
    expect(rows.length).toBe(6);
    expect(sumOf(rows, 'debit')).toBe('1525.00');
    expect(sumOf(rows, 'credit')).toBe('1525.00');
    const first = rows.filter((r) => r.reference === `capital:${firstId}`);
    expect(first.map((r) => [r.date, r.account_code, r.debit, r.credit])).toEqual([
      [`${period}-10`, '1002', '1000.00', '0.00'],
      [`${period}-10`, '4001', '0.00', '1000.00'],
    ]);
    const moved = rows.filter((r) => r.original_date === `${period}-20`);
    expect(moved.map((r) => r.date)).toEqual([`${next}-01`, `${next}-01`]);
  });
});

describe('who may do it, and what a bad request is told', () => {
  it('answers 403 to roles without the permission', async () => {
    expect((await send('POST', `/v1/finance/periods/${next}/close`, auditor.token)).status).toBe(403);
    expect((await send('POST', `/v1/finance/periods/${next}/close`, collector.token)).status).toBe(403);
    expect((await send('GET', `/v1/finance/ledger/trial-balance?period=${period}`, collector.token)).status).toBe(403);
    expect(
      (await inject_(auditor.token, { injectionId: `cap-${randomUUID()}`, amount: '1.00', reference: 'x' })).status,
    ).toBe(403);
    const asked = await inject_(finance.token, { injectionId: `cap-${randomUUID()}`, amount: '1.00', reference: 'x' });
    for (const token of [auditor.token, collector.token, risk.token]) {
      expect((await approve(requestIdOf(asked), token)).status).toBe(403);
      expect((await reject(requestIdOf(asked), token, { reason: 'x' })).status).toBe(403);
      expect((await send('GET', '/v1/finance/ledger-requests', token)).status).toBe(403);
    }
    expect((await reject(requestIdOf(asked), checker.token, { reason: 'test request' })).status).toBe(200);
    expect(
      (await send('PUT', '/v1/finance/provision-rates', collector.token, { rates: DEFAULT_PROVISION_RATES })).status,
    ).toBe(403);
    expect((await send('GET', `/v1/finance/ledger/general-ledger.csv`, collector.token)).status).toBe(403);
  });

  it('names the field in both languages', async () => {
    const badPeriod = await send('GET', '/v1/finance/ledger/trial-balance?period=2026-13', finance.token);
    expect(badPeriod.status).toBe(400);
    expect(fieldsOf(badPeriod)).toEqual(['period']);
    expect(badPeriod.body.error!.fields![0]!.message.zh).toMatch(/YYYY-MM/);
    const notEnded = await send('POST', `/v1/finance/periods/2999-01/close`, finance.token);
    expect(notEnded.status).toBe(422);
    expect(fieldsOf(notEnded)).toEqual(['period']);
    const badAmount = await inject_(finance.token, {
      injectionId: `cap-${randomUUID()}`,
      amount: 'lots',
      reference: 'x',
    });
    expect(fieldsOf(badAmount)).toEqual(['amount']);
    const future = await inject_(finance.token, {
      injectionId: `cap-${randomUUID()}`,
      amount: '1.00',
      effectiveOn: '2999-01-01',
      reference: 'x',
    });
    expect(fieldsOf(future)).toEqual(['effectiveOn']);
    const unknown = await inject_(finance.token, {
      injectionId: `cap-${randomUUID()}`,
      amount: '1.00',
      reference: 'x',
      to: 'me',
    });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown)).toEqual(['to']);
    const backwards = await send(
      'GET',
      '/v1/finance/ledger/general-ledger.csv?from=2026-02-01&to=2026-01-01',
      finance.token,
    );
    expect(fieldsOf(backwards)).toEqual(['from']);
    const tooLong = await send(
      'GET',
      '/v1/finance/ledger/general-ledger.csv?from=2020-01-01&to=2026-01-01',
      finance.token,
    );
    expect(fieldsOf(tooLong)).toEqual(['to']);
    const badRates = await send('PUT', '/v1/finance/provision-rates', risk.token, {
      rates: { ...DEFAULT_PROVISION_RATES, LOSS: '2' },
    });
    expect(badRates.status).toBe(400);
    expect(fieldsOf(badRates)).toEqual(['rates.LOSS']);
  });
});

describe('funding and provisions on a real loan', () => {
  it('funds BANK from the bank’s opening balance, provisions 1% at payout, and keeps reconciliation clean', async () => {
    const rates = await send('PUT', '/v1/finance/provision-rates', risk.token, { rates: DEFAULT_PROVISION_RATES });
    expect(rates.status).toBe(200);
    const { loanId } = await activeLoanOverHttp(api);
    const ledger = await api.call<{
      balances: Record<string, string>;
      entries: Array<{ kind: string; businessKey: string; lines: Array<{ account: string; credit: string }> }>;
    }>('GET', `/v1/finance/ledger/loans/${loanId}`, { token: finance.token });
    const provision = ledger.entries.find((e) => e.kind === 'PROVISION');
    expect(provision?.businessKey).toBe(`loan:${loanId}:provision:1`);
    expect(provision?.lines.find((l) => l.account === 'LOAN_LOSS_RESERVE')?.credit).toBe('80.00');
    const [opening] = await sql<{ amount: string }[]>`
      select amount::text from capital_injections where injection_id = 'bank-opening-balance'`;
    expect(opening?.amount).toBe('100000000.00');
    const all = await send('GET', '/v1/finance/ledger/trial-balance', finance.token);
    const bank = (all.body.accounts as Array<{ account: string; debits: string; credits: string }>).find(
      (a) => a.account === 'BANK',
    )!;
    expect(new Dec(bank.debits).minus(bank.credits).isNeg()).toBe(false);
    expect(await findingsFor(sql, `${stack.simulatorUrl}/bank`, [loanId])).toEqual([]);
  });

  it('matches capital to the bank: the opening balance and an injection the bank received; one it did not is a finding', async () => {
    const log = createLogger('test', 'silent');
    const simulator = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log });
    const bank = createBankClient({ baseUrl: `${stack.simulatorUrl}/bank`, log, timeoutMs: 20_000 });
    const received = `cap-${randomUUID()}`;
    const missing = `cap-${randomUUID()}`;
    const deposit = await simulator.simulateIncomingPayment({
      reference: received,
      amount: '300.00',
      notifyUrl: `${stack.apiUrl}/v1/partners/bank/incoming`,
    });
    for (const injectionId of [received, missing])
      await approved(
        await inject_(finance.token, { injectionId, amount: '300.00', reference: 'wire from the parent' }),
      );
    const report = await runReconciliation(sql, bank, new Date());
    const about = (ref: string | null) =>
      ref !== null && [received, missing, 'bank-opening-balance', deposit.paymentId].some((id) => ref.includes(id));
    expect(report.findings.filter((f) => about(f.ref)).map((f) => [f.code, f.ref])).toEqual([
      ['CAPITAL_WITHOUT_DEPOSIT', `capital:${missing}`],
    ]);
  });
});
