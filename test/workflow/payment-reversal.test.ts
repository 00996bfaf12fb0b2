// Reversing a repayment on the time-skipping server: real activities and PostgreSQL, fake bank.
// A bank transfer finance recorded that the bank never received is reversed by a second finance
// user; the installment it paid is unpaid again, the loan goes overdue after grace and the ladder
// starts, reconciliation loses its finding, and repeats and concurrent requests reverse once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reversePaymentUpdate } from '../../contracts/definitions.js';
import type { ReversalInput } from '../../contracts/messages.js';
import { addDays } from '../../domain/dates.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import type { LoanHandle } from './helpers/loan-driver.js';
import { ledgerBalance, pay, reconciliation, refusal, skipTo, view } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

async function manualLoan() {
  const { input } = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
  await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await h.start(input);
  const { uploadDocuments, sign, waitForStatus } = await import('./helpers/loan-driver.js');
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  await waitForStatus(handle, 'ACTIVE');
  return { handle, loanId: input.loanId, borrowerId: input.borrowerId };
}

async function firstDue(loanId: string): Promise<{ dueDate: string; amount: string }> {
  const [row] = await h.sql<{ due_date: string; amount: string }[]>`
    select due_date, (principal + interest + fee)::text as amount from installments where loan_id = ${loanId} and number = 1`;
  return { dueDate: row!.due_date, amount: row!.amount };
}

function reverse(handle: LoanHandle, input: ReversalInput, updateId?: string) {
  return handle.executeUpdate(reversePaymentUpdate, { args: [input], ...(updateId ? { updateId } : {}) });
}

async function findingsOf(loanId: string): Promise<string[]> {
  const report = await reconciliation(h);
  return report.findings.filter((f) => f.loanId === loanId).map((f) => f.code);
}

