// The collections work queue over the real stack: overdue loans become cases; two collectors
// claim one case at once and one wins (409 for the other); a collector cannot touch another's
// case (contact, contacts, unmasked phone); a contact outside 08:00–21:00 is refused 422 and
// nothing is recorded; a supervisor reassigns and assigns by the rule; a broken promise to pay
// raises the case and opens a supervisor task, a kept one does not; the figures count it all.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Borrower, type Session } from '../../drivers/api-client.js';
import { checkPromises } from '../../db/collection-promises.js';
import { instantOf, localDateOf } from '../../domain/business-time.js';
import { addDays } from '../../domain/dates.js';
import { useAuditChainKey } from '../../security/audit.js';
import { readKeyFile } from '../../security/keyring.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
afterAll(() => sql.end());

const TZ = 'Asia/Shanghai';
const today = () => localDateOf(Date.now(), TZ);
/** Yesterday at 10:00 local: always past, always inside the contact hours. */
const yesterdayMorning = () => new Date(instantOf(addDays(today(), -1), '10:00', TZ)).toISOString();

interface Case {
  caseId: string;
  loanId: string;
  bucket: string;
  daysPastDue: number;
  province: string | null;
  priority: string;
  assigneeId: string | null;
  assignedHow: string | null;
  promise: { promisedOn: string; amount: string } | null;
}

async function refusal(promise: Promise<unknown>, status: number) {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiCallError)) throw err;
    expect(err.status).toBe(status);
    return err.body!.error! as {
      code: string;
      message: { zh: string; en: string };
      fields?: Array<{ field: string }>;
    };
  }
  throw new Error(`expected HTTP ${status}`);
}

async function newCollector(admin: Session): Promise<{ session: Session; userId: string }> {
  const username = `coll_${randomUUID().slice(0, 8)}`;
  const { userId } = await api.call<{ userId: string }>('POST', '/v1/auth/users', {
    token: admin.token,
    body: { username, password: 'Collect@2026x', role: 'COLLECTOR' },
  });
  return { session: await api.login(username, 'Collect@2026x'), userId };
}

const contact = (token: string, caseId: string, body: Record<string, unknown>, key?: string) =>
  api.call<{ contactId: string; caseId: string; loanId: string }>('POST', `/v1/collections/cases/${caseId}/contacts`, {
    token,
    body,
    ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
  });

let supervisor: Session;
let admin: Session;
let a: { session: Session; userId: string };
let b: { session: Session; userId: string };
let loan1: { borrower: Borrower; loanId: string; session: Session };
let loan2: { borrower: Borrower; loanId: string; session: Session };
let case1: Case;
let case2: Case;

beforeAll(async () => {
  // The promise check runs here as it does in the API, audited under the stack's chain key.
  useAuditChainKey(readKeyFile(stack.dataKeyFile));
  [supervisor, admin] = await Promise.all([api.login('collection_supervisor'), api.login('admin')]);
  [a, b] = await Promise.all([newCollector(admin), newCollector(admin)]);
  [loan1, loan2] = await Promise.all([activeLoanOverHttp(api), activeLoanOverHttp(api)]);
  // A loan reaches OVERDUE only after a due date passes, a month of real time away: the test
  // writes the loan's projection as the workflow would on that day (status, days past due).
  await sql`update loans set status = 'OVERDUE', days_past_due = 5 where id = ${loan1.loanId}`;
  await sql`update loans set status = 'OVERDUE', days_past_due = 45 where id = ${loan2.loanId}`;
}, 600_000);

