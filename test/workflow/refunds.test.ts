// Refunds are paid (workflows/refunds.ts) on the time-skipping server: real activities and
// Postgres, the fake bank and SMS gateway. Each refund reaches the bank once per attempt key, is
// posted REFUND_PAYABLE → BANK once, and reconciliation stays clean after every test.
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../../domain/money.js';
import type { LoanProduct } from '../../domain/products.js';
import { refundDecisionUpdate, reversePaymentUpdate } from '../../contracts/definitions.js';
import type { RefundDecision, ReversalInput } from '../../contracts/messages.js';
import type { RefundRecord } from '../../contracts/loan-view.js';
import { createWorkflowHarness, untilIdle, type WorkflowHarness } from './helpers/harness.js';
import { refusalOf, sign, uploadDocuments, waitForStatus, type LoanHandle } from './helpers/loan-driver.js';
import { ledgerBalance, pay, reconciliation, skipTo, view } from './helpers/servicing-driver.js';

const DAY = 24 * 3600_000;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  h.bank.holdSettlement = false;
  const report = await reconciliation(h);
  expect(report.findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

/** An active loan paid by hand, under the product as `product` changes it. */
async function activeLoan(product: (p: LoanProduct) => LoanProduct) {
  const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1, product });
  await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  const active = await waitForStatus(handle, 'ACTIVE');
  const borrower = { userId: input.borrowerId, role: 'BORROWER' as const };
  return { handle, loanId: input.loanId, borrower, active };
}

/** Pays the first installment on its due date with `extra` on top, online by the borrower. */
async function overpayFirst(loan: Awaited<ReturnType<typeof activeLoan>>, extra: string, paymentId = 'over') {
  const due = loan.active.servicing!.nextDue!;
  await skipTo(h, due.dueDate, '10:00');
  const current = (await view(loan.handle)).servicing!.nextDue!;
  return pay(loan.handle, {
    paymentId: `${loan.loanId}-${paymentId}`,
    amount: money(current.amount).plus(extra).toFixed(2),
    receivedOn: due.dueDate,
    by: loan.borrower,
  });
}

async function refundOf(handle: LoanHandle, refundId: string): Promise<RefundRecord | undefined> {
  return (await view(handle)).refunds?.find((r) => r.refundId === refundId);
}

