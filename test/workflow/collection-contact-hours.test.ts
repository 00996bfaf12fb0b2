// Contact hours in the escalation ladder: the day's days past due move at 00:05, but the steps
// that fall due then (here the supervisor step and its OVERDUE_ESCALATED SMS on day 15, which
// went out at 00:05 before) wait for 08:00 local time, so no collection message goes out at night. Old histories that took them at 00:05 replay unchanged
// (patch COLLECTION_QUEUE_CONTACT_HOURS).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import { localTimeOf } from '../../domain/business-time.js';
import { withinContactHours } from '../../domain/collection-queue.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { uploadDocuments, sign, waitForStatus } from './helpers/loan-driver.js';
import { reconciliation, skipTo, view } from './helpers/servicing-driver.js';

const TZ = 'Asia/Shanghai';
let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  const report = await reconciliation(h);
  expect(report.findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

describe('collection contact hours', () => {
  it('steps that fall due at 00:05 wait for 08:00: every step and its SMS go out in the contact hours', async () => {
    const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
    await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    await h.env.sleep(60_000);
    await waitForStatus(handle, 'ACTIVE');
    const [first] = await h.sql<{ due_date: string }[]>`
      select due_date::text as due_date from installments where loan_id = ${input.loanId} and number = 1`;
    const due = first!.due_date;

    // Past the nights the first steps and the supervisor step (day 15) fall due on.
    await skipTo(h, addDays(due, 16), '12:00');
    const late = await view(handle);
    expect(late.status).toBe('OVERDUE');
    expect(late.servicing?.collections.stepsTaken).toEqual(expect.arrayContaining([1, 3, 15]));
    const steps = await h.sql<{ kind: string; at: Date }[]>`
      select kind, at from loan_events
      where loan_id = ${input.loanId} and kind like 'COLLECTION\\_%' order by id`;
    expect(steps.map((s) => s.kind)).toEqual(
      expect.arrayContaining(['COLLECTION_SMS', 'COLLECTION_COLLECTOR_CALL', 'COLLECTION_SUPERVISOR']),
    );
    for (const step of steps) {
      expect(withinContactHours(step.at.getTime(), TZ), `${step.kind} at ${localTimeOf(step.at.getTime(), TZ)}`).toBe(
        true,
      );
    }
    // The overdue SMS and the supervisor's notice went out with their steps.
    const sms = h.notify.sent.filter((m) => m.params.loanId === input.loanId).map((m) => m.template);
    expect(sms).toEqual(expect.arrayContaining(['OVERDUE_NOTICE', 'OVERDUE_ESCALATED']));
    // The call task opened with its step.
    const tasks = await h.sql`select 1 from tasks where loan_id = ${input.loanId} and kind = 'COLLECTION_CALL'`;
    expect(tasks).toHaveLength(1);
    await h.capture(input.loanId, 'collection-contact-hours', ['late-payment', 'overdue-ladder']);
  });
});