describe('reversing a repayment', () => {
  it('reverses a bank transfer that never arrived: the installment is unpaid again, the ladder starts, reconciliation clears', async () => {
    const { handle, loanId, borrowerId } = await manualLoan();
    const maker = await h.createUser('FINANCE', 'maker');
    const checker = await h.createUser('FINANCE', 'checker');
    const due = await firstDue(loanId);
    await skipTo(h, due.dueDate, '11:00');
    const bankBefore = await ledgerBalance(h, loanId, 'BANK');
    const paid = await pay(handle, {
      paymentId: `${loanId}-bt1`,
      amount: due.amount,
      channel: 'BANK_TRANSFER',
      receivedOn: due.dueDate,
      by: { userId: maker, role: 'FINANCE' },
    });
    expect(paid.allocation.installments[0]).toMatchObject({ number: 1 });
    expect(await findingsOf(loanId)).toEqual(['ENTRY_WITHOUT_INCOMING']);

    await skipTo(h, addDays(due.dueDate, 1), '09:00');
    const input: ReversalInput = {
      paymentId: `${loanId}-bt1`,
      reason: 'the bank never received it',
      requestedBy: maker,
      approvedBy: { userId: maker, role: 'FINANCE' },
    };
    // The maker cannot approve their own request; no reason, no reversal; an unknown payment is refused.
    expect(await refusal(reverse(handle, input))).toBe('FORBIDDEN');
    const approved = { ...input, approvedBy: { userId: checker, role: 'FINANCE' as const } };
    expect(await refusal(reverse(handle, { ...approved, reason: ' ' }))).toBe('INVALID');

    // Sent straight to Temporal with no approved request row, or naming an approver the row does not: refused, nothing posted.
    expect(await refusal(reverse(handle, approved))).toBe('FORBIDDEN');
    const forger = await h.createUser('FINANCE', 'forger');
    await h.sql`
      insert into payment_reversals (payment_id, loan_id, reason, status, requested_by, checked_by, checked_at)
      values (${input.paymentId}, ${loanId}, ${input.reason}, 'APPROVED', ${maker}, ${checker}, now())`;
    const forged = { ...approved, approvedBy: { userId: forger, role: 'FINANCE' as const } };
    expect(await refusal(reverse(handle, forged))).toBe('FORBIDDEN');
    const [none] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from journal_entries where business_key = ${`reversal:payment:${loanId}-bt1`}`;
    expect(none!.n).toBe(0);
    expect(await ledgerBalance(h, loanId, 'BANK')).not.toBe(bankBefore);
    const [pending] = await h.sql<{ reversed_at: Date | null }[]>`
      select reversed_at from payment_reversals where payment_id = ${input.paymentId}`;
    expect(pending!.reversed_at).toBeNull();
    expect(await refusal(reverse(handle, { ...approved, paymentId: 'no-such-payment' }))).toBe('FORBIDDEN');

    // Two approvals land together and one is retried under its update id: one reversal.
    const [a, b] = await Promise.all([
      reverse(handle, approved, `reversal:${loanId}:1`),
      reverse(handle, approved, `reversal:${loanId}:2`),
    ]);
    const again = await reverse(handle, approved, `reversal:${loanId}:1`);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(again).toEqual(a);
    const first = a.duplicate ? b : a;
    expect(first.entries).toContain(`reversal:payment:${loanId}-bt1`);
    expect(first.status).toBe('ACTIVE');
    expect(first.balances.principal).toBe('12000.00');
    const [count] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from journal_entries where business_key = ${`reversal:payment:${loanId}-bt1`}`;
    expect(count!.n).toBe(1);
    // The request row follows the ledger whatever the caller heard back: marked with the reversal's entries.
    const [marked] = await h.sql<{ reversed_at: Date | null }[]>`
      select reversed_at from payment_reversals where payment_id = ${input.paymentId}`;
    expect(marked!.reversed_at).not.toBeNull();
    expect(await ledgerBalance(h, loanId, 'LOAN_PRINCIPAL')).toBe('12000.00');
    expect(await ledgerBalance(h, loanId, 'BANK')).toBe(bankBefore);
    // The repayment row stays (history is never edited); reconciliation has nothing to say.
    const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from repayments where loan_id = ${loanId}`;
    expect(row!.n).toBe(1);
    expect(await findingsOf(loanId)).toEqual([]);
    const [installment] = await h.sql<{ paid_on: string | null; paid_principal: string }[]>`
      select paid_on, paid_principal::text from installments where loan_id = ${loanId} and number = 1`;
    expect(installment).toEqual({ paid_on: null, paid_principal: '0.00' });

    // After grace the installment the reversal left unpaid makes the loan overdue; the ladder's first step runs.
    await skipTo(h, addDays(due.dueDate, 6), '12:00');
    const late = await view(handle);
    expect(late.status).toBe('OVERDUE');
    expect(late.servicing!.daysPastDue).toBeGreaterThan(0);
    expect(late.servicing!.collections.stepsTaken.length).toBeGreaterThan(0);
    expect(late.servicing!.recentPayments.map((p) => p.paymentId)).not.toContain(`${loanId}-bt1`);
    expect(late.timeline.some((t) => t.kind === 'REPAYMENT_REVERSED')).toBe(true);

    // The borrower pays what is owed: the loan is current again.
    const owed = late.servicing!.balances.totalDue;
    const cured = await pay(handle, {
      paymentId: `${loanId}-p2`,
      amount: owed,
      receivedOn: addDays(due.dueDate, 6),
      by: { userId: borrowerId, role: 'BORROWER' },
    });
    expect(cured.status).toBe('ACTIVE');
    await skipTo(h, addDays(due.dueDate, 7), '12:00');
    expect((await view(handle)).status).toBe('ACTIVE');
    expect(await findingsOf(loanId)).toEqual([]);
    await h.capture(loanId, 'payment-reversal', ['on-time-payment', 'reversal', 'overdue-ladder']);
    await h.client.workflow.getHandle(loanId).terminate('test done');
  });
});