async function untilRefund(handle: LoanHandle, refundId: string, status: RefundRecord['status']) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const refund = await refundOf(handle, refundId);
    if (refund?.status === status) return refund;
    if (Date.now() > deadline) throw new Error(`refund ${refundId} is ${refund?.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `read` returns once it is non-empty (within 30 s of wall time). */
async function eventually<T>(read: () => T[] | Promise<T[]>): Promise<T[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await read();
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function decide(handle: LoanHandle, decision: RefundDecision) {
  return handle.executeUpdate(refundDecisionUpdate, { args: [decision] });
}

function refundTransfers(loanId: string) {
  return [...h.bank.transfers.values()].filter((t) => t.idempotencyKey.startsWith(`loan:${loanId}:refund:`));
}

async function refundEntries(loanId: string) {
  return h.sql<{ business_key: string; external_ref: string; effective_on: string }[]>`
    select business_key, external_ref, effective_on::text from journal_entries where loan_id = ${loanId} and kind = 'REFUND'`;
}

async function openTasks(loanId: string, kind: string) {
  return h.sql<{ task_key: string; role: string }[]>`
    select task_key, role from tasks where loan_id = ${loanId} and kind = ${kind} and status = 'OPEN'`;
}

/** A reversal of the payment, approved by `checker` in payment_reversals as the API stores it, sent to the loan. */
async function reverseApproved(handle: LoanHandle, loanId: string, paymentId: string, maker: string, checker: string) {
  const input: ReversalInput = {
    paymentId,
    reason: 'the cash was counterfeit',
    requestedBy: maker,
    approvedBy: { userId: checker, role: 'FINANCE' },
  };
  await h.sql`
    insert into payment_reversals (payment_id, loan_id, reason, status, requested_by, checked_by, checked_at)
    values (${paymentId}, ${loanId}, ${input.reason}, 'APPROVED', ${maker}, ${checker}, now())
    on conflict do nothing`;
  return handle.executeUpdate(reversePaymentUpdate, { args: [input] });
}

async function allTasks(loanId: string, like: string) {
  return h.sql<{ task_key: string; status: string }[]>`
    select task_key, status from tasks where loan_id = ${loanId} and task_key like ${like} order by task_key`;
}

describe('refunds', () => {
  it('pays an overpayment under the threshold back once, without approval, and tells the borrower', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND' }));
    const paid = await overpayFirst(loan, '200.00');
    expect(paid.allocation.toRefund).toBe('200.00');

    // Held for the product's refundHoldDays (3 by default) after the payment: the bank is not asked yet.
    const held = await untilRefund(loan.handle, 'R1', 'PENDING');
    const heldFor = Date.parse(held.heldUntil!) - Date.parse(`${held.owedOn}T00:00:00Z`);
    expect(heldFor).toBeGreaterThan(2 * DAY);
    expect(heldFor).toBeLessThan(4 * DAY);
    await h.env.sleep(DAY);
    expect(refundTransfers(loan.loanId)).toHaveLength(0);
    expect((await refundOf(loan.handle, 'R1'))!.status).toBe('PENDING');
    await h.env.sleep(2 * DAY + 60_000);

    const refund = await untilRefund(loan.handle, 'R1', 'PAID');
    expect(refund).toMatchObject({
      amount: '200.00',
      paymentId: `${loan.loanId}-over`,
      attempt: 1,
      idempotencyKey: `loan:${loan.loanId}:refund:1`,
    });
    expect(refund.approvedBy).toBeUndefined();
    const transfers = refundTransfers(loan.loanId);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ amount: '200.00', status: 'SUCCEEDED' });
    // The same verified account the loan was paid out to.
    const payout = h.bank.transfers.get(`loan:${loan.loanId}:disbursement`)!;
    expect(transfers[0]!.request.toCard).toBe(payout.request.toCard);
    expect(await refundEntries(loan.loanId)).toEqual([
      {
        business_key: `loan:${loan.loanId}:refund:1`,
        external_ref: `loan:${loan.loanId}:refund:1`,
        effective_on: refund.paidOn,
      },
    ]);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    const notices = await eventually(() =>
      h.notify.sent.filter((m) => m.params.loanId === loan.loanId && m.template === 'REFUND_PAID'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.params).toMatchObject({ amount: '200.00', refundId: 'R1' });

    // The same payment again changes nothing and owes nothing more.
    const again = await pay(loan.handle, {
      paymentId: `${loan.loanId}-over`,
      amount: '1.00',
      receivedOn: paid.receivedOn,
      by: loan.borrower,
    });
    expect(again.duplicate).toBe(true);
    expect((await view(loan.handle)).refunds).toHaveLength(1);
    expect(refundTransfers(loan.loanId)).toHaveLength(1);

    // The loans projection shows it too.
    await untilIdle(loan.handle);
    const [row] = await h.sql<{ refunds: RefundRecord[] }[]>`
      select view_fields->'refunds' as refunds from loans where id = ${loan.loanId}`;
    expect(row!.refunds).toEqual([expect.objectContaining({ refundId: 'R1', status: 'PAID', amount: '200.00' })]);

    // A second overpayment under the threshold alone (900.00 ≤ 1000.00) passes it together with the
    // first (1100.00): it waits for finance, and the hold running out does not pay it.
    const next = (await view(loan.handle)).servicing!.nextDue!;
    await skipTo(h, next.dueDate, '10:00');
    const owed = (await view(loan.handle)).servicing!.nextDue!.amount;
    await pay(loan.handle, {
      paymentId: `${loan.loanId}-over-2`,
      amount: money(owed).plus('900.00').toFixed(2),
      receivedOn: next.dueDate,
      by: loan.borrower,
    });
    expect(await untilRefund(loan.handle, 'R2', 'APPROVAL')).toMatchObject({ amount: '900.00' });
    await h.env.sleep(4 * DAY);
    expect((await refundOf(loan.handle, 'R2'))!.status).toBe('APPROVAL');
    expect(refundTransfers(loan.loanId)).toHaveLength(1);
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toEqual([
      { task_key: 'REFUND_APPROVAL:R2', role: 'FINANCE' },
    ]);
    await untilIdle(loan.handle);
  });

  it('holds a refund above the threshold for a finance approval that neither another role nor the maker can give', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '100.00' }));
    const maker = await h.createUser('FINANCE', 'maker');
    const checker = await h.createUser('FINANCE', 'checker');
    const collector = await h.createUser('COLLECTOR');
    const due = loan.active.servicing!.nextDue!;
    await skipTo(h, due.dueDate, '10:00');
    const owed = (await view(loan.handle)).servicing!.nextDue!.amount;
    await pay(loan.handle, {
      paymentId: `${loan.loanId}-cash`,
      amount: money(owed).plus('500.00').toFixed(2),
      channel: 'CASH',
      receivedOn: due.dueDate,
      by: { userId: maker, role: 'FINANCE' },
    });
    const waiting = await untilRefund(loan.handle, 'R1', 'APPROVAL');
    expect(waiting).toMatchObject({ amount: '500.00', requestedBy: maker });
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toEqual([
      { task_key: 'REFUND_APPROVAL:R1', role: 'FINANCE' },
    ]);
    expect(refundTransfers(loan.loanId)).toHaveLength(0);

    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: collector, role: 'COLLECTOR' } }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: maker, role: 'FINANCE' } }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R9', action: 'APPROVE', by: { userId: checker, role: 'FINANCE' } }),
      ),
    ).toBe('INVALID');
    expect(
      await refusalOf(
        decide(loan.handle, {
          refundId: 'R1',
          action: 'REJECT',
          reason: ' ',
          by: { userId: checker, role: 'FINANCE' },
        }),
      ),
    ).toBe('INVALID');
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'RETRY', by: { userId: checker, role: 'FINANCE' } }),
      ),
    ).toBe('WRONG_STAGE');
    expect((await refundOf(loan.handle, 'R1'))!.status).toBe('APPROVAL');

    const approved = await decide(loan.handle, {
      refundId: 'R1',
      action: 'APPROVE',
      by: { userId: checker, role: 'FINANCE' },
    });
    expect(approved.refunds![0]).toMatchObject({ approvedBy: checker });
    // Approved, it still waits out the hold after the payment.
    expect(refundTransfers(loan.loanId)).toHaveLength(0);
    await h.env.sleep(3 * DAY + 60_000);
    const refund = await untilRefund(loan.handle, 'R1', 'PAID');
    expect(refund.approvedBy).toBe(checker);
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: checker, role: 'FINANCE' } }),
      ),
    ).toBe('WRONG_STAGE');
    expect(refundTransfers(loan.loanId)).toHaveLength(1);
    expect(await refundEntries(loan.loanId)).toHaveLength(1);
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toEqual([]);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    await untilIdle(loan.handle);
  });

  it('refuses a forged approval sent straight to Temporal: the worker checks the decider in the database', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '100.00' }));
    const collector = await h.createUser('COLLECTOR');
    const disabled = await h.createUser('FINANCE', 'left');
    await h.sql`update users set status = 'DISABLED' where id = ${disabled}`;
    const checker = await h.createUser('FINANCE', 'checker');
    await overpayFirst(loan, '500.00');
    await untilRefund(loan.handle, 'R1', 'APPROVAL');

    // Each names role FINANCE in the payload; none is an active finance user in the database.
    for (const userId of [collector, disabled, '00000000-0000-0000-0000-000000000000']) {
      expect(
        await refusalOf(decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId, role: 'FINANCE' } })),
      ).toBe('FORBIDDEN');
    }
    const refused = await view(loan.handle);
    expect(refused.refunds![0]).toMatchObject({ status: 'APPROVAL' });
    expect(refused.refunds![0]!.approvedBy).toBeUndefined();
    expect(refused.timeline.filter((e) => e.kind === 'REFUND_DECISION_REFUSED')).toHaveLength(3);
    await untilIdle(loan.handle);
    const audited = await h.sql<{ kind: string }[]>`
      select kind from loan_events where loan_id = ${loan.loanId} and kind = 'REFUND_DECISION_REFUSED'`;
    expect(audited).toHaveLength(3);
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toHaveLength(1);

    // The real finance user still decides it.
    const approved = await decide(loan.handle, {
      refundId: 'R1',
      action: 'APPROVE',
      by: { userId: checker, role: 'FINANCE' },
    });
    expect(approved.refunds![0]).toMatchObject({ status: 'PENDING', approvedBy: checker });
    await h.env.sleep(3 * DAY + 60_000);
    await untilRefund(loan.handle, 'R1', 'PAID');
    expect(refundTransfers(loan.loanId)).toHaveLength(1);
    await untilIdle(loan.handle);
  });

  it('sends a retry above the threshold back to APPROVAL, where the user who retried cannot approve it', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '100.00' }));
    const first = await h.createUser('FINANCE', 'first');
    const retrier = await h.createUser('FINANCE', 'retrier');
    const checker = await h.createUser('FINANCE', 'checker');
    h.bank.holdSettlement = true;
    await overpayFirst(loan, '300.00');
    await untilRefund(loan.handle, 'R1', 'APPROVAL');
    await decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: first, role: 'FINANCE' } });
    await h.env.sleep(3 * DAY + 60_000);
    const key = `loan:${loan.loanId}:refund:1`;
    const deadline = Date.now() + 30_000;
    while (!h.bank.transfers.has(key) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    h.bank.settle(key, 'FAILED', 'ACCOUNT_CLOSED');
    h.bank.holdSettlement = false;
    await h.env.sleep(120_000);
    await untilRefund(loan.handle, 'R1', 'FAILED');

    const retried = await decide(loan.handle, {
      refundId: 'R1',
      action: 'RETRY',
      by: { userId: retrier, role: 'FINANCE' },
    });
    expect(retried.refunds![0]).toMatchObject({ status: 'APPROVAL', attempt: 2, retriedBy: retrier });
    expect(retried.refunds![0]!.approvedBy).toBeUndefined();
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toEqual([
      { task_key: 'REFUND_APPROVAL:R1:2', role: 'FINANCE' },
    ]);
    await h.env.sleep(DAY);
    expect(refundTransfers(loan.loanId)).toHaveLength(1);
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: retrier, role: 'FINANCE' } }),
      ),
    ).toBe('FORBIDDEN');
    await decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: checker, role: 'FINANCE' } });
    const paid = await untilRefund(loan.handle, 'R1', 'PAID');
    expect(paid).toMatchObject({ attempt: 2, approvedBy: checker, idempotencyKey: `${key}:retry-1` });
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toEqual([]);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    await untilIdle(loan.handle);
  });

  it('keeps a rejected refund owed as the borrower credit, which pays the next installment', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '100.00' }));
    const checker = await h.createUser('FINANCE', 'checker');
    await overpayFirst(loan, '300.00');
    await untilRefund(loan.handle, 'R1', 'APPROVAL');
    const rejected = await decide(loan.handle, {
      refundId: 'R1',
      action: 'REJECT',
      reason: 'borrower asked to keep it for the next installment',
      by: { userId: checker, role: 'FINANCE' },
    });
    expect(rejected.refunds![0]).toMatchObject({ status: 'REJECTED', failureReason: 'REJECTED_BY_FINANCE' });
    await untilIdle(loan.handle);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    expect(await ledgerBalance(h, loan.loanId, 'BORROWER_CREDIT')).toBe('-300.00');
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toEqual([]);
    expect(await openTasks(loan.loanId, 'REFUND_FAILED')).toEqual([]);
    const before = (await view(loan.handle)).servicing!;
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'RETRY', by: { userId: checker, role: 'FINANCE' } }),
      ),
    ).toBe('WRONG_STAGE');

    // Nothing goes to the bank; on the next due date the credit pays the installment.
    await h.env.sleep(4 * DAY);
    expect(refundTransfers(loan.loanId)).toHaveLength(0);
    const next = before.nextDue!;
    expect(money(next.amount).gt('300.00')).toBe(true);
    // Credit is used when the installment falls due (18:00).
    await skipTo(h, next.dueDate, '18:30');
    await untilIdle(loan.handle);
    expect(await ledgerBalance(h, loan.loanId, 'BORROWER_CREDIT')).toBe('0.00');
    const applied = await h.sql<{ business_key: string }[]>`
      select e.business_key from journal_entries e join journal_lines l on l.entry_id = e.id
      where e.loan_id = ${loan.loanId} and e.kind = 'CREDIT_APPLIED' and l.account = 'BORROWER_CREDIT' and l.debit = 300`;
    expect(applied).toEqual([{ business_key: `loan:${loan.loanId}:credit:1` }]);
    expect(refundTransfers(loan.loanId)).toHaveLength(0);
    await h.capture(loan.loanId, 'refund-rejected', ['partial-payment', 'refund']);
  });

  it('ends a paid-off loan whose refund finance rejects, leaving the credit to finance as a task', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '100.00' }));
    const checker = await h.createUser('FINANCE', 'checker');
    const due = loan.active.servicing!.nextDue!;
    await skipTo(h, due.dueDate, '10:00');
    const payoff = (await view(loan.handle)).servicing!.payoffToday;
    const result = await pay(loan.handle, {
      paymentId: `${loan.loanId}-payoff`,
      amount: money(payoff).plus('250.00').toFixed(2),
      receivedOn: due.dueDate,
      by: loan.borrower,
    });
    expect(result.status).toBe('PAID_OFF');
    const owed = await untilRefund(loan.handle, 'R1', 'APPROVAL');
    expect(money(owed.amount).gt('200.00')).toBe(true);
    await waitForStatus(loan.handle, 'PAID_OFF');
    // The loan ends in the workflow task that answers the update, and the time-skipping server
    // then loses the update's answer (not found): the decision is read from the loan's result.
    await decide(loan.handle, {
      refundId: 'R1',
      action: 'REJECT',
      reason: 'the borrower will collect it at the branch',
      by: { userId: checker, role: 'FINANCE' },
    }).catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
    const done = await loan.handle.result();
    expect(done.status).toBe('PAID_OFF');
    expect(done.refunds).toEqual([
      expect.objectContaining({ refundId: 'R1', status: 'REJECTED', amount: owed.amount }),
    ]);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    expect(await ledgerBalance(h, loan.loanId, 'BORROWER_CREDIT')).toBe(`-${owed.amount}`);
    const [task] = await h.sql<{ task_key: string; role: string; detail: { amount: string } }[]>`
      select task_key, role, detail from tasks where loan_id = ${loan.loanId} and kind = 'BORROWER_CREDIT_SETTLE' and status = 'OPEN'`;
    expect(task).toMatchObject({
      task_key: 'BORROWER_CREDIT_SETTLE:R1',
      role: 'FINANCE',
      detail: { amount: owed.amount },
    });
    expect(refundTransfers(loan.loanId)).toHaveLength(0);
    await h.capture(loan.loanId, 'refund-rejected-at-payoff', ['payoff', 'refund']);
  });

  it('turns a refund the bank refuses into a finance task, keeps the loan going, and pays a retry once', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND' }));
    const finance = await h.createUser('FINANCE');
    h.bank.holdSettlement = true;
    await overpayFirst(loan, '300.00');
    await h.env.sleep(3 * DAY + 60_000);
    const key = `loan:${loan.loanId}:refund:1`;
    const deadline = Date.now() + 30_000;
    while (!h.bank.transfers.has(key) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The bank answers later; no callback reaches the workflow here, so its poll finds the refusal.
    h.bank.settle(key, 'FAILED', 'ACCOUNT_CLOSED');
    h.bank.holdSettlement = false;
    await h.env.sleep(120_000);
    const failed = await untilRefund(loan.handle, 'R1', 'FAILED');
    expect(failed.failureReason).toBe('ACCOUNT_CLOSED');
    expect((await view(loan.handle)).status).toBe('ACTIVE');
    expect(await openTasks(loan.loanId, 'REFUND_FAILED')).toEqual([
      { task_key: 'REFUND_FAILED:R1:1', role: 'FINANCE' },
    ]);
    expect(await refundEntries(loan.loanId)).toEqual([]);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('-300.00');

    await decide(loan.handle, { refundId: 'R1', action: 'RETRY', by: { userId: finance, role: 'FINANCE' } });
    const paid = await untilRefund(loan.handle, 'R1', 'PAID');
    expect(paid).toMatchObject({ attempt: 2, idempotencyKey: `${key}:retry-1`, approvedBy: finance });
    const transfers = refundTransfers(loan.loanId);
    expect(transfers.map((t) => [t.idempotencyKey, t.status]).sort()).toEqual([
      [key, 'FAILED'],
      [`${key}:retry-1`, 'SUCCEEDED'],
    ]);
    expect(await refundEntries(loan.loanId)).toEqual([
      expect.objectContaining({ business_key: key, external_ref: `${key}:retry-1` }),
    ]);
    expect(await openTasks(loan.loanId, 'REFUND_FAILED')).toEqual([]);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'RETRY', by: { userId: finance, role: 'FINANCE' } }),
      ),
    ).toBe('WRONG_STAGE');
    await untilIdle(loan.handle);
    await h.capture(loan.loanId, 'refund-failed-retry', ['partial-payment', 'refund']);
  });

  it('refunds the credit left at payoff, keeping the paid-off loan open until finance approves and the bank pays', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'CARRY_FORWARD', refundApprovalThreshold: '100.00' }));
    const finance = await h.createUser('FINANCE');
    const first = await overpayFirst(loan, '300.00', 'credit');
    expect(first.allocation.toCredit).toBe('300.00');
    const payoff = (await view(loan.handle)).servicing!.payoffToday;
    const result = await pay(loan.handle, {
      paymentId: `${loan.loanId}-payoff`,
      amount: money(payoff).plus('300.00').toFixed(2),
      receivedOn: first.receivedOn,
      by: loan.borrower,
    });
    expect(result.status).toBe('PAID_OFF');
    const waiting = await untilRefund(loan.handle, 'R1', 'APPROVAL');
    // Every yuan left over: the credit kept from the first payment and what the payoff paid beyond it.
    const [owed] = await h.sql<{ total: string }[]>`
      select sum(credit)::numeric(16, 2)::text as total from journal_lines where loan_id = ${loan.loanId} and account = 'REFUND_PAYABLE'`;
    expect(waiting.amount).toBe(owed!.total);
    expect(money(waiting.amount).gte('300.00')).toBe(true);
    expect(await ledgerBalance(h, loan.loanId, 'BORROWER_CREDIT')).toBe('0.00');
    await waitForStatus(loan.handle, 'PAID_OFF');
    // Paying off closed the loan's other tasks; the refund's stays for finance.
    await untilIdle(loan.handle);
    expect(await openTasks(loan.loanId, 'REFUND_APPROVAL')).toHaveLength(1);
    // Days pass; the paid-off loan still waits for the refund's approval.
    await h.env.sleep(3 * 24 * 3600_000);
    expect((await loan.handle.describe()).status.name).toBe('RUNNING');

    await decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: finance, role: 'FINANCE' } });
    const done = await loan.handle.result();
    expect(done.status).toBe('PAID_OFF');
    expect(done.refunds).toEqual([expect.objectContaining({ refundId: 'R1', status: 'PAID', amount: waiting.amount })]);
    expect(refundTransfers(loan.loanId)).toHaveLength(1);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    await h.capture(loan.loanId, 'refund-at-payoff', ['payoff', 'refund']);
  });
  it('cancels the refund of a reversed payment before it reaches the bank, closing its task; the mirror unwinds REFUND_PAYABLE', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '100.00' }));
    const maker = await h.createUser('FINANCE', 'maker');
    const checker = await h.createUser('FINANCE', 'checker');
    const due = loan.active.servicing!.nextDue!;
    await skipTo(h, due.dueDate, '10:00');
    const owed = (await view(loan.handle)).servicing!.nextDue!.amount;
    const paymentId = `${loan.loanId}-cash`;
    await pay(loan.handle, {
      paymentId,
      amount: money(owed).plus('400.00').toFixed(2),
      channel: 'CASH',
      receivedOn: due.dueDate,
      by: { userId: maker, role: 'FINANCE' },
    });
    await untilRefund(loan.handle, 'R1', 'APPROVAL');
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('-400.00');

    const reversed = await reverseApproved(loan.handle, loan.loanId, paymentId, maker, checker);
    expect(reversed.duplicate).toBe(false);
    const cancelled = await untilRefund(loan.handle, 'R1', 'CANCELLED');
    expect(cancelled).toMatchObject({ amount: '400.00', paymentId });
    expect(cancelled.cancelledOn).toBeDefined();
    await untilIdle(loan.handle);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    expect(await allTasks(loan.loanId, 'REFUND_%')).toEqual([{ task_key: 'REFUND_APPROVAL:R1', status: 'CANCELLED' }]);
    // Cancelled is final: no decision acts on it, and past the hold nothing goes to the bank.
    expect(
      await refusalOf(
        decide(loan.handle, { refundId: 'R1', action: 'APPROVE', by: { userId: checker, role: 'FINANCE' } }),
      ),
    ).toBe('WRONG_STAGE');
    await h.env.sleep(4 * DAY);
    await untilIdle(loan.handle);
    expect(refundTransfers(loan.loanId)).toHaveLength(0);
    expect(await refundEntries(loan.loanId)).toHaveLength(0);
    expect((await refundOf(loan.handle, 'R1'))!.status).toBe('CANCELLED');
    await h.capture(loan.loanId, 'refund-cancelled-by-reversal', ['partial-payment', 'reversal', 'refund']);
  });

  it('refuses a reversal while the payment’s refund is at the bank, and after it is paid; the ledger stays as it was', async () => {
    const loan = await activeLoan((p) => ({ ...p, overpayment: 'REFUND', refundApprovalThreshold: '1000.00' }));
    const maker = await h.createUser('FINANCE', 'maker');
    const checker = await h.createUser('FINANCE', 'checker');
    const due = loan.active.servicing!.nextDue!;
    await skipTo(h, due.dueDate, '10:00');
    const owed = (await view(loan.handle)).servicing!.nextDue!.amount;
    const paymentId = `${loan.loanId}-cash`;
    h.bank.holdSettlement = true;
    await pay(loan.handle, {
      paymentId,
      amount: money(owed).plus('60.00').toFixed(2),
      channel: 'CASH',
      receivedOn: due.dueDate,
      by: { userId: maker, role: 'FINANCE' },
    });
    await h.env.sleep(3 * DAY + 60_000);
    await eventually(() => refundTransfers(loan.loanId));
    const bankBefore = await ledgerBalance(h, loan.loanId, 'BANK');
    const atBank = await refusalOf(reverseApproved(loan.handle, loan.loanId, paymentId, maker, checker));
    expect(atBank).toBe('WRONG_STAGE');
    expect((await refundOf(loan.handle, 'R1'))!.status).toBe('PENDING');
    h.bank.settle(`loan:${loan.loanId}:refund:1`, 'SUCCEEDED');
    h.bank.holdSettlement = false;
    await h.env.sleep(120_000);
    await untilRefund(loan.handle, 'R1', 'PAID');
    // Paid: the reversal is still refused (the money left the bank); a person takes it from here.
    expect(await refusalOf(reverseApproved(loan.handle, loan.loanId, paymentId, maker, checker))).toBe('WRONG_STAGE');
    const [none] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from journal_entries where business_key = ${`reversal:payment:${paymentId}`}`;
    expect(none!.n).toBe(0);
    expect(await ledgerBalance(h, loan.loanId, 'REFUND_PAYABLE')).toBe('0.00');
    expect(await ledgerBalance(h, loan.loanId, 'BANK')).toBe(money(bankBefore).minus('60.00').toFixed(2));
    await untilIdle(loan.handle);
  });
});
