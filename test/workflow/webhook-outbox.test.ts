// The webhook outbox as the loan's own activities fill it over a loan's whole life on the
// time-skipping server: every event of a channel's loan is put in the outbox once, with a delivery
// to each subscription that asked for its type, and nothing for a loan applied for without a key.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordLoanChannel } from '../../db/webhooks.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

const DOCUMENTS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;

async function subscribe(channel: string, eventTypes: string[]): Promise<string> {
  const [row] = await h.sql<{ id: string }[]>`
    insert into webhook_subscriptions (channel, url, event_types, secret_enc)
    values (${channel}, 'https://hooks.example.com/loans', ${eventTypes}, 'sealed') returning id`;
  return row!.id;
}

it('puts a channel loan’s events in the outbox once, from application to payoff', { timeout: 600_000 }, async () => {
  const everything = await subscribe('APP', ['loan.status_changed', 'installment.due', 'loan.paid_off', 'loan.signed']);
  const dueOnly = await subscribe('APP', ['installment.due']);
  const otherChannel = await subscribe('OTHER', ['loan.status_changed', 'installment.due']);

  const { input } = await h.seedLoan({
    amount: '6000.00',
    termCount: 3,
    profileDigit: 1,
    product: (p) => ({ ...p, reminderDaysBeforeDue: [3, 1] }),
  });
  await recordLoanChannel(h.sql, input.loanId, 'APP');
  const plain = await h.seedLoan({ amount: '6000.00', termCount: 3, profileDigit: 1 });

  for (const { input: loan } of [{ input }, plain]) {
    const handle = await h.start(loan);
    await uploadDocuments(h, handle, loan.borrowerId, [...DOCUMENTS]);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE', 60_000);
    await sign(handle, loan.borrowerId, offered.contract!.sha256);
  }
  await h.env.sleep(5 * 31 * 24 * 60 * 60 * 1000);
  expect((await h.client.workflow.getHandle(input.loanId).result()).status).toBe('PAID_OFF');

  const events = await h.sql<{ type: string; data: Record<string, unknown>; channel: string }[]>`
    select type, data, channel from webhook_events where loan_id = ${input.loanId} order by occurred_at, id`;
  const count = (type: string) => events.filter((e) => e.type === type).length;
  expect(events.every((e) => e.channel === 'APP' && e.data.loanId === input.loanId)).toBe(true);
  expect(count('loan.offer_ready')).toBe(1);
  expect(count('loan.signed')).toBe(1);
  expect(count('loan.disbursed')).toBe(1);
  expect(count('loan.paid_off')).toBe(1);
  // Two reminders before each of three due dates.
  const due = events.filter((e) => e.type === 'installment.due').map((e) => e.data.installment);
  expect(due.sort()).toEqual([1, 1, 2, 2, 3, 3]);
  const statuses = events.filter((e) => e.type === 'loan.status_changed').map((e) => e.data.status);
  expect(statuses).toEqual(expect.arrayContaining(['AWAITING_SIGNATURE', 'DISBURSING', 'ACTIVE', 'PAID_OFF']));

  // A delivery per subscription that asked for the type; none for the other channel, none for a
  // loan without a channel.
  const deliveries = await h.sql<{ subscription_id: string; type: string }[]>`
    select d.subscription_id, e.type from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where e.loan_id = ${input.loanId}`;
  const to = (id: string) => deliveries.filter((d) => d.subscription_id === id).map((d) => d.type);
  expect(to(dueOnly)).toEqual(Array(6).fill('installment.due'));
  expect(to(everything)).toHaveLength(
    count('loan.status_changed') + count('installment.due') + count('loan.paid_off') + count('loan.signed'),
  );
  expect(to(otherChannel)).toEqual([]);
  const [none] = await h.sql<{ n: number }[]>`
    select count(*)::int as n from webhook_events where loan_id = ${plain.input.loanId}`;
  expect(none!.n).toBe(0);
});
