// Message templates (消息模板) over HTTP on the running stack: ops edit with versions (concurrent
// edits all kept, in order, one active), a preview, an unknown variable refused naming it, roles
// without template:manage refused; and the SMS the gateway simulator received carries the active
// template's text with the borrower's name masked, as the notices table keeps it.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { maskName } from '../../domain/masking.js';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import { stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let ops: Session;
let finance: Session;

interface Version {
  version: number;
  body: string;
  active: boolean;
  createdBy: string;
}

beforeAll(async () => {
  [ops, finance] = await Promise.all([api.login('ops'), api.login('finance')]);
});
afterAll(async () => {
  await sql.end();
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const EVENT = 'LOAN_STATUS_CHANGED';

describe('message templates', () => {
  it('lists every event with its variables and active templates, and previews with sample values', async () => {
    const { items } = await api.call<{
      items: Array<{ event: string; variables: string[]; active: Array<{ channel: string; version: number }> }>;
    }>('GET', '/v1/message-templates', { token: ops.token });
    const reminder = items.find((i) => i.event === 'REPAYMENT_REMINDER')!;
    expect(reminder.variables).toEqual(expect.arrayContaining(['loanId', 'borrowerName', 'amount', 'dueDate']));
    expect(reminder.active.map((a) => a.channel)).toEqual(['EMAIL', 'SMS']);
    for (const e of ['DOCUMENTS_MISSING', 'OVERDUE_NOTICE', 'OVERDUE_LEGAL_NOTICE', 'REFUND_PAID', 'GRACE_REMINDER'])
      expect(items.find((i) => i.event === e)?.active.length, e).toBe(2);

    const preview = await api.call<{ text: string; subject: string | null }>('POST', '/v1/message-templates/preview', {
      token: ops.token,
      body: {
        event: 'REPAYMENT_REMINDER',
        channel: 'SMS',
        body: '{{borrowerName}} 第{{installment}}期 {{amount}}元',
        values: { amount: '1.23' },
      },
    });
    expect(preview).toMatchObject({ text: '张* 第1期 1.23元', subject: null });
  });

  it('refuses an unknown variable naming it, and roles without template:manage', async () => {
    const bad = await refusal(
      api.call('POST', `/v1/message-templates/${EVENT}/SMS/versions`, {
        token: ops.token,
        body: { body: '您的身份证 {{idNumber}} 已登记' },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body?.error?.fields?.[0]).toMatchObject({ field: 'body', code: 'UNKNOWN_VARIABLE' });
    expect(JSON.stringify(bad.body)).toContain('idNumber');

    const asFinance = await refusal(
      api.call('POST', `/v1/message-templates/${EVENT}/SMS/versions`, { token: finance.token, body: { body: 'x' } }),
    );
    expect(asFinance.status).toBe(403);
    expect((await refusal(api.call('GET', '/v1/message-templates', { token: finance.token }))).status).toBe(403);
    const borrower = await api.registerBorrower();
    const session = await api.login(borrower.phone, borrower.password);
    expect((await refusal(api.call('GET', '/v1/message-templates', { token: session.token }))).status).toBe(403);
  });

  it('keeps every version of concurrent edits, in order, exactly one active', async () => {
    const before = await api.call<{ items: Version[] }>('GET', `/v1/message-templates/${EVENT}/SMS/versions`, {
      token: ops.token,
    });
    const start = before.items[0]!.version;
    const tag = randomUUID().slice(0, 8);
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.call<Version>('POST', `/v1/message-templates/${EVENT}/SMS/versions`, {
          token: ops.token,
          body: { body: `【小额贷款】${tag}-${i} {{borrowerName}} 借款 {{loanId}} 状态：{{statusZh}}` },
        }),
      ),
    );
    expect(made.map((m) => m.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6].map((n) => start + n));
    const after = await api.call<{ items: Version[] }>('GET', `/v1/message-templates/${EVENT}/SMS/versions`, {
      token: ops.token,
    });
    expect(after.items.length).toBe(before.items.length + 6);
    expect(after.items.filter((v) => v.active).map((v) => v.version)).toEqual([start + 6]);
    expect(after.items.map((v) => v.version)).toEqual([...after.items.map((v) => v.version)].sort((a, b) => b - a));
    for (let i = 0; i < 6; i++) expect(after.items.some((v) => v.body.includes(`${tag}-${i} `))).toBe(true);

    // An earlier version can be made the active one again.
    const back = await api.call<Version>('POST', `/v1/message-templates/${EVENT}/SMS/versions/${start}/activate`, {
      token: ops.token,
    });
    expect(back).toMatchObject({ version: start, active: true });
  });

  it('sends the active text with the name masked: the gateway simulator holds it, so does the notice', async () => {
    const marker = `T${randomUUID().slice(0, 8)}`;
    await api.call('POST', `/v1/message-templates/${EVENT}/SMS/versions`, {
      token: ops.token,
      body: { body: `【小额贷款】${marker} {{borrowerName}}您好，借款 {{loanId}} 状态：{{statusZh}}` },
    });
    const borrower = await api.registerBorrower({ name: '欧阳明华' });
    const session = await api.login(borrower.phone, borrower.password);
    const { loanId } = await api.applyForLoan(session.token, borrower, { amount: '3000.00', termCount: 6 });

    const to = createHash('sha256').update(borrower.phone).digest('hex');
    let texts: string[] = [];
    for (let i = 0; i < 120 && texts.length === 0; i++) {
      const response = await fetch(`${stack.simulatorUrl}/notify/messages?to=${to}`);
      const { messages } = (await response.json()) as { messages: Array<{ template: string; text: string | null }> };
      texts = messages.filter((m) => m.template === EVENT && m.text?.includes(marker)).map((m) => m.text!);
      if (texts.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(texts.length).toBeGreaterThan(0);
    expect(texts[0]).toContain(`${marker} ${maskName('欧阳明华')}您好，借款 ${loanId} 状态：`);
    expect(texts[0]).toContain('欧阳**');
    expect(texts.join('')).not.toContain('明华');
    expect(texts.join('')).not.toContain(borrower.phone);

    const notices = await sql<{ body: string; template_version: number | null }[]>`
      select body, template_version from notifications where loan_id = ${loanId} and template = ${EVENT}`;
    expect(notices.some((n) => n.body === texts[0] && n.template_version !== null)).toBe(true);
  });
});
