// Classification override with approval (五级分类调整) over HTTP on the running stack: a risk
// manager proposes a class for a paid-out loan; the proposer cannot approve it, a user without
// classification:override cannot touch it, two risk managers approving at once get one 200 and one
// 409; the approved class shows in the staff loan detail, the loan list and the dashboard, the
// provision moves, the timeline gets CLASSIFICATION_OVERRIDDEN; a lift returns to the computed class.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let proposer: Session;
let checkerA: Session;
let checkerB: Session;
let finance: Session;
let loanId: string;

interface Answer {
  status: number;
  body: { error?: { code: string; message: { zh: string; en: string }; fields?: Array<{ field: string }> } } & Record<
    string,
    unknown
  >;
}

async function send(method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await api.fetch(method, path, { token, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function anotherRiskManager(): Promise<Session> {
  const admin = await api.login('admin');
  const username = `rm_${randomUUID().slice(0, 8)}`;
  await api.call('POST', '/v1/auth/users', {
    token: admin.token,
    body: { username, password: 'Checker@2026x', role: 'RISK_MANAGER' },
  });
  return api.login(username, 'Checker@2026x');
}

const propose = (token: string, body: unknown) =>
  send('POST', `/v1/loans/${loanId}/classification-overrides`, token, body);
const approve = (id: string, token: string) => send('POST', `/v1/classification-overrides/${id}/approve`, token);
const reject = (id: string, token: string, body: unknown) =>
  send('POST', `/v1/classification-overrides/${id}/reject`, token, body);

async function detailClass(): Promise<string> {
  const detail = await api.loan(proposer.token, loanId);
  return (detail.servicing as { classification: string }).classification;
}

async function listedClass(): Promise<string | null> {
  const { loans } = await api.call<{ loans: Array<{ loanId: string; classification: string | null }> }>(
    'GET',
    '/v1/loans?limit=100',
    { token: proposer.token },
  );
  return loans.find((l) => l.loanId === loanId)?.classification ?? null;
}

async function borrowerViewClass(): Promise<string | undefined> {
  const [row] = await sql<{ borrower_id: string }[]>`select borrower_id from loans where id = ${loanId}`;
  const profile = await api.call<{ loans: Array<{ loanId: string; classification: string }> }>(
    'GET',
    `/v1/borrowers/${row!.borrower_id}`,
    { token: proposer.token },
  );
  return profile.loans.find((l) => l.loanId === loanId)?.classification;
}

async function dashboardClasses(): Promise<Record<string, number>> {
  const figures = await api.call<{ classification: Array<{ classification: string; loans: number }> }>(
    'GET',
    '/v1/reports/dashboard',
    { token: proposer.token },
  );
  return Object.fromEntries(figures.classification.map((c) => [c.classification, c.loans]));
}

async function provisionHeld(): Promise<string> {
  const [row] = await sql<{ held: string }[]>`
    select coalesce(sum(credit - debit), 0)::numeric(14, 2)::text as held
    from journal_lines where loan_id = ${loanId} and account = 'LOAN_LOSS_RESERVE'`;
  return row!.held;
}

beforeAll(async () => {
  [proposer, checkerA, checkerB, finance] = await Promise.all([
    api.login('risk_manager'),
    anotherRiskManager(),
    anotherRiskManager(),
    api.login('finance'),
  ]);
  ({ loanId } = await activeLoanOverHttp(api));
}, 300_000);

afterAll(async () => {
  await sql.end();
});

describe('classification override 五级分类调整 (maker-checker)', () => {
  it('refuses bad input naming the field, a user without the permission, and a loan not paid out', async () => {
    const bad = await propose(proposer.token, { toClass: 'TERRIBLE', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.fields!.map((f) => f.field)).toContain('toClass');
    expect(bad.body.error!.message.zh).toBeTruthy();
    const noReason = await propose(proposer.token, { toClass: 'SUBSTANDARD', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error!.fields!.map((f) => f.field)).toContain('reason');
    const byFinance = await propose(finance.token, { toClass: 'SUBSTANDARD', reason: 'not mine to decide' });
    expect(byFinance.status).toBe(403);
    const unknown = await send('POST', `/v1/loans/loan-20260101-0000000000/classification-overrides`, proposer.token, {
      toClass: 'SUBSTANDARD',
      reason: 'no such loan',
    });
    expect(unknown.status).toBe(404);
  });

  it('an approved class holds: self-approval 403, one of two approvals at once, detail, list, dashboard, provision, timeline, audit', async () => {
    expect(await detailClass()).toBe('NORMAL');
    const before = await dashboardClasses();
    const heldBefore = await provisionHeld();

    const proposed = await propose(proposer.token, {
      toClass: 'SUBSTANDARD',
      reason: '借款人经营困难 / the borrower’s business is failing',
    });
    expect(proposed.status).toBe(201);
    const overrideId = proposed.body.overrideId as string;
    expect(proposed.body.status).toBe('PENDING');

    const second = await propose(checkerA.token, { toClass: 'DOUBTFUL', reason: 'another one' });
    expect(second.status).toBe(409);
    expect(second.body.error!.code).toBe('OVERRIDE_PENDING');

    const own = await approve(overrideId, proposer.token);
    expect(own.status).toBe(403);
    expect(own.body.error!.code).toBe('OWN_PROPOSAL');
    expect(own.body.error!.message.en).toMatch(/proposer/);
    expect((await send('POST', `/v1/classification-overrides/${overrideId}/approve`, finance.token)).status).toBe(403);
    expect(await detailClass()).toBe('NORMAL');

    const answers = await Promise.all([approve(overrideId, checkerA.token), approve(overrideId, checkerB.token)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!;
    expect(won.body).toMatchObject({ from: 'NORMAL', to: 'SUBSTANDARD' });
    expect(answers.find((a) => a.status === 409)!.body.error!.code).toBe('ALREADY_DECIDED');
    expect((await reject(overrideId, checkerB.token, { reason: 'too late' })).status).toBe(409);

    expect(await detailClass()).toBe('SUBSTANDARD');
    expect(await listedClass()).toBe('SUBSTANDARD');
    expect(await borrowerViewClass()).toBe('SUBSTANDARD');
    const after = await dashboardClasses();
    expect(after.SUBSTANDARD).toBe((before.SUBSTANDARD ?? 0) + 1);
    expect(after.NORMAL).toBe((before.NORMAL ?? 0) - 1);
    expect(Number(await provisionHeld())).toBeGreaterThan(Number(heldBefore));

    const events = await sql<{ kind: string; detail: Record<string, unknown> }[]>`
      select kind, detail from loan_events where loan_id = ${loanId} and kind = 'CLASSIFICATION_OVERRIDDEN' order by id`;
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ from: 'NORMAL', to: 'SUBSTANDARD' });
    const detail = await api.loan(proposer.token, loanId);
    expect((detail.timeline as Array<{ kind: string }>).map((t) => t.kind)).toContain('CLASSIFICATION_OVERRIDDEN');

    const audit = await sql<{ action: string; result: string }[]>`
      select action, result from audit_log where resource_id = ${overrideId} order by at, id`;
    expect(audit.map((a) => `${a.action}:${a.result}`)).toEqual(
      expect.arrayContaining([
        'CLASSIFICATION_OVERRIDE_PROPOSE:SUCCESS',
        'CLASSIFICATION_OVERRIDE_APPROVE:DENIED',
        'CLASSIFICATION_OVERRIDE_APPROVE:SUCCESS',
      ]),
    );
  });

  it('a rejected proposal changes nothing; a lift returns to the computed class and releases the provision', async () => {
    const proposed = await propose(checkerA.token, { toClass: 'LOSS', reason: 'fraud suspected' });
    expect(proposed.status).toBe(201);
    const rejected = await reject(proposed.body.overrideId as string, checkerB.token, { reason: 'not shown' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    expect(await detailClass()).toBe('SUBSTANDARD');

    const lift = await propose(checkerA.token, { toClass: 'COMPUTED', reason: 'business recovered' });
    expect(lift.status).toBe(201);
    const lifted = await approve(lift.body.overrideId as string, proposer.token);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ from: 'SUBSTANDARD', to: 'NORMAL' });
    expect(await detailClass()).toBe('NORMAL');
    expect(await listedClass()).toBe('NORMAL');
    expect(await borrowerViewClass()).toBe('NORMAL');
    const [rates] = await sql<{ rate: string }[]>`
      select rate::text from provision_rates where classification = 'NORMAL'`;
    const [loanRow] = await sql<{ principal: string }[]>`
      select outstanding_principal::text as principal from loans where id = ${loanId}`;
    expect(Number(await provisionHeld())).toBeCloseTo(Number(loanRow!.principal) * Number(rates!.rate), 2);
    const kinds = await sql<{ detail: Record<string, unknown> }[]>`
      select detail from loan_events where loan_id = ${loanId} and kind = 'CLASSIFICATION_OVERRIDDEN' order by id`;
    expect(kinds.map((k) => [k.detail.from, k.detail.to])).toEqual([
      ['NORMAL', 'SUBSTANDARD'],
      ['SUBSTANDARD', 'NORMAL'],
    ]);
  });
});
