// Grace on the time-skipping server (PATCHES.GRACE_NOT_OVERDUE): within the product's grace days a
// missed installment is not overdue — no OVERDUE status, no overdue notice, class NORMAL, nothing
// that costs the borrower's next application — and from the day after grace it is, with days
// past due and penalty interest counted from the due date, as the contract says.
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { dashboardFigures } from '../../db/reports.js';
import { addDays } from '../../domain/dates.js';
import { rulesFor } from '../../domain/money-rules.js';
import type { PenaltyTerms } from '../../domain/types.js';
import { createLogger } from '../../lib/logger.js';
import { createWorkflowHarness, untilIdle, type WorkflowHarness } from './helpers/harness.js';
import type { loanWorkflow } from '../../workflows/loan.js';
import { uploadDocuments, sign, waitForStatus } from './helpers/loan-driver.js';
import { pay, reconciliation, skipTo, view } from './helpers/servicing-driver.js';

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

/** The real activities over the test database, for reading what the borrower's next assessment sees. */
function activities() {
  return createActivities({
    config: { PUBLIC_API_URL: undefined, COMPANY_NAME: 'test', BUSINESS_TIME_ZONE: 'Asia/Shanghai' },
    sql: h.sql,
    log: createLogger('t', 'silent'),
    keyring: h.keyring,
    cipher: h.cipher,
    bank: h.bank,
    bureau: h.bureau,
    notify: h.notify,
  });
}

/** An ACTIVE loan of the default consumer product (3 grace days), paid by hand (no auto-debit). */
async function manualLoan() {
  const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
  await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  await waitForStatus(handle, 'ACTIVE');
  const [first] = await h.sql<
    { due_date: string; principal: string; interest: string; fee: string }[]
  >`select due_date, principal, interest, fee from installments where loan_id = ${input.loanId} and number = 1`;
  const product = (
    await h.sql<
      { definition: { penalty: PenaltyTerms; aprCap: string } }[]
    >`select definition from products where code = ${input.product.code}`
  )[0]!.definition;
  expect(product.penalty.graceDays).toBe(3);
  return { handle, loanId: input.loanId, borrowerId: input.borrowerId, first: first!, product };
}

async function statusesReached(loanId: string): Promise<string[]> {
  const rows = await h.sql<{ kind: string }[]>`
    select kind from loan_events where loan_id = ${loanId} and kind like 'STATUS\\_%' order by id`;
  return rows.map((r) => r.kind.slice('STATUS_'.length));
}

async function projection(loanId: string) {
  const [row] = await h.sql<
    { status: string; days_past_due: number; max_days_past_due: number; classification: string }[]
  >`select status, days_past_due, max_days_past_due, classification from loans where id = ${loanId}`;
  return row!;
}

function noticesTo(loanId: string) {
  return h.notify.sent.filter((m) => m.params.loanId === loanId);
}

