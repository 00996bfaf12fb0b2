// 展期 / 重组 on the time-skipping server, real activities and PostgreSQL: the borrower asks, a risk
// manager approves (the borrower cannot, two approvals in one go decide once), the supplementary
// contract is issued with its sha256, the borrower's signature applies the new schedule once, the
// servicing loop collects on it until the loan is paid off, and decades later nothing more happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decideRestructuringUpdate,
  requestRestructuringUpdate,
  signSupplementaryContractUpdate,
} from '../../contracts/definitions.js';
import type { RestructureDecision, RestructureRequest, SupplementarySignature } from '../../contracts/messages.js';
import { addDays } from '../../domain/dates.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign as signContract, uploadDocuments, waitForStatus, type LoanHandle } from './helpers/loan-driver.js';
import { ledgerBalance, pay, reconciliation, refusal, skipTo, view } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

async function activeLoan(termCount: number) {
  const { input } = await h.seedLoan({ amount: '12000.00', termCount, profileDigit: 1 });
  await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await signContract(handle, input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  const active = await waitForStatus(handle, 'ACTIVE');
  return { handle, loanId: input.loanId, borrowerId: input.borrowerId, disbursedOn: active.servicing!.disbursedOn };
}

const ask = (handle: LoanHandle, r: RestructureRequest) =>
  handle.executeUpdate(requestRestructuringUpdate, { args: [r] });
const decide = (handle: LoanHandle, d: RestructureDecision) =>
  handle.executeUpdate(decideRestructuringUpdate, { args: [d] });
const signIt = (handle: LoanHandle, s: SupplementarySignature) =>
  handle.executeUpdate(signSupplementaryContractUpdate, { args: [s] });

async function installments(loanId: string) {
  return h.sql<{ number: number; due_date: string; principal: string; interest: string }[]>`
    select number, due_date::text, principal::text, interest::text from installments where loan_id = ${loanId} order by number`;
}

/** Pays each installment on its due date until the loan is paid off. */
async function payToTheEnd(handle: LoanHandle, borrowerId: string, loanId: string): Promise<number> {
  let paid = 0;
  for (let guard = 0; guard < 40; guard += 1) {
    const v = await view(handle);
    if (v.status === 'PAID_OFF') return paid;
    const next = v.servicing!.nextDue!;
    await skipTo(h, next.dueDate, '11:00');
    const owed = (await view(handle)).servicing!.nextDue!;
    await pay(handle, {
      paymentId: `${loanId}-p${guard}`,
      amount: owed.amount,
      receivedOn: next.dueDate,
      by: { userId: borrowerId, role: 'BORROWER' },
    });
    paid += 1;
  }
  throw new Error('not paid off');
}

describe('展期 / 重组 in servicing', () => {
  it('extends a loan: request, approval within authority, signed supplementary contract, new schedule paid to the end', async () => {
    const { handle, loanId, borrowerId, disbursedOn } = await activeLoan(3);
    const before = await installments(loanId);
    await skipTo(h, addDays(disbursedOn, 10), '10:00');
    const borrower = { userId: borrowerId, role: 'BORROWER' as const };
    const request: RestructureRequest = {
      requestId: 'ext-1',
      kind: 'EXTENSION',
      installmentCount: 4,
      annualRate: '0.1200',
      reason: '收入延后到账',
      by: borrower,
    };
    // Bad terms are refused naming the field; a stranger cannot ask for someone else's loan.
    expect(await refusal(ask(handle, { ...request, installmentCount: 40 }))).toBe('INVALID');
    expect(await refusal(ask(handle, { ...request, annualRate: '0.1000' }))).toBe('INVALID');
    const stranger = await h.createUser('BORROWER', 'stranger');
    expect(await refusal(ask(handle, { ...request, by: { userId: stranger, role: 'BORROWER' } }))).toBe('FORBIDDEN');
    const asked = await ask(handle, request);
    expect(asked.restructuring).toMatchObject({ status: 'PENDING_APPROVAL', kind: 'EXTENSION' });
    // A repeat gets the same answer; a second request while one is open is refused.
    expect((await ask(handle, request)).restructuring?.requestId).toBe('ext-1');
    expect(await refusal(ask(handle, { ...request, requestId: 'ext-2' }))).toBe('WRONG_STAGE');

    // The borrower cannot approve; two risk managers at once: one decides, the other is refused.
    const approval = { requestId: 'ext-1', approve: true, comment: '同意展期' };
    expect(await refusal(decide(handle, { ...approval, by: borrower }))).toBe('FORBIDDEN');
    const [rm1, rm2] = [await h.createUser('RISK_MANAGER', 'rm1'), await h.createUser('RISK_MANAGER', 'rm2')];
    const both = await Promise.allSettled([
      decide(handle, { ...approval, by: { userId: rm1, role: 'RISK_MANAGER' } }),
      decide(handle, { ...approval, by: { userId: rm2, role: 'RISK_MANAGER' } }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(await refusal(Promise.reject(refused.reason as Error))).toBe('WRONG_STAGE');

    const approved = (await view(handle)).restructuring!;
    expect(approved.status).toBe('AWAITING_SIGNATURE');
    const [stored] = await h.sql<{ sha256: string }[]>`
      select sha256 from supplementary_contracts where loan_id = ${loanId} and request_id = 'ext-1'`;
    expect(approved.contract!.sha256).toBe(stored!.sha256);
    // Nothing changes until the borrower signs.
    expect(await installments(loanId)).toEqual(before);

    const signature = { requestId: 'ext-1', sha256: approved.contract!.sha256, signatureId: 'sig-1', by: borrower };
    expect(await refusal(signIt(handle, { ...signature, sha256: 'f'.repeat(64) }))).toBe('INVALID');
    expect(await refusal(signIt(handle, { ...signature, by: { userId: stranger, role: 'BORROWER' } }))).toBe(
      'FORBIDDEN',
    );
    const signs = await Promise.allSettled([signIt(handle, signature), signIt(handle, signature)]);
    expect(signs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    const after = await view(handle);
    expect(after.restructuring).toMatchObject({ status: 'APPLIED' });
    const rows = await installments(loanId);
    expect(rows).toHaveLength(1 + 4);
    expect(rows[0]).toMatchObject({
      number: 1,
      due_date: before[0]!.due_date,
      principal: '0.00',
      interest: before[0]!.interest,
    });
    expect(
      rows
        .slice(1)
        .reduce((t, r) => t + Number(r.principal), 0)
        .toFixed(2),
    ).toBe('12000.00');
    expect(after.servicing!.classification).toBe('NORMAL');
    const [event] = await h.sql<{ detail: Record<string, unknown> }[]>`
      select detail from loan_events where loan_id = ${loanId} and kind = 'EXTENDED'`;
    expect(event!.detail).toMatchObject({
      outstandingPrincipal: '12000.00',
      installmentCount: 4,
      newMaturityDate: rows[rows.length - 1]!.due_date,
    });
    expect(await ledgerBalance(h, loanId, 'LOAN_PRINCIPAL')).toBe('12000.00');

    expect(await payToTheEnd(handle, borrowerId, loanId)).toBe(5);
    expect(await ledgerBalance(h, loanId, 'LOAN_PRINCIPAL')).toBe('0.00');
    expect(await ledgerBalance(h, loanId, 'INTEREST_RECEIVABLE')).toBe('0.00');
    // Decades later the loan is still closed and the books still reconcile.
    await h.env.sleep(30 * 365 * 86_400_000);
    expect((await view(handle)).status).toBe('PAID_OFF');
    expect((await reconciliation(h)).findings.filter((f) => f.loanId === loanId)).toEqual([]);
    await h.capture(loanId, 'servicing-extension', ['on-time-payment', 'restructuring', 'message-race']);
  });

  it('restructures an overdue loan at a lower rate: arrears stay due, the loan is 关注 for the observation period', async () => {
    const { handle, loanId, borrowerId } = await activeLoan(6);
    const first = (await installments(loanId))[0]!;
    const today = addDays(first.due_date, 10);
    await skipTo(h, today, '10:00');
    expect((await view(handle)).status).toBe('OVERDUE');
    const officer = await h.createUser('LOAN_OFFICER', 'officer');
    await ask(handle, {
      requestId: 'rs-1',
      kind: 'RESTRUCTURING',
      installmentCount: 12,
      annualRate: '0.0800',
      reason: '经营困难',
      by: { userId: officer, role: 'LOAN_OFFICER' },
    });
    // The loan officer who asked cannot decide it.
    const decision = { requestId: 'rs-1', approve: true, comment: '同意重组' };
    expect(await refusal(decide(handle, { ...decision, by: { userId: officer, role: 'LOAN_OFFICER' } }))).toBe(
      'FORBIDDEN',
    );
    const rm = await h.createUser('RISK_MANAGER', 'rm');
    const approved = (await decide(handle, { ...decision, by: { userId: rm, role: 'RISK_MANAGER' } })).restructuring!;
    const plan = approved.plan!;
    expect(plan.countsAsRestructuring).toBe(true);
    expect(plan.outstandingPrincipal).toBe('12000.00');
    const borrower = { userId: borrowerId, role: 'BORROWER' as const };
    await signIt(handle, { requestId: 'rs-1', sha256: approved.contract!.sha256, signatureId: 'sig-2', by: borrower });
    const applied = await view(handle);
    expect(applied.restructuring!.status).toBe('APPLIED');
    // The arrears (interest and penalty of installment 1) stay due: paid the same day, the loan is current again.
    const arrears = applied.servicing!.nextDue!;
    expect(arrears.number).toBe(1);
    await pay(handle, { paymentId: `${loanId}-arrears`, amount: arrears.amount, receivedOn: today, by: borrower });
    const current = await view(handle);
    expect(current.status).toBe('ACTIVE');
    expect(current.servicing!.classification).toBe('SPECIAL_MENTION');
    const [event] = await h.sql<{ detail: Record<string, unknown> }[]>`
      select detail from loan_events where loan_id = ${loanId} and kind = 'RESTRUCTURED'`;
    expect(event!.detail).toMatchObject({ outstandingPrincipal: '12000.00', installmentCount: 12 });
    await h.capture(loanId, 'servicing-restructuring-overdue', ['overdue-ladder', 'late-payment', 'restructuring']);
  });
});