describe('the collections queue', () => {
  it('each overdue loan is an unassigned case with its bucket and the borrower’s province', async () => {
    const { mine, unassigned } = await api.call<{ mine: Case[]; unassigned: Case[] }>(
      'GET',
      '/v1/collections/my-cases',
      { token: a.session.token },
    );
    expect(mine).toEqual([]);
    case1 = unassigned.find((c) => c.loanId === loan1.loanId)!;
    case2 = unassigned.find((c) => c.loanId === loan2.loanId)!;
    expect(case1).toMatchObject({ bucket: 'M1', daysPastDue: 5, priority: 'NORMAL', assigneeId: null });
    expect(case2).toMatchObject({ bucket: 'M2', daysPastDue: 45 });
    expect(case1.province).toBe(loan1.borrower.idNumber.slice(0, 2));
    // Only collectors work the queue; only supervisors see every case.
    expect((await refusal(api.call('GET', '/v1/collections/my-cases', { token: supervisor.token }), 403)).code).toBe(
      'FORBIDDEN',
    );
    await refusal(api.call('GET', '/v1/collections/cases', { token: a.session.token }), 403);
    const all = await api.call<{ cases: Case[] }>('GET', '/v1/collections/cases', { token: supervisor.token });
    expect(all.cases.map((c) => c.caseId)).toEqual(expect.arrayContaining([case1.caseId, case2.caseId]));
  });

  it('two collectors claim one case at once: one wins, the other gets 409 CASE_TAKEN', async () => {
    const answers = await Promise.allSettled([
      api.call('POST', `/v1/collections/cases/${case1.caseId}/claim`, { token: a.session.token }),
      api.call('POST', `/v1/collections/cases/${case1.caseId}/claim`, { token: b.session.token }),
    ]);
    const won = answers.filter((x) => x.status === 'fulfilled');
    const lost = answers.flatMap((x) => (x.status === 'rejected' ? [x.reason as ApiCallError] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.status).toBe(409);
    expect(lost[0]!.body!.error!.code).toBe('CASE_TAKEN');
    // Make A the holder for the rest of the file, whoever won.
    const winner = answers[0].status === 'fulfilled' ? a : b;
    if (winner !== a)
      await api.call('POST', `/v1/collections/cases/${case1.caseId}/reassign`, {
        token: supervisor.token,
        body: { collectorId: a.userId, reason: '测试：由 A 跟进' },
      });
    const [loan] = await sql<{ collector_id: string }[]>`select collector_id from loans where id = ${loan1.loanId}`;
    expect(loan!.collector_id).toBe(a.userId);
    const claims = await sql`
      select actor_id from audit_log where action = 'COLLECTION_CASE_CLAIM' and resource_id = ${case1.caseId}`;
    expect(claims.map((r) => r.actor_id)).toEqual([winner.userId]);
    // A held case is not claimed again, even by its holder's colleague later.
    expect(
      (await refusal(api.call('POST', `/v1/collections/cases/${case1.caseId}/claim`, { token: b.session.token }), 409))
        .code,
    ).toBe('CASE_TAKEN');
  });

  it('another collector’s case is refused: contact 403, contacts 403, unmasked phone 403', async () => {
    const body = { outcome: 'NO_ANSWER', channel: 'CALL', note: '无人接听', contactedAt: yesterdayMorning() };
    expect((await refusal(contact(b.session.token, case1.caseId, body), 403)).code).toBe('CASE_NOT_YOURS');
    expect(
      (
        await refusal(
          api.call('GET', `/v1/collections/cases/${case1.caseId}/contacts`, { token: b.session.token }),
          403,
        )
      ).code,
    ).toBe('CASE_NOT_YOURS');
    const reason = '电话催收前核对号码';
    expect(
      (
        await refusal(
          api.call('POST', `/v1/loans/${loan1.loanId}/unmask`, {
            token: b.session.token,
            body: { fields: ['phone'], reason },
          }),
          403,
        )
      ).code,
    ).toBe('UNMASK_NOT_OWN_CASE');
    // The holder sees the phone, with a reason, audited.
    expect(
      await api.call('POST', `/v1/loans/${loan1.loanId}/unmask`, {
        token: a.session.token,
        body: { fields: ['phone'], reason },
      }),
    ).toEqual({ loanId: loan1.loanId, phone: loan1.borrower.phone });
    const rows = await sql`
      select actor_id, result from audit_log where action = 'PII_UNMASK' and loan_id = ${loan1.loanId} order by id`;
    expect(rows.map((r) => [r.actor_id, r.result])).toEqual([
      [b.userId, 'DENIED'],
      [a.userId, 'SUCCESS'],
    ]);
  });

  it('a contact outside 08:00–21:00 local time is refused 422 naming the rule, and nothing is recorded', async () => {
    for (const time of ['21:00', '22:30', '07:59']) {
      const contactedAt = new Date(instantOf(addDays(today(), -1), time, TZ)).toISOString();
      const error = await refusal(
        contact(a.session.token, case1.caseId, { outcome: 'NO_ANSWER', channel: 'CALL', note: '夜间', contactedAt }),
        422,
      );
      expect(error.code).toBe('OUTSIDE_CONTACT_HOURS');
      expect(error.message.zh).toContain('08:00–21:00');
      expect(error.message.en).toContain('between 08:00 and 21:00');
    }
    const [{ n }] = (await sql`select count(*)::int as n from collection_contacts where case_id = ${case1.caseId}`) as [
      { n: number },
    ];
    expect(n).toBe(0);
    const denied = await sql`
      select detail->>'refusal' as refusal from audit_log
      where action = 'COLLECTION_CONTACT' and resource_id = ${case1.caseId} and result = 'DENIED'`;
    expect(denied.filter((r) => r.refusal === 'OUTSIDE_CONTACT_HOURS')).toHaveLength(3);
  });

  it('contacts carry an outcome from the closed list; a promise needs its date and amount; retries record once', async () => {
    const bad = await refusal(
      contact(a.session.token, case1.caseId, { outcome: 'CALLED_LATER', channel: 'CALL', note: 'x' }),
      400,
    );
    expect(bad.fields!.map((f) => f.field)).toEqual(['outcome']);
    const noAmount = await refusal(
      contact(a.session.token, case1.caseId, {
        outcome: 'PROMISE_TO_PAY',
        channel: 'CALL',
        note: '答应周五还',
        contactedAt: yesterdayMorning(),
        promisedOn: today(),
      }),
      400,
    );
    expect(noAmount.fields!.map((f) => f.field)).toEqual(['promisedAmount']);
    const key = `contact-${randomUUID()}`;
    const body = {
      outcome: 'WRONG_NUMBER',
      channel: 'SMS',
      note: '短信退回，号码错误',
      contactedAt: yesterdayMorning(),
    };
    const first = await contact(a.session.token, case1.caseId, body, key);
    const again = await contact(a.session.token, case1.caseId, body, key);
    expect(again.contactId).toBe(first.contactId);
    const { contacts } = await api.call<{ contacts: Array<{ outcome: string; note: string; collectorName: string }> }>(
      'GET',
      `/v1/collections/cases/${case1.caseId}/contacts`,
      { token: supervisor.token },
    );
    expect(contacts).toEqual([expect.objectContaining({ outcome: 'WRONG_NUMBER', note: '短信退回，号码错误' })]);
    // The note is stored encrypted.
    const [row] = await sql<
      { note_enc: string }[]
    >`select note_enc from collection_contacts where id = ${first.contactId}`;
    expect(row!.note_enc).not.toContain('号码错误');
  });

  it('a supervisor reassigns: the new holder may act, the former one no longer', async () => {
    await refusal(
      api.call('POST', `/v1/collections/cases/${case1.caseId}/reassign`, {
        token: a.session.token,
        body: { collectorId: b.userId, reason: '自己改派' },
      }),
      403,
    );
    const notCollector = await refusal(
      api.call('POST', `/v1/collections/cases/${case1.caseId}/reassign`, {
        token: supervisor.token,
        body: { collectorId: (await sql`select id from users where username = 'auditor'`)[0]!.id, reason: '改派' },
      }),
      400,
    );
    expect(notCollector.fields!.map((f) => f.field)).toEqual(['collectorId']);
    await api.call('POST', `/v1/collections/cases/${case1.caseId}/reassign`, {
      token: supervisor.token,
      body: { collectorId: b.userId, reason: '调整工作量' },
    });
    const body = { outcome: 'NO_ANSWER', channel: 'CALL', note: '无人接听', contactedAt: yesterdayMorning() };
    expect((await refusal(contact(a.session.token, case1.caseId, body), 403)).code).toBe('CASE_NOT_YOURS');
    await contact(b.session.token, case1.caseId, body);
    const [audit] = await sql<{ detail: Record<string, unknown> }[]>`
      select detail from audit_log where action = 'COLLECTION_CASE_REASSIGN' and resource_id = ${case1.caseId}
      order by id desc limit 1`;
    expect(audit!.detail).toMatchObject({ from: a.userId, to: b.userId, reason: '调整工作量' });
  });

  it('the rule gives a case to the collector of its bucket and province', async () => {
    await api.call('PUT', `/v1/collections/collectors/${a.userId}/coverage`, {
      token: supervisor.token,
      body: { buckets: ['M2'], provinces: [case2.province] },
    });
    const badProvince = await refusal(
      api.call('PUT', `/v1/collections/collectors/${a.userId}/coverage`, {
        token: supervisor.token,
        body: { buckets: ['M2'], provinces: ['99'] },
      }),
      400,
    );
    expect(badProvince.fields!.map((f) => f.field)).toEqual(['provinces.0']);
    const { assigned } = await api.call<{ assigned: Array<{ caseId: string; assigneeId: string }> }>(
      'POST',
      '/v1/collections/assign-by-rule',
      { token: supervisor.token },
    );
    expect(assigned).toContainEqual(expect.objectContaining({ caseId: case2.caseId, assigneeId: a.userId }));
    const { mine } = await api.call<{ mine: Case[] }>('GET', '/v1/collections/my-cases', { token: a.session.token });
    expect(mine.map((c) => [c.caseId, c.assignedHow])).toEqual([[case2.caseId, 'RULE']]);
  });

  it('a promise to pay broken (its date passed without the amount) raises the case and opens a supervisor task', async () => {
    const { contactId } = await contact(a.session.token, case2.caseId, {
      outcome: 'PROMISE_TO_PAY',
      channel: 'CALL',
      note: '承诺今天还 100 元',
      contactedAt: yesterdayMorning(),
      promisedOn: today(),
      promisedAmount: '100.00',
    });
    // On the promised date it is still pending.
    expect((await checkPromises(sql, new Date(), TZ)).map((p) => p.contactId)).not.toContain(contactId);
    // The day after, it is broken: once, however often the check runs (two replicas at once).
    const dayAfter = new Date(instantOf(addDays(today(), 1), '09:00', TZ));
    const [first, second] = await Promise.all([checkPromises(sql, dayAfter, TZ), checkPromises(sql, dayAfter, TZ)]);
    const settled = [...first, ...second].filter((p) => p.contactId === contactId);
    expect(settled).toEqual([expect.objectContaining({ status: 'BROKEN', paid: '0.00', caseId: case2.caseId })]);
    expect(await checkPromises(sql, dayAfter, TZ)).not.toContainEqual(expect.objectContaining({ contactId }));

    const { cases } = await api.call<{ cases: Case[] }>('GET', `/v1/collections/cases?assigneeId=${a.userId}`, {
      token: supervisor.token,
    });
    expect(cases.find((c) => c.caseId === case2.caseId)).toMatchObject({ priority: 'HIGH', promise: null });
    const inbox = await api.call<{ tasks: Array<{ loanId: string; kind: string; detail: Record<string, unknown> }> }>(
      'GET',
      '/v1/tasks?kind=PROMISE_BROKEN',
      { token: supervisor.token },
    );
    expect(inbox.tasks.filter((t) => t.loanId === loan2.loanId)).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ contactId, promisedAmount: '100.00', paid: '0.00' }),
      }),
    ]);
    const audits =
      await sql`select result from audit_log where action = 'COLLECTION_PROMISE_BROKEN' and resource_id = ${case2.caseId}`;
    expect(audits).toHaveLength(1);
  });

  it('a promise kept by a repayment is settled KEPT, without a task', async () => {
    const { contactId } = await contact(b.session.token, case1.caseId, {
      outcome: 'PROMISE_TO_PAY',
      channel: 'VISIT',
      note: '上门，答应明天还 150 元',
      contactedAt: yesterdayMorning(),
      promisedOn: addDays(today(), 1),
      promisedAmount: '150.00',
    });
    const [finance, checker] = await Promise.all([api.login('finance'), api.login('finance_checker')]);
    const paymentId = `cash-${randomUUID()}`;
    await api.fetch('POST', `/v1/loans/${loan1.loanId}/repayments`, {
      token: finance.token,
      body: { paymentId, amount: '200.00', channel: 'CASH' },
    });
    expect(
      (await api.fetch('POST', `/v1/finance/repayments/${paymentId}/approve`, { token: checker.token })).status,
    ).toBe(200);
    const deadline = Date.now() + 120_000;
    while ((await sql`select 1 from repayments where payment_id = ${paymentId}`).length === 0) {
      if (Date.now() > deadline) throw new Error('the repayment was not applied');
      await new Promise((r) => setTimeout(r, 500));
    }
    const settled = await checkPromises(sql, new Date(), TZ);
    expect(settled).toContainEqual(expect.objectContaining({ contactId, status: 'KEPT', paid: '200.00' }));
    expect(await sql`select 1 from tasks where task_key = ${`PROMISE_BROKEN:${contactId}`}`).toHaveLength(0);
  });

  it('supervisors read each collector’s figures; collectors may not', async () => {
    await refusal(api.call('GET', '/v1/collections/figures', { token: a.session.token }), 403);
    const figures = await api.call<{
      collectors: Array<{
        collectorId: string;
        openCases: number;
        contacts: number;
        promisesMade: number;
        promisesKept: number;
        promisesBroken: number;
        recovered: string;
        buckets: string[];
      }>;
    }>('GET', `/v1/collections/figures?from=${addDays(today(), -2)}&to=${today()}`, { token: supervisor.token });
    const of = (id: string) => figures.collectors.find((x) => x.collectorId === id);
    expect(of(a.userId)).toMatchObject({
      openCases: 1,
      contacts: 2,
      promisesMade: 1,
      promisesKept: 0,
      promisesBroken: 1,
      recovered: '0.00',
      buckets: ['M2'],
    });
    expect(of(b.userId)).toMatchObject({
      contacts: 2,
      promisesMade: 1,
      promisesKept: 1,
      promisesBroken: 0,
      recovered: '200.00',
    });
  });
});