describe('grace', () => {
  it('an installment paid on the last day of grace is never overdue: ACTIVE, NORMAL, no overdue notice, no cost later', async () => {
    const { handle, loanId, borrowerId, first } = await manualLoan();
    const due = first.due_date;
    const lastDay = addDays(due, 3);

    for (const day of [1, 2]) {
      await skipTo(h, addDays(due, day), '12:00');
      const v = await view(handle);
      expect(v.status).toBe('ACTIVE');
      expect(v.servicing).toMatchObject({ daysPastDue: 0, classification: 'NORMAL', graceEndsOn: lastDay });
      expect(await projection(loanId)).toEqual({
        status: 'ACTIVE',
        days_past_due: 0,
        max_days_past_due: 0,
        classification: 'NORMAL',
      });
    }
    expect((await view(handle)).servicing?.balances.penalty).toBe('0.00');

    // The last day of grace: one reminder at 09:00, worded as a reminder, not an overdue notice.
    await skipTo(h, lastDay, '12:00');
    const reminders = noticesTo(loanId).filter((m) => m.template === 'GRACE_REMINDER');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.params).toMatchObject({ installment: '1', dueDate: due, graceEndsOn: lastDay });
    const owed = (await view(handle)).servicing!.balances.totalDue;
    expect(owed).toBe(new Decimal(first.principal).plus(first.interest).plus(first.fee).toFixed(2));
    const paid = await pay(handle, {
      paymentId: `${loanId}-grace`,
      amount: owed,
      receivedOn: lastDay,
      by: { userId: borrowerId, role: 'BORROWER' },
    });
    expect(paid.status).toBe('ACTIVE');
    expect(paid.allocation.penalty).toBe('0.00');

    await skipTo(h, addDays(due, 5), '12:00');
    const after = await view(handle);
    expect(after.status).toBe('ACTIVE');
    expect(after.servicing).toMatchObject({ daysPastDue: 0, maxDaysPastDue: 0, classification: 'NORMAL' });
    expect(after.servicing?.graceEndsOn).toBeUndefined();
    expect(after.servicing?.collections).toMatchObject({ episodeStart: null, stepsTaken: [] });

    expect(await statusesReached(loanId)).not.toContain('OVERDUE');
    const templates = noticesTo(loanId).map((m) => m.template);
    for (const overdue of ['OVERDUE_NOTICE', 'OVERDUE_ESCALATED', 'OVERDUE_LEGAL_NOTICE'])
      expect(templates).not.toContain(overdue);
    expect(noticesTo(loanId).filter((m) => m.params.status === 'OVERDUE')).toEqual([]);
    const tasks = await h.sql`select kind from tasks where loan_id = ${loanId} and kind = 'COLLECTION_CALL'`;
    expect(tasks).toHaveLength(0);
    expect(await projection(loanId)).toEqual({
      status: 'ACTIVE',
      days_past_due: 0,
      max_days_past_due: 0,
      classification: 'NORMAL',
    });
    // The borrower's next application sees a loan never late.
    const history = await activities().loadRepaymentHistory({ borrowerId, excludeLoanId: 'none' });
    expect(history).toMatchObject({ maxDaysPastDue: 0, currentlyOverdue: false, activeLoans: 1 });

    await h.capture(loanId, 'paid-within-grace', ['on-time-payment', 'grace']);
    // Terminated between workflow tasks: a loan ended mid-task holds the server's clock.
    const done = h.client.workflow.getHandle<typeof loanWorkflow>(loanId);
    await untilIdle(done);
    await done.terminate('test done');
  });

  it('an installment still unpaid after grace is OVERDUE from the next day, late since its due date', async () => {
    const { handle, loanId, borrowerId, first, product } = await manualLoan();
    const due = first.due_date;

    await skipTo(h, addDays(due, 3), '23:00');
    expect((await view(handle)).status).toBe('ACTIVE');
    expect(noticesTo(loanId).map((m) => m.template)).not.toContain('OVERDUE_NOTICE');

    // The day after grace, in the night: not yet overdue, and no overdue notice goes out at night
    // (a bank notice of money received on the last day of grace may still land).
    await skipTo(h, addDays(due, 4), '01:00');
    expect((await view(handle)).status).toBe('ACTIVE');
    expect(noticesTo(loanId).map((m) => m.template)).not.toContain('OVERDUE_NOTICE');

    // At the collections hour of the day after grace: overdue, 4 days past due (counted from the
    // due date), classed by them.
    await skipTo(h, addDays(due, 4), '10:30');
    const late = await view(handle);
    expect(late.status).toBe('OVERDUE');
    expect(late.servicing).toMatchObject({ daysPastDue: 4, classification: 'SPECIAL_MENTION' });
    expect(late.servicing?.graceEndsOn).toBeUndefined();
    // The ladder's steps up to day 4 (SMS on day 1, the collector's call on day 3) come now.
    expect(late.servicing?.collections).toMatchObject({ episodeStart: due, stepsTaken: [1, 3] });
    const overdueNotice = noticesTo(loanId).filter((m) => m.template === 'OVERDUE_NOTICE');
    expect(overdueNotice).toHaveLength(1);
    expect(overdueNotice[0]!.params.daysPastDue).toBe('4');
    const [became] = await h.sql<{ at: Date }[]>`
      select at from loan_events where loan_id = ${loanId} and kind = 'STATUS_OVERDUE'`;
    const collectionsHourOfDay4 = Date.parse(`${addDays(due, 4)}T10:00:00+08:00`);
    expect(became!.at.getTime()).toBeGreaterThanOrEqual(collectionsHourOfDay4);
    expect(await projection(loanId)).toMatchObject({
      status: 'OVERDUE',
      days_past_due: 4,
      classification: 'SPECIAL_MENTION',
    });

    // Paid on day 6: penalty interest and the late fee exactly as the engine counts them from the due date.
    const paidOn = addDays(due, 6);
    await skipTo(h, paidOn, '12:00');
    const before = await view(handle);
    expect(before.servicing?.daysPastDue).toBe(6);
    // Under the money rules the loan was offered with (version 2 for new offers).
    const engine = rulesFor(before.offer?.rulesVersion ?? 1).overdueCharges(
      { dueDate: due, principal: first.principal, interest: first.interest, fee: first.fee, receipts: [] },
      { annualRate: '0.1200', dayCount: 'ACT/365', penalty: product.penalty, chargesCap: product.aprCap },
      paidOn,
    );
    expect(engine.daysLate).toBe(6);
    const charges = new Decimal(engine.penalty).plus(engine.lateFee).toFixed(2);
    expect(new Decimal(charges).gt(0)).toBe(true);
    expect(before.servicing?.balances.penalty).toBe(charges);
    const result = await pay(handle, {
      paymentId: `${loanId}-late`,
      amount: before.servicing!.balances.totalDue,
      receivedOn: paidOn,
      by: { userId: borrowerId, role: 'BORROWER' },
    });
    expect(result.allocation.penalty).toBe(charges);
    expect(result.status).toBe('ACTIVE');

    await skipTo(h, addDays(due, 7), '12:00');
    expect((await view(handle)).status).toBe('ACTIVE');
    expect(await statusesReached(loanId)).toEqual(expect.arrayContaining(['OVERDUE', 'ACTIVE']));
    expect(await projection(loanId)).toEqual({
      status: 'ACTIVE',
      days_past_due: 0,
      max_days_past_due: 6,
      classification: 'NORMAL',
    });
    const history = await activities().loadRepaymentHistory({ borrowerId, excludeLoanId: 'none' });
    expect(history).toMatchObject({ maxDaysPastDue: 6, currentlyOverdue: false });

    await h.capture(loanId, 'paid-after-grace', ['grace', 'late-payment', 'overdue-ladder']);
    // Terminated between workflow tasks: a loan ended mid-task holds the server's clock.
    const done = h.client.workflow.getHandle<typeof loanWorkflow>(loanId);
    await untilIdle(done);
    await done.terminate('test done');
  });

  it('the dashboard counts days within grace as current, also for a loan projected before the grace rule', async () => {
    const { input } = await h.seedLoan({ amount: '5000.00', profileDigit: 1 });
    const figures = async () => {
      const f = await dashboardFigures(
        h.sql,
        { from: '2026-01-01', to: '2026-01-01', timeZone: 'Asia/Shanghai' },
        new Date(),
      );
      return {
        overdue: f.portfolio.overdueLoans,
        par1: f.par.find((p) => p.bucket === 'PAR1')!.loans,
        normal: f.classification.find((c) => c.classification === 'NORMAL')!.loans,
        specialMention: f.classification.find((c) => c.classification === 'SPECIAL_MENTION')!.loans,
      };
    };
    const project = (status: string, days: number, cls: string) => h.sql`
      update loans set status = ${status}, days_past_due = ${days}, max_days_past_due = ${days},
             classification = ${cls}, outstanding_principal = '5000.00' where id = ${input.loanId}`;
    const before = await figures();

    // A run that began before the grace rule projected day 2 of grace as 2 days past due, 关注.
    await project('OVERDUE', 2, 'SPECIAL_MENTION');
    expect(await figures()).toEqual({ ...before, normal: before.normal + 1 });
    // Beyond grace it is overdue under either rule, counted from the due date.
    await project('OVERDUE', 5, 'SPECIAL_MENTION');
    expect(await figures()).toEqual({
      ...before,
      overdue: before.overdue + 1,
      par1: before.par1 + 1,
      specialMention: before.specialMention + 1,
    });
    await h.sql`update loans set status = 'CANCELLED' where id = ${input.loanId}`;
  });
});
