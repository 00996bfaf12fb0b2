// Two messages landing in the same workflow task: the worker is stopped, both are sent, and the
// worker comes back to find them together. Each stage takes one decision, every accepted message
// is answered, and none is lost. These run on the real dev server (the time-skipping server cannot
// complete a task that accepts one update and rejects another); the write-off race needs months
// to pass and runs on the time-skipping server with both messages sent at once.
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays } from '../../domain/dates.js';
import {
  bankResultSignal,
  decideRestructuringUpdate,
  loanViewQuery,
  requestRestructuringUpdate,
  retryDisbursementUpdate,
  reviewUpdate,
  withdrawUpdate,
  writeOffUpdate,
} from '../../contracts/definitions.js';
import type { loanWorkflow } from '../../workflows/loan.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { refusalOf, review, sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { pay, reconciliation, skipTo, view } from './helpers/servicing-driver.js';

const CONSUMER_DOCS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;

let h: WorkflowHarness;
let skipping: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness({ realServer: true, cacheWorkflows: false });
  skipping = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
  await skipping?.teardown();
});

/** Sends every message while the worker is stopped, so they reach the workflow in one workflow task. */
async function together<T>(...sends: Array<() => Promise<T>>): Promise<PromiseSettledResult<T>[]> {
  await h.stopWorker();
  const answers = sends.map((send) => send());
  // Let the server admit every request before the worker polls again.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await h.startWorker();
  return Promise.allSettled(answers);
}

async function refusalType(result: PromiseSettledResult<unknown>): Promise<string> {
  if (result.status === 'fulfilled') return 'ACCEPTED';
  return refusalOf(Promise.reject(result.reason as Error));
}

/** Workflow tasks that failed (non-determinism, a handler throwing where it must not). */
async function failedTasks(handle: WorkflowHandle<typeof loanWorkflow>): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
}

async function loanInInitialReview() {
  const { input } = await h.seedLoan({ amount: '60000.00', profileDigit: 2 });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
  await waitForStatus(handle, 'INITIAL_REVIEW');
  return { input, handle };
}

