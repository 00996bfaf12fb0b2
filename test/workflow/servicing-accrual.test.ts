// Daily interest accrual inside the loan's workflow (PATCHES.DAILY_INTEREST_ACCRUAL): a sleeping
// loan wakes after each month end to post its month; an overdue loan, waking every day, posts a
// day at a time. Each installment's accruals add up to its scheduled interest to the cent, and on
// the due date its interest moves from accrued interest to interest receivable.
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import { createWorkflowHarness, untilIdle, type WorkflowHarness } from './helpers/harness.js';
import type { loanWorkflow } from '../../workflows/loan.js';
import { sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { ledgerBalance, pay, reconciliation, skipTo, view } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  expect((await reconciliation(h)).findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

interface Line {
  business_key: string;
  effective_on: string;
  account: string;
  debit: string;
  credit: string;
}

async function accrualLines(loanId: string): Promise<Line[]> {
  return h.sql<Line[]>`
    select e.business_key, to_char(e.effective_on, 'YYYY-MM-DD') as effective_on, l.account, l.debit::text, l.credit::text
      from journal_entries e join journal_lines l on l.entry_id = e.id
     where e.loan_id = ${loanId} and e.business_key like ${`loan:${loanId}:accrual:%`}
       and l.account = 'ACCRUED_INTEREST_RECEIVABLE'
     order by e.id`;
}

const net = (lines: readonly Line[]) =>
  lines.reduce((t, l) => t.plus(l.debit).minus(l.credit), new Decimal(0)).toFixed(2);

function monthEndsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = addDays(from, 1); d < to; d = addDays(d, 1)) if (d.endsWith('-01')) out.push(addDays(d, -1));
  return out;
}

it('accrues by month ends while sleeping and day by day while overdue; the totals tie to the schedule', async () => {
  const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
  await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await h.start(input);
  const loanId = input.loanId;
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  await waitForStatus(handle, 'ACTIVE');
  const rows = await h.sql<{ number: number; due_date: string; interest: string }[]>`
    select number, to_char(due_date, 'YYYY-MM-DD') as due_date, interest::text from installments
     where loan_id = ${loanId} order by number`;
  const [first, second] = rows;
  const disbursedOn = (await view(handle)).servicing!.disbursedOn;

  // Installment 1 paid on its due date: the loan sleeps between, waking after each month end.
  await skipTo(h, first!.due_date, '12:00');
  const owed1 = (await view(handle)).servicing!.nextDue!.amount;
  await pay(handle, {
    paymentId: `${loanId}-1`,
    amount: owed1,
    receivedOn: first!.due_date,
    by: { userId: input.borrowerId, role: 'BORROWER' },
  });
  await skipTo(h, first!.due_date, '20:00');
  const period1 = await accrualLines(loanId);
  const monthEnds1 = monthEndsBetween(disbursedOn, first!.due_date);
  expect(monthEnds1.length).toBeGreaterThanOrEqual(1);
  for (const end of monthEnds1) expect(period1.map((l) => l.effective_on)).toContain(end);
  expect(period1.every((l) => l.effective_on < first!.due_date)).toBe(true);
  expect(net(period1)).toBe(first!.interest);
  // The due date's interest entry moves what accrued: no income of its own.
  const [due1] = await h.sql<{ lines: { account: string; debit: string; credit: string }[] }[]>`
    select json_agg(json_build_object('account', l.account, 'debit', l.debit::text, 'credit', l.credit::text) order by l.line_no) as lines
      from journal_entries e join journal_lines l on l.entry_id = e.id
     where e.business_key = ${`loan:${loanId}:interest:1`} group by e.id`;
  expect(due1!.lines).toEqual([
    { account: 'INTEREST_RECEIVABLE', debit: first!.interest, credit: '0.00' },
    { account: 'ACCRUED_INTEREST_RECEIVABLE', debit: '0.00', credit: first!.interest },
  ]);

  // Installment 2 left unpaid past its grace days: the overdue loan wakes every day and accrues a day
  // at a time the interest of installment 3's period.
  await skipTo(h, addDays(second!.due_date, 20), '12:00');
  expect((await view(handle)).status).toBe('OVERDUE');
  const all = await accrualLines(loanId);
  const period2 = all.filter((l) => l.effective_on >= first!.due_date && l.effective_on < second!.due_date);
  expect(net(period2)).toBe(second!.interest);
  for (const end of monthEndsBetween(first!.due_date, second!.due_date))
    expect(period2.map((l) => l.effective_on)).toContain(end);
  const daily = all.filter((l) => l.effective_on >= addDays(second!.due_date, 5));
  const days = new Set(daily.map((l) => l.effective_on));
  for (let d = addDays(second!.due_date, 5); d < addDays(second!.due_date, 19); d = addDays(d, 1))
    expect(days, `an accrual through ${d}`).toContain(d);
  expect(await ledgerBalance(h, loanId, 'INTEREST_RECEIVABLE')).toBe(second!.interest);
  expect(await ledgerBalance(h, loanId, 'ACCRUED_INTEREST_RECEIVABLE')).toBe(
    net(all.filter((l) => l.effective_on >= second!.due_date)),
  );

  // Paid off: nothing is left accrued, and all interest income is interest the borrower paid.
  const today = addDays(second!.due_date, 20);
  const payoff = (await view(handle)).servicing!.payoffToday;
  const done = await pay(handle, {
    paymentId: `${loanId}-payoff`,
    amount: payoff,
    receivedOn: today,
    by: { userId: input.borrowerId, role: 'BORROWER' },
  });
  expect(done.status).toBe('PAID_OFF');
  await handle.result();
  expect(await ledgerBalance(h, loanId, 'ACCRUED_INTEREST_RECEIVABLE')).toBe('0.00');
  expect(await ledgerBalance(h, loanId, 'INTEREST_RECEIVABLE')).toBe('0.00');
  const [paid] = await h.sql<{ interest: string }[]>`
    select sum(paid_interest)::numeric(16, 2)::text as interest from installments where loan_id = ${loanId}`;
  expect(new Decimal(await ledgerBalance(h, loanId, 'INTEREST_INCOME')).negated().toFixed(2)).toBe(paid!.interest);
  await h.capture(loanId, 'daily-interest-accrual', ['on-time-payment', 'late-payment', 'overdue-ladder', 'payoff']);
  await untilIdle(h.client.workflow.getHandle<typeof loanWorkflow>(loanId));
});
