// Servicing on the time-skipping server: real activities and Postgres, fake bank and SMS gateway.
import { Decimal } from 'decimal.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { addDays } from '../../domain/dates.js';
import { createLogger } from '../../lib/logger.js';
import { overdueChargesV2 } from '../../domain/overdue.js';
import type { PenaltyTerms } from '../../domain/types.js';
import { writeOffUpdate, collectionNoteUpdate } from '../../contracts/definitions.js';
import { createWorkflowHarness, type SeedOptions, type WorkflowHarness } from './helpers/harness.js';
import { ledgerBalance, pay, reconciliation, refusal, skipTo, view } from './helpers/servicing-driver.js';

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

/** The real activities over the test database, for reading what later assessments will see. */
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

/** A loan whose borrower did not authorise auto-debit: every payment is made by hand. */
async function manualLoan(options: SeedOptions = {}) {
  const seeded = await h.seedLoan({ amount: '12000.00', profileDigit: 1, ...options });
  await h.sql`update loans set auto_debit = false where id = ${seeded.input.loanId}`;
  return startSeeded(seeded.input);
}

async function startSeeded(input: Awaited<ReturnType<WorkflowHarness['seedLoan']>>['input']) {
  const handle = await h.start(input);
  const { uploadDocuments, sign, waitForStatus } = await import('./helpers/loan-driver.js');
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  const v = await waitForStatus(handle, 'ACTIVE');
  return { handle, loanId: input.loanId, borrowerId: input.borrowerId, view: v };
}

async function schedule(loanId: string) {
  return h.sql<
    {
      number: number;
      due_date: string;
      principal: string;
      interest: string;
      fee: string;
      paid_principal: string;
      paid_interest: string;
      paid_on: string | null;
    }[]
  >`
    select number, due_date, principal, interest, fee, paid_principal, paid_interest, paid_on from installments where loan_id = ${loanId} order by number`;
}