describe('two messages in one workflow task', () => {
  it('takes one of two initial-review decisions and refuses the other; a decision for an earlier round is refused', async () => {
    const { input, handle } = await loanInInitialReview();
    const reviewerA = await h.createUser('INITIAL_REVIEWER');
    const reviewerB = await h.createUser('INITIAL_REVIEWER');
    expect((await handle.query(loanViewQuery)).openReview).toMatchObject({ stage: 'INITIAL', round: 1 });

    const [more, approve] = await together(
      () =>
        review(handle, {
          stage: 'INITIAL',
          decision: 'REQUEST_DOCUMENTS',
          documents: ['INCOME_PROOF'],
          round: 1,
          reviewer: { userId: reviewerA, role: 'INITIAL_REVIEWER' },
        }),
      () =>
        review(handle, {
          stage: 'INITIAL',
          decision: 'APPROVE',
          round: 1,
          reviewer: { userId: reviewerB, role: 'INITIAL_REVIEWER' },
        }),
    );
    const outcomes = [await refusalType(more!), await refusalType(approve!)];
    expect(outcomes.sort()).toEqual(['ACCEPTED', 'WRONG_STAGE']);
    const afterRace = await handle.query(loanViewQuery);
    expect(afterRace.reviews.filter((r) => r.stage === 'INITIAL')).toHaveLength(1);

    if (afterRace.reviews[0]!.decision === 'REQUEST_DOCUMENTS') {
      await waitForStatus(handle, 'AWAITING_DOCUMENTS');
      // The approval that lost cannot decide the next round either: it named round 1.
      await uploadDocuments(h, handle, input.borrowerId, ['INCOME_PROOF']);
      const second = await waitForStatus(handle, 'INITIAL_REVIEW');
      expect(second.openReview).toMatchObject({ stage: 'INITIAL', round: 2 });
      expect(
        await refusalOf(
          review(handle, {
            stage: 'INITIAL',
            decision: 'APPROVE',
            round: 1,
            reviewer: { userId: reviewerB, role: 'INITIAL_REVIEWER' },
          }),
        ),
      ).toBe('WRONG_STAGE');
      const approved = await review(handle, {
        stage: 'INITIAL',
        decision: 'APPROVE',
        round: 2,
        reviewer: { userId: reviewerB, role: 'INITIAL_REVIEWER' },
      });
      expect(approved.status).toBe('FINAL_REVIEW');
      expect(approved.reviews.map((r) => r.decision)).toEqual(['REQUEST_DOCUMENTS', 'APPROVE']);
    } else {
      expect(afterRace.status).toBe('FINAL_REVIEW');
    }
    expect(await failedTasks(handle)).toBe(0);
    await h.capture(input.loanId, 'review-race', ['message-race', 'two-stage-review']);
  });

  it('applies a review sent twice under one update id once', async () => {
    const { handle } = await loanInInitialReview();
    const reviewer = await h.createUser('INITIAL_REVIEWER');
    const send = () =>
      handle.executeUpdate(reviewUpdate, {
        args: [
          {
            stage: 'INITIAL',
            decision: 'APPROVE',
            comment: 'ok',
            round: 1,
            reviewer: { userId: reviewer, role: 'INITIAL_REVIEWER' },
          },
        ],
        updateId: 'review:same-request',
      });
    const [first, second] = await together(send, send);
    expect(first!.status).toBe('fulfilled');
    expect(second!.status).toBe('fulfilled');
    // A retry after the fact gets the first answer too, not a refusal.
    const again = await send();
    expect(again.reviews).toHaveLength(1);
    expect((await handle.query(loanViewQuery)).reviews).toHaveLength(1);
  });

  it('honours a withdrawal that arrives with the signature, before any payout', async () => {
    const { input } = await h.seedLoan({ amount: '10000.00', profileDigit: 1 });
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    const [signed, withdrawn] = await together<unknown>(
      () => sign(handle, input.borrowerId, offered.contract!.sha256),
      () =>
        handle.executeUpdate(withdrawUpdate, {
          args: [{ by: { userId: input.borrowerId, role: 'BORROWER' }, reason: '不需要了' }],
        }),
    );
    expect(withdrawn!.status).toBe('fulfilled');
    expect(['fulfilled', 'rejected']).toContain(signed!.status);
    const done = await handle.result();
    expect(done.status).toBe('WITHDRAWN');
    expect([...h.bank.transfers.keys()].filter((k) => k.startsWith(`loan:${input.loanId}:`))).toEqual([]);
    await h.capture(input.loanId, 'withdrawal-race', ['message-race', 'withdrawal']);
  });

  it('keeps a disbursement retry accepted while the failed attempt is still being recorded', async () => {
    const { input } = await h.seedLoan({ amount: '10000.00', profileDigit: 1 });
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    h.bank.holdSettlement = true;
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    const first = `loan:${input.loanId}:disbursement`;
    await vi.waitFor(() => expect(h.bank.transfers.has(first)).toBe(true), { timeout: 10_000 });
    h.bank.settle(first, 'FAILED', 'ACCOUNT_FROZEN');
    h.bank.holdSettlement = false;
    // The borrower's notice of the failure takes 3 s: the workflow is still recording the failed
    // attempt when the retry comes in.
    h.notify.delayMs = 3_000;
    try {
      const transfer = h.bank.transfers.get(first)!;
      await handle.signal(bankResultSignal, {
        transferId: transfer.transferId,
        idempotencyKey: first,
        status: 'FAILED',
        failureReason: 'ACCOUNT_FROZEN',
      });
      await waitForStatus(handle, 'DISBURSEMENT_FAILED');
      const ops = await h.createUser('OPS');
      const retried = await handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] });
      expect(retried.status).not.toBe('DISBURSEMENT_FAILED');
    } finally {
      h.notify.delayMs = 0;
    }
    await waitForStatus(handle, 'ACTIVE', 60_000);
    expect((await view(handle)).disbursements.map((d) => d.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(await failedTasks(handle)).toBe(0);
    await h.capture(input.loanId, 'retry-race', ['message-race', 'payout-failure-and-retry']);
  });

  it('closes the approval task of a restructuring request decided in the same workflow task', async () => {
    const { input } = await h.seedLoan({ amount: '12000.00', termCount: 3, profileDigit: 1 });
    await h.sql`update loans set auto_debit = false where id = ${input.loanId}`;
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    await waitForStatus(handle, 'ACTIVE');
    const risk = await h.createUser('RISK_MANAGER');
    // The request is admitted first, the decision right after it; both reach the workflow together.
    const [asked, decided] = await together<unknown>(
      () =>
        handle.executeUpdate(requestRestructuringUpdate, {
          args: [
            {
              requestId: 'race-1',
              kind: 'EXTENSION',
              installmentCount: 4,
              annualRate: '0.1200',
              reason: '收入延后到账',
              by: { userId: input.borrowerId, role: 'BORROWER' },
            },
          ],
        }),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return handle.executeUpdate(decideRestructuringUpdate, {
          args: [
            { requestId: 'race-1', approve: true, comment: '同意展期', by: { userId: risk, role: 'RISK_MANAGER' } },
          ],
        });
      },
    );
    expect([await refusalType(asked!), await refusalType(decided!)]).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect((await view(handle)).restructuring?.status).toBe('AWAITING_SIGNATURE');
    // The task was opened before it was closed, so no approval is left waiting for nobody.
    const tasks = await h.sql<{ status: string }[]>`
      select status from tasks where loan_id = ${input.loanId} and kind = 'RESTRUCTURE_APPROVAL'`;
    expect(tasks.map((t) => t.status)).toEqual(['DONE']);
    expect(await failedTasks(handle)).toBe(0);
    await h.capture(input.loanId, 'restructuring-race', ['message-race', 'restructuring']);
  });

  it('answers both a write-off decision and a payoff landing together; exactly one takes effect', async () => {
    const { input } = await skipping.seedLoan({ amount: '12000.00', profileDigit: 1 });
    await skipping.sql`update loans set auto_debit = false where id = ${input.loanId}`;
    const handle = await skipping.start(input);
    await uploadDocuments(skipping, handle, input.borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    const active = await waitForStatus(handle, 'ACTIVE');
    const due = active.servicing!.nextDue!.dueDate;
    await skipTo(skipping, addDays(due, 95));
    const late = await view(handle);
    expect(late.servicing?.collections.writeOffReview).toBe('PENDING');

    const risk = await skipping.createUser('RISK_MANAGER');
    const today = late.servicing!.asOf;
    // Both at once, while the loan sleeps in collections: the server hands them to one task.
    const [payoff, writeOff] = await Promise.allSettled<unknown>([
      pay(handle, {
        paymentId: `payoff-${input.loanId}`,
        amount: late.servicing!.payoffToday,
        receivedOn: today,
        by: { userId: input.borrowerId, role: 'BORROWER' },
      }),
      handle.executeUpdate(writeOffUpdate, {
        args: [{ approve: true, comment: '无法收回', by: { userId: risk, role: 'RISK_MANAGER' } }],
      }),
    ]);
    // Exactly one of them takes effect and both are answered: neither waits forever.
    const outcomes = { payoff: await refusalType(payoff!), writeOff: await refusalType(writeOff!) };
    const done = await skipping.client.workflow.getHandle<typeof loanWorkflow>(input.loanId).result();
    if (outcomes.payoff === 'ACCEPTED') {
      expect(outcomes.writeOff).toBe('WRONG_STAGE');
      expect(done.status).toBe('PAID_OFF');
    } else {
      expect(outcomes).toEqual({ payoff: 'WRONG_STAGE', writeOff: 'ACCEPTED' });
      expect(done.status).toBe('WRITTEN_OFF');
    }
    const [row] = await skipping.sql<{ status: string }[]>`select status from loans where id = ${input.loanId}`;
    expect(row!.status).toBe(done.status);
    await skipping.capture(input.loanId, 'write-off-race', [
      'message-race',
      'overdue-ladder',
      done.status === 'PAID_OFF' ? 'payoff' : 'write-off',
    ]);
    expect((await reconciliation(skipping)).findings).toEqual([]);
  });
});
