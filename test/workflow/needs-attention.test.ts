// A business error parks the loan for a person; the workflow never fails. The bank refusing a
// payout (HTTP 400) parks the loan in NEEDS_ATTENTION with an ops task naming the cause; ops
// retry the same step once the cause is fixed, or close a loan no money has left for.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AttentionDecision } from '../../contracts/messages.js';
import { loanViewQuery, resolveAttentionUpdate } from '../../contracts/definitions.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import {
  refusalOf,
  sign,
  untilSleeping,
  uploadDocuments,
  waitForStatus,
  type LoanHandle,
} from './helpers/loan-driver.js';
import { reconciliation } from './helpers/servicing-driver.js';

const CONSUMER_DOCS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(() => {
  h.bank.refuseTransfers = null;
});
afterAll(async () => {
  await h?.teardown();
});

/** A signed loan whose payout the bank refuses: it comes back parked. */
async function parkedAtPayout() {
  const { input } = await h.seedLoan({ amount: '10000.00', profileDigit: 1 });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  h.bank.refuseTransfers = 'toName does not match the account';
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  const parked = await waitForStatus(handle, 'NEEDS_ATTENTION', 60_000);
  return { input, handle, parked };
}

function resolve(handle: LoanHandle, decision: AttentionDecision) {
  return handle.executeUpdate(resolveAttentionUpdate, { args: [decision] });
}

async function workflowFailures(handle: LoanHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter(
    (e) => e.workflowExecutionFailedEventAttributes || e.workflowTaskFailedEventAttributes,
  ).length;
}

describe('NEEDS_ATTENTION', () => {
  it('parks a loan whose payout the bank refuses with 400, and pays once after ops fix the cause and retry', async () => {
    const { input, handle, parked } = await parkedAtPayout();
    expect(parked.attention).toMatchObject({ number: 1, step: 'startDisbursement', resumeStatus: 'DISBURSING' });
    expect(parked.attention!.cause).toMatch(/toName does not match/);

    await vi.waitFor(
      async () => {
        const [task] = await h.sql<
          { kind: string; role: string; status: string; detail: { step: string; cause: string } }[]
        >`
        select kind, role, status, detail from tasks where loan_id = ${input.loanId} and kind = 'NEEDS_ATTENTION'`;
        expect(task).toMatchObject({
          kind: 'NEEDS_ATTENTION',
          role: 'OPS',
          status: 'OPEN',
          detail: { step: 'startDisbursement' },
        });
      },
      { timeout: 15_000 },
    );
    await vi.waitFor(
      async () => {
        const [row] = await h.sql<{ status: string }[]>`select status from loans where id = ${input.loanId}`;
        expect(row!.status).toBe('NEEDS_ATTENTION');
      },
      { timeout: 15_000 },
    );

    const ops = await h.createUser('OPS');
    const finance = await h.createUser('FINANCE');
    expect(
      await refusalOf(resolve(handle, { action: 'RETRY', reason: '已修正', by: { userId: finance, role: 'FINANCE' } })),
    ).toBe('FORBIDDEN');
    expect(await refusalOf(resolve(handle, { action: 'RETRY', reason: ' ', by: { userId: ops, role: 'OPS' } }))).toBe(
      'INVALID',
    );

    // Still refused: the retry parks it again, as a second case.
    const again = await resolve(handle, { action: 'RETRY', reason: '再试一次', by: { userId: ops, role: 'OPS' } });
    expect(['DISBURSING', 'NEEDS_ATTENTION']).toContain(again.status);
    const second = await waitForStatus(handle, 'NEEDS_ATTENTION');
    expect(second.attention?.number).toBe(2);

    h.bank.refuseTransfers = null;
    const retried = await resolve(handle, {
      action: 'RETRY',
      reason: '收款人姓名已与银行核实',
      by: { userId: ops, role: 'OPS' },
    });
    expect(retried.status).not.toBe('NEEDS_ATTENTION');
    const active = await waitForStatus(handle, 'ACTIVE');
    // Every record of the payout is written once the loan sleeps until its first reminder.
    await untilSleeping(handle, 60_000);
    expect(active.attention).toBeUndefined();
    expect(active.disbursements.map((d) => [d.idempotencyKey, d.status])).toEqual([
      [`loan:${input.loanId}:disbursement`, 'SUCCEEDED'],
    ]);
    expect([...h.bank.transfers.keys()].filter((k) => k.includes(input.loanId))).toEqual([
      `loan:${input.loanId}:disbursement`,
    ]);

    const tasks = await h.sql<
      { task_key: string; status: string }[]
    >`select task_key, status from tasks where loan_id = ${input.loanId} and kind = 'NEEDS_ATTENTION' order by task_key`;
    expect(tasks).toEqual([
      { task_key: 'NEEDS_ATTENTION:1', status: 'DONE' },
      { task_key: 'NEEDS_ATTENTION:2', status: 'DONE' },
    ]);
    const kinds = (
      await h.sql<{ kind: string }[]>`select kind from loan_events where loan_id = ${input.loanId} order by id`
    ).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['STATUS_NEEDS_ATTENTION', 'ATTENTION_RETRY', 'STATUS_ACTIVE']));
    expect(await workflowFailures(handle)).toBe(0);
    expect((await reconciliation(h)).findings).toEqual([]);
    await h.capture(input.loanId, 'needs-attention-retry', ['needs-attention', 'disbursement']);
  });

  it('lets ops close a parked loan no money has left for, with a reason', async () => {
    const { input, handle } = await parkedAtPayout();
    const ops = await h.createUser('OPS');
    const closed = await resolve(handle, {
      action: 'CLOSE',
      reason: '借款人银行卡已注销，取消本笔贷款',
      by: { userId: ops, role: 'OPS' },
    });
    expect(closed.status).toBe('CANCELLED');
    const done = await handle.result();
    expect(done.status).toBe('CANCELLED');
    expect(done.closedReason?.zh).toBe('借款人银行卡已注销，取消本笔贷款');
    const [row] = await h.sql<
      { status: string; closed_at: Date | null }[]
    >`select status, closed_at from loans where id = ${input.loanId}`;
    expect(row!.status).toBe('CANCELLED');
    expect(row!.closed_at).not.toBeNull();
    const open = await h.sql`select 1 from tasks where loan_id = ${input.loanId} and status = 'OPEN'`;
    expect(open).toHaveLength(0);
    expect(await workflowFailures(handle)).toBe(0);
    await h.capture(input.loanId, 'needs-attention-close', ['needs-attention']);
  });

  it('refuses to close once the bank has accepted a transfer', async () => {
    const { input, handle } = await parkedAtPayout();
    const ops = await h.createUser('OPS');
    // Not parked any more after a successful retry: nothing left to close.
    h.bank.refuseTransfers = null;
    await resolve(handle, { action: 'RETRY', reason: '已修正', by: { userId: ops, role: 'OPS' } });
    await waitForStatus(handle, 'ACTIVE');
    await untilSleeping(handle, 60_000);
    expect(
      await refusalOf(resolve(handle, { action: 'CLOSE', reason: '取消', by: { userId: ops, role: 'OPS' } })),
    ).toBe('WRONG_STAGE');
    expect((await handle.query(loanViewQuery)).status).toBe('ACTIVE');
    expect(input.loanId).toBeTruthy();
  });
});