describe('servicing', () => {
  it('collects a 12-month loan on time by auto-debit, then issues the settlement certificate', async () => {
    const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
    const { handle, loanId, view: started } = await startSeeded(input);
    expect(started.servicing?.autoDebit).toBe(true);
    // The offer fixes the money rules version the account then runs under (docs/operations/money-rules.md).
    expect(started.offer?.rulesVersion).toBe(2);
    const rows = await schedule(loanId);
    expect(rows).toHaveLength(12);
    // Interest runs from the disbursement date: the first installment falls due a month after it.
    expect(rows[0]!.due_date).toBe(addDaysMonth(started.servicing!.disbursedOn));
    expect(await ledgerBalance(h, loanId, 'LOAN_PRINCIPAL')).toBe('12000.00');

    const done = await handle.result();
    expect(done.status).toBe('PAID_OFF');
    const debits = [...h.bank.debits.keys()].filter((k) => k.startsWith(`loan:${loanId}:`)).sort();
    expect(debits).toHaveLength(12);
    for (let n = 1; n <= 12; n++) expect(debits).toContain(`loan:${loanId}:installment:${n}:debit:1`);
    const paid = await schedule(loanId);
    expect(paid.every((r) => r.paid_on !== null)).toBe(true);
    for (const r of paid) expect(r.paid_on).toBe(r.due_date);
    const total = paid.reduce((t, r) => t.plus(r.principal).plus(r.interest).plus(r.fee), new Decimal(0));
    const [repaid] = await h.sql<
      { total: string; n: number }[]
    >`select sum(amount)::text as total, count(*)::int as n from repayments where loan_id = ${loanId}`;
    expect(repaid).toEqual({ total: total.toFixed(2), n: 12 });
    for (const account of ['LOAN_PRINCIPAL', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'])
      expect(await ledgerBalance(h, loanId, account)).toBe('0.00');
    const [loan] = await h.sql<
      {
        status: string;
        outstanding_principal: string;
        days_past_due: number;
        max_days_past_due: number;
        next_due_date: string | null;
      }[]
    >`
      select status, outstanding_principal, days_past_due, max_days_past_due, next_due_date from loans where id = ${loanId}`;
    expect(loan).toEqual({
      status: 'PAID_OFF',
      outstanding_principal: '0.00',
      days_past_due: 0,
      max_days_past_due: 0,
      next_due_date: null,
    });
    const [certificate] = await h.sql<
      { sha256: string }[]
    >`select sha256 from settlement_certificates where loan_id = ${loanId}`;
    expect(certificate!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const reminders = h.notify.sent.filter((m) => m.params.loanId === loanId && m.template === 'REPAYMENT_REMINDER');
    expect(reminders).toHaveLength(24);
    await h.capture(loanId, 'on-time-auto-debit', ['auto-approval', 'disbursement', 'on-time-payment']);
  });

  it('charges penalty interest and the late fee exactly as the engine computes them when an installment is paid late', async () => {
    const { handle, loanId, borrowerId } = await manualLoan();
    const borrower = { userId: borrowerId, role: 'BORROWER' as const };
    const rows = await schedule(loanId);
    const [first, second] = rows;
    await skipTo(h, first!.due_date, '12:00');
    const onTime = await pay(handle, {
      paymentId: `${loanId}-p1`,
      amount: '1066.19',
      receivedOn: first!.due_date,
      by: borrower,
    });
    expect(onTime.allocation).toMatchObject({
      principal: first!.principal,
      interest: first!.interest,
      penalty: '0.00',
    });

    const paidOn = addDays(second!.due_date, 10);
    await skipTo(h, paidOn, '11:00');
    const late = await view(handle);
    expect(late.status).toBe('OVERDUE');
    expect(late.servicing?.daysPastDue).toBe(10);
    expect(late.servicing?.classification).toBe('SPECIAL_MENTION');
    const product = (
      await h.sql<
        { definition: { penalty: PenaltyTerms; aprCap: string } }[]
      >`select definition from products where code = 'CONSUMER_STD'`
    )[0]!.definition;
    const engine = overdueChargesV2(
      {
        dueDate: second!.due_date,
        principal: second!.principal,
        interest: second!.interest,
        fee: second!.fee,
        receipts: [],
      },
      { annualRate: '0.1200', dayCount: 'ACT/365', penalty: product.penalty, chargesCap: product.aprCap },
      paidOn,
    );
    // By hand, as the contract (money rules version 2) words it: 10 days at 12% × 1.5 on the
    // overdue principal, and the flat 20.00 late fee, together at most 24% a year on the overdue
    // principal for those days; penalty interest first, the late fee within the room left.
    const cap = new Decimal(second!.principal).times(10).times('0.24').div(365);
    const penaltyExact = Decimal.min(new Decimal(second!.principal).times('0.18').div(365).times(10), cap);
    const fee = Decimal.min(20, cap.minus(penaltyExact).toDecimalPlaces(2, Decimal.ROUND_DOWN));
    const interest = penaltyExact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    expect(engine).toMatchObject({ lateFee: fee.toFixed(2), penalty: interest.toFixed(2) });
    const expectedCharges = new Decimal(engine.penalty).plus(engine.lateFee).toFixed(2);
    expect(late.servicing?.balances.penalty).toBe(expectedCharges);

    const owed = late.servicing!.balances.totalDue;
    const result = await pay(handle, { paymentId: `${loanId}-p2`, amount: owed, receivedOn: paidOn, by: borrower });
    expect(result.allocation.penalty).toBe(expectedCharges);
    expect(result.allocation.interest).toBe(second!.interest);
    expect(result.allocation.principal).toBe(second!.principal);
    expect(result.status).toBe('ACTIVE');
    expect(await ledgerBalance(h, loanId, 'PENALTY_RECEIVABLE')).toBe('0.00');
    const [income] = await h.sql<{ penalty: string }[]>`
      select coalesce(sum(credit - debit), 0)::numeric(16, 2)::text as penalty from journal_lines where loan_id = ${loanId} and account = 'PENALTY_INCOME'`;
    expect(income!.penalty).toBe(expectedCharges);

    await skipTo(h, addDays(paidOn, 1), '11:00');
    const cured = await view(handle);
    expect(cured.status).toBe('ACTIVE');
    const tasks = await h.sql<
      { kind: string; role: string; status: string }[]
    >`select kind, role, status from tasks where loan_id = ${loanId} and kind = 'COLLECTION_CALL'`;
    expect(tasks).toEqual([{ kind: 'COLLECTION_CALL', role: 'COLLECTOR', status: 'DONE' }]);
    const [loan] = await h.sql<
      { max_days_past_due: number; days_past_due: number }[]
    >`select max_days_past_due, days_past_due from loans where id = ${loanId}`;
    expect(loan).toEqual({ max_days_past_due: 10, days_past_due: 0 });
    // The next application of this borrower is assessed with the worst lateness ever reached.
    const history = await activities().loadRepaymentHistory({ borrowerId, excludeLoanId: 'none' });
    expect(history).toMatchObject({ maxDaysPastDue: 10, currentlyOverdue: false, activeLoans: 1 });
    await h.capture(loanId, 'late-payment-v2', ['on-time-payment', 'late-payment']);
    await h.client.workflow.getHandle(loanId).terminate('test done');
  });

  it('takes partial payments, a prepayment by actual days that shortens the term, repeats idempotently, and a full payoff', async () => {
    const { handle, loanId, borrowerId } = await manualLoan({
      product: (p) => ({ ...p, overpayment: 'PREPAY_REDUCE_TERM' }),
    });
    const borrower = { userId: borrowerId, role: 'BORROWER' as const };
    const rows = await schedule(loanId);
    await skipTo(h, rows[0]!.due_date, '10:00');

    const part1 = await pay(handle, {
      paymentId: `${loanId}-a`,
      amount: '500.00',
      receivedOn: rows[0]!.due_date,
      by: borrower,
    });
    expect(part1.allocation).toMatchObject({
      interest: '120.00',
      principal: '380.00',
      toCredit: '0.00',
      reamortized: null,
    });
    const partial = await view(handle);
    expect(partial.servicing?.nextDue).toEqual({ number: 1, dueDate: rows[0]!.due_date, amount: '566.19' });

    const again = await pay(handle, {
      paymentId: `${loanId}-a`,
      amount: '500.00',
      receivedOn: rows[0]!.due_date,
      by: borrower,
    });
    expect(again.duplicate).toBe(true);
    expect(again.allocation).toEqual(part1.allocation);
    const [count] = await h.sql<
      { n: number }[]
    >`select count(*)::int as n from journal_entries where business_key = ${`payment:${loanId}-a`}`;
    expect(count!.n).toBe(1);

    const rest = await pay(handle, {
      paymentId: `${loanId}-rest`,
      amount: '566.19',
      receivedOn: rows[0]!.due_date,
      by: borrower,
    });
    expect(rest.allocation).toMatchObject({ principal: '566.19', prepaidPrincipal: '0.00' });

    // Ten days into period 2: the interest of period 2 accrued for those ten days (money rules
    // version 2), and the rest of 5,000.00 as principal. Installment 2 is not paid ahead and none
    // of its later interest is taken.
    const prepaidOn = addDays(rows[0]!.due_date, 10);
    await skipTo(h, prepaidOn, '10:00');
    const extra = await pay(handle, {
      paymentId: `${loanId}-b`,
      amount: '5000.00',
      receivedOn: prepaidOn,
      by: borrower,
    });
    const span = Math.round((Date.parse(rows[1]!.due_date) - Date.parse(rows[0]!.due_date)) / 86_400_000);
    const accrued = new Decimal(rows[1]!.interest).times(10).div(span).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    expect(extra.allocation.interest).toBe(accrued.toFixed(2));
    expect(extra.allocation.prepaidPrincipal).toBe(new Decimal('5000.00').minus(accrued).toFixed(2));
    expect(extra.allocation.reamortized).toBe('REDUCE_TERM');
    const shorter = await schedule(loanId);
    expect(shorter.length).toBeLessThan(12);
    expect(shorter[1]!.due_date).toBe(rows[1]!.due_date);
    const principal = shorter.reduce((t, r) => t.plus(r.principal), new Decimal(0));
    expect(principal.toFixed(2)).toBe('12000.00');
    expect(await ledgerBalance(h, loanId, 'LOAN_PRINCIPAL')).toBe(
      shorter.reduce((t, r) => t.plus(r.principal).minus(r.paid_principal), new Decimal(0)).toFixed(2),
    );
    expect(await ledgerBalance(h, loanId, 'INTEREST_RECEIVABLE')).toBe('0.00');

    // The same day, the payoff is the principal left and nothing more: the interest to the day is paid.
    const sameDay = await view(handle);
    expect(sameDay.servicing!.payoffToday).toBe(
      shorter.reduce((t, r) => t.plus(r.principal).minus(r.paid_principal), new Decimal(0)).toFixed(2),
    );

    // Ten days on, the payoff is that principal and period 2's interest for the ten days since the
    // prepayment: the part of its interest not yet paid, pro rata by days (the view's payoffToday is
    // as of the loan's last wake-up, so the test works the amount out from the schedule).
    const later = addDays(prepaidOn, 10);
    await skipTo(h, later, '10:00');
    const [, second] = await schedule(loanId);
    const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
    const restOfPeriod = new Decimal(second!.interest)
      .minus(second!.paid_interest)
      .times(days(prepaidOn, later))
      .div(days(prepaidOn, second!.due_date))
      .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const payoff = shorter
      .reduce((t, r) => t.plus(r.principal).minus(r.paid_principal), new Decimal(0))
      .plus(restOfPeriod)
      .toFixed(2);
    const closing = await pay(handle, { paymentId: `${loanId}-c`, amount: payoff, receivedOn: later, by: borrower });
    expect(closing.allocation.paidOff).toBe(true);
    expect(closing.allocation.toRefund).toBe('0.00');
    expect(closing.status).toBe('PAID_OFF');
    const done = await handle.result();
    expect(done.status).toBe('PAID_OFF');
    expect(await ledgerBalance(h, loanId, 'LOAN_PRINCIPAL')).toBe('0.00');
    expect(await ledgerBalance(h, loanId, 'INTEREST_RECEIVABLE')).toBe('0.00');
    await h.capture(loanId, 'prepayment-by-days-v2', ['partial-payment', 'early-payment', 'payoff']);
  });

  it('refuses repayments it must not take', async () => {
    const { handle, loanId, borrowerId } = await manualLoan();
    const rows = await schedule(loanId);
    const finance = await h.createUser('FINANCE');
    const stranger = await h.createUser('COLLECTOR');
    const today = (await view(handle)).servicing!.disbursedOn;
    expect(
      await refusal(
        pay(handle, {
          paymentId: 'x-1',
          amount: '10.00',
          receivedOn: today,
          by: { userId: 'someone-else', role: 'BORROWER' },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await refusal(
        pay(handle, {
          paymentId: 'x-2',
          amount: '10.00',
          channel: 'CASH',
          receivedOn: today,
          by: { userId: stranger, role: 'COLLECTOR' },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await refusal(
        pay(handle, {
          paymentId: 'x-3',
          amount: '-1.00',
          receivedOn: today,
          by: { userId: borrowerId, role: 'BORROWER' },
        }),
      ),
    ).toBe('INVALID');
    expect(
      await refusal(
        pay(handle, {
          paymentId: 'x-4',
          amount: '10.00',
          receivedOn: rows[3]!.due_date,
          by: { userId: borrowerId, role: 'BORROWER' },
        }),
      ),
    ).toBe('INVALID');
    const cash = await pay(handle, {
      paymentId: `${loanId}-cash`,
      amount: '100.00',
      channel: 'CASH',
      receivedOn: today,
      by: { userId: finance, role: 'FINANCE' },
    });
    // Nothing is due yet: under money rules version 2 the product's CARRY_FORWARD keeps it as credit.
    expect(cash.allocation).toMatchObject({ toCredit: '100.00', installments: [] });
    expect(await ledgerBalance(h, loanId, 'CASH_ON_HAND')).toBe('100.00');
    expect(
      await refusal(
        handle.executeUpdate(writeOffUpdate, {
          args: [{ approve: true, comment: 'x', by: { userId: finance, role: 'RISK_MANAGER' } }],
        }),
      ),
    ).toBe('WRONG_STAGE');
    await h.client.workflow.getHandle(loanId).terminate('test done');
  });

  it('climbs the whole escalation ladder of a loan 120 days overdue, then writes it off on approval', async () => {
    const { handle, loanId } = await manualLoan();
    const rows = await schedule(loanId);
    const due = rows[0]!.due_date;
    await skipTo(h, addDays(due, 4), '12:00');
    const collector = await h.createUser('COLLECTOR');
    expect((await view(handle)).status).toBe('OVERDUE');
    const noted = await handle.executeUpdate(collectionNoteUpdate, {
      args: [
        {
          outcome: 'PROMISE_TO_PAY',
          note: '借款人承诺下周还款',
          promisedOn: addDays(due, 8),
          by: { userId: collector, role: 'COLLECTOR' },
        },
      ],
    });
    expect(noted.servicing?.collections.promisedOn).toBe(addDays(due, 8));

    await skipTo(h, addDays(due, 95), '12:00');
    const late = await view(handle);
    expect(late.servicing?.collections.stepsTaken).toEqual([1, 3, 15, 30, 90]);
    expect(late.servicing?.collections.writeOffReview).toBe('PENDING');
    expect(late.servicing?.daysPastDue).toBe(95);
    expect(late.servicing?.classification).toBe('SUBSTANDARD');
    const tasks = await h.sql<
      { kind: string; role: string; status: string }[]
    >`select kind, role, status from tasks where loan_id = ${loanId} order by created_at`;
    expect(tasks.map((t) => `${t.kind}:${t.role}:${t.status}`)).toEqual([
      'COLLECTION_CALL:COLLECTOR:DONE',
      'SUPERVISOR:RISK_MANAGER:OPEN',
      'LEGAL:RISK_MANAGER:OPEN',
      'WRITE_OFF_REVIEW:RISK_MANAGER:OPEN',
    ]);
    const sms = h.notify.sent.filter((m) => m.params.loanId === loanId).map((m) => m.template);
    expect(sms).toEqual(expect.arrayContaining(['OVERDUE_NOTICE', 'OVERDUE_ESCALATED', 'OVERDUE_LEGAL_NOTICE']));

    const risk = await h.createUser('RISK_MANAGER');
    expect(
      await refusal(
        handle.executeUpdate(writeOffUpdate, {
          args: [{ approve: true, comment: '无法收回', by: { userId: collector, role: 'COLLECTOR' } }],
        }),
      ),
    ).toBe('FORBIDDEN');
    await skipTo(h, addDays(due, 120), '12:00');
    const [loan] = await h.sql<
      { days_past_due: number; max_days_past_due: number; classification: string }[]
    >`select days_past_due, max_days_past_due, classification from loans where id = ${loanId}`;
    expect(loan!.max_days_past_due).toBeGreaterThanOrEqual(90);
    const penaltyBefore = new Decimal(await ledgerBalance(h, loanId, 'PENALTY_RECEIVABLE'));
    expect(penaltyBefore.gt(0)).toBe(true);

    const decided = await handle.executeUpdate(writeOffUpdate, {
      args: [{ approve: true, comment: '逾期120天，无还款能力', by: { userId: risk, role: 'RISK_MANAGER' } }],
    });
    expect(decided.status).toBe('WRITTEN_OFF');
    for (const account of ['LOAN_PRINCIPAL', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'])
      expect(await ledgerBalance(h, loanId, account)).toBe('0.00');
    const loss = new Decimal(await ledgerBalance(h, loanId, 'LOAN_LOSS'));
    expect(loss.gte(12000)).toBe(true);
    const done = await handle.result();
    expect(done.status).toBe('WRITTEN_OFF');
    const [closed] = await h.sql<{ status: string; open: number }[]>`
      select l.status, (select count(*)::int from tasks t where t.loan_id = l.id and t.status = 'OPEN') as open from loans l where l.id = ${loanId}`;
    expect(closed).toEqual({ status: 'WRITTEN_OFF', open: 0 });
    const borrowerId = (await h.sql<{ borrower_id: string }[]>`select borrower_id from loans where id = ${loanId}`)[0]!
      .borrower_id;
    const history = await activities().loadRepaymentHistory({ borrowerId, excludeLoanId: 'none' });
    expect(history.loansWrittenOff).toBe(1);
    expect(history.maxDaysPastDue).toBeGreaterThanOrEqual(120);
    await h.capture(loanId, 'overdue-ladder-write-off', ['overdue-ladder', 'write-off']);
  });
});

function addDaysMonth(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = m === 12 ? [y + 1, 1] : [y, m + 1];
  const last = new Date(Date.UTC(next[0]!, next[1], 0)).getUTCDate();
  return `${next[0]}-${String(next[1]).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
