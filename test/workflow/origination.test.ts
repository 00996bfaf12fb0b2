import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loanViewQuery } from '../../contracts/definitions.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { refusalOf, review, sign, uploadDocuments, waitForStatus, withdraw } from './helpers/loan-driver.js';

const CONSUMER_DOCS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;
const DAY = 24 * 60 * 60 * 1000;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

async function startConsumerLoan(options: Parameters<WorkflowHarness['seedLoan']>[0] = {}) {
  const { input } = await h.seedLoan(options);
  const handle = await h.start(input);
  return { input, handle, borrowerId: input.borrowerId };
}

describe('origination on the time-skipping server', () => {
  it('auto-approves a small clean application, then disburses once after the signature', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ amount: '10000.00', profileDigit: 1 });
    await waitForStatus(handle, 'AWAITING_DOCUMENTS');
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    expect(offered.decision?.outcome).toBe('AUTO_APPROVE');
    expect(offered.assessment?.factors.length).toBeGreaterThan(0);
    expect(offered.offer?.installments).toHaveLength(12);
    expect(offered.offer?.apr).toMatch(/^0\.\d{4,}$/);
    expect(offered.contract?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(h.bureau.reportCalls).toContainEqual(expect.objectContaining({ purpose: 'LOAN_APPLICATION' }));

    const [stored] = await h.sql<{ sha256: string }[]>`select sha256 from contracts where loan_id = ${input.loanId}`;
    expect(stored!.sha256).toBe(offered.contract!.sha256);

    const signed = await sign(handle, borrowerId, offered.contract!.sha256);
    expect(signed.contract?.signedAt).toBeDefined();
    await waitForStatus(handle, 'ACTIVE');
    const key = `loan:${input.loanId}:disbursement`;
    expect([...h.bank.transfers.keys()].filter((k) => k.startsWith(`loan:${input.loanId}:`))).toEqual([key]);
    expect(h.bank.transfers.get(key)!.amount).toBe(offered.offer!.netDisbursement);
    await h.capture(input.loanId, 'auto-approval', ['auto-approval', 'disbursement']);
  });

  it('declines a blacklisted applicant with reasons in plain language', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ profileDigit: 9 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    const view = await waitForStatus(handle, 'REJECTED');
    expect(view.decision?.outcome).toBe('DECLINE');
    expect(view.closedReason?.zh.length).toBeGreaterThan(0);
    expect(view.closedReason?.en).toMatch(/blacklist/i);
    await vi.waitFor(async () => {
      const [row] = await h.sql<{ status: string }[]>`select status from loans where id = ${input.loanId}`;
      expect(row!.status).toBe('REJECTED');
    });
    await h.capture(input.loanId, 'decline', ['decline']);
  });

  it('takes a larger loan through initial and final review with changed terms', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ amount: '60000.00', profileDigit: 2 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    await vi.waitFor(async () => {
      const [task] = await h.sql<
        { role: string; status: string }[]
      >`select role, status from tasks where loan_id = ${input.loanId}`;
      expect(task).toEqual({ role: 'INITIAL_REVIEWER', status: 'OPEN' });
    });

    const initialReviewer = await h.createUser('INITIAL_REVIEWER');
    const finalReviewer = await h.createUser('FINAL_REVIEWER');
    const afterInitial = await review(handle, {
      stage: 'INITIAL',
      decision: 'APPROVE',
      reviewer: { userId: initialReviewer, role: 'INITIAL_REVIEWER' },
    });
    expect(afterInitial.status).toBe('FINAL_REVIEW');
    const afterFinal = await review(handle, {
      stage: 'FINAL',
      decision: 'APPROVE',
      amount: '50000.00',
      termCount: 24,
      reviewer: { userId: finalReviewer, role: 'FINAL_REVIEWER' },
    });
    expect(afterFinal.reviews.map((r) => `${r.stage}:${r.decision}`)).toEqual(['INITIAL:APPROVE', 'FINAL:APPROVE']);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    expect(offered.offer?.amount).toBe('50000.00');
    expect(offered.offer?.installments).toHaveLength(24);
    await vi.waitFor(async () => {
      const tasks = await h.sql<
        { status: string }[]
      >`select status from tasks where loan_id = ${input.loanId} order by created_at`;
      expect(tasks.map((t) => t.status)).toEqual(['DONE', 'DONE']);
    });
    await h.capture(input.loanId, 'two-stage-review', ['two-stage-review']);
  });

  it('rejects in human review', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ amount: '60000.00', profileDigit: 3 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    const reviewer = await h.createUser('INITIAL_REVIEWER');
    await review(handle, {
      stage: 'INITIAL',
      decision: 'REJECT',
      comment: '收入证明与流水不符',
      reviewer: { userId: reviewer, role: 'INITIAL_REVIEWER' },
    });
    const view = await waitForStatus(handle, 'REJECTED');
    expect(view.timeline.some((t) => t.kind === 'REVIEW_INITIAL_REJECT')).toBe(true);
    await h.capture(input.loanId, 'human-rejection', ['human-rejection']);
  });

  it('loops back to intake when the initial reviewer asks for more documents, then approves in both stages', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ amount: '60000.00', profileDigit: 4 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    const reviewer = await h.createUser('INITIAL_REVIEWER');
    await review(handle, {
      stage: 'INITIAL',
      decision: 'REQUEST_DOCUMENTS',
      documents: ['INCOME_PROOF'],
      comment: '请提供近三个月收入证明',
      reviewer: { userId: reviewer, role: 'INITIAL_REVIEWER' },
    });
    const waiting = await waitForStatus(handle, 'AWAITING_DOCUMENTS');
    expect(waiting.missingDocuments).toEqual(['INCOME_PROOF']);
    await vi.waitFor(
      () =>
        expect(
          h.notify.sent.some((m) => m.template === 'DOCUMENTS_MISSING' && m.params.loanId === handle.workflowId),
        ).toBe(true),
      { timeout: 10_000 },
    );
    await uploadDocuments(h, handle, borrowerId, ['INCOME_PROOF']);
    const back = await waitForStatus(handle, 'INITIAL_REVIEW');
    expect(back.missingDocuments).toEqual([]);

    const finalReviewer = await h.createUser('FINAL_REVIEWER');
    await review(handle, {
      stage: 'INITIAL',
      decision: 'APPROVE',
      reviewer: { userId: reviewer, role: 'INITIAL_REVIEWER' },
    });
    await waitForStatus(handle, 'FINAL_REVIEW');
    await review(handle, {
      stage: 'FINAL',
      decision: 'APPROVE',
      reviewer: { userId: finalReviewer, role: 'FINAL_REVIEWER' },
    });
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    expect(offered.reviews.map((r) => `${r.stage}:${r.decision}`)).toEqual([
      'INITIAL:REQUEST_DOCUMENTS',
      'INITIAL:APPROVE',
      'FINAL:APPROVE',
    ]);
    await h.capture(input.loanId, 'more-documents-round', ['more-documents', 'two-stage-review']);
  });

  it('expires when documents do not arrive before the deadline', async () => {
    const { handle, input } = await startConsumerLoan();
    await waitForStatus(handle, 'AWAITING_DOCUMENTS');
    const view = await handle.result();
    expect(view.status).toBe('EXPIRED');
    expect(view.timeline.filter((t) => t.kind === 'STATUS_AWAITING_DOCUMENTS')).toHaveLength(1);
    await h.capture(input.loanId, 'documents-expiry', ['documents-expiry']);
  });

  it('expires an offer the borrower does not sign in time', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ amount: '8000.00', profileDigit: 0 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    const before = await h.env.currentTimeMs();
    const view = await handle.result();
    expect(view.status).toBe('EXPIRED');
    expect((await h.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(7 * DAY - 60_000);
    expect(offered.offer?.expiresAt).toBeDefined();
    await h.capture(input.loanId, 'offer-expiry', ['offer-expiry']);
  });

  it('lets the borrower withdraw during review, and refuses it from anyone else', async () => {
    const { handle, borrowerId, input } = await startConsumerLoan({ amount: '60000.00', profileDigit: 5 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    const stranger = await h.createUser('BORROWER');
    expect(await refusalOf(withdraw(handle, stranger))).toBe('FORBIDDEN');
    const view = await withdraw(handle, borrowerId);
    expect(view.status).toBe('WITHDRAWN');
    await vi.waitFor(async () => {
      const [task] = await h.sql<{ status: string }[]>`select status from tasks where loan_id = ${input.loanId}`;
      expect(task!.status).toBe('CANCELLED');
    });
    await h.capture(input.loanId, 'withdrawal', ['withdrawal']);
  });

  it('refuses a wrong stage, a final reviewer who did the initial review, and an amount beyond authority', async () => {
    const { handle, borrowerId } = await startConsumerLoan({
      amount: '150000.00',
      monthlyIncome: '60000.00',
      profileDigit: 1,
    });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'INITIAL_REVIEW');
    const riskManager = await h.createUser('RISK_MANAGER');
    const finalReviewer = await h.createUser('FINAL_REVIEWER');
    const initialReviewer = await h.createUser('INITIAL_REVIEWER');

    expect(
      await refusalOf(
        review(handle, {
          stage: 'FINAL',
          decision: 'APPROVE',
          reviewer: { userId: finalReviewer, role: 'FINAL_REVIEWER' },
        }),
      ),
    ).toBe('WRONG_STAGE');
    expect(
      await refusalOf(
        review(handle, {
          stage: 'INITIAL',
          decision: 'APPROVE',
          reviewer: { userId: finalReviewer, role: 'FINAL_REVIEWER' },
        }),
      ),
    ).toBe('FORBIDDEN');
    await review(handle, {
      stage: 'INITIAL',
      decision: 'APPROVE',
      reviewer: { userId: initialReviewer, role: 'INITIAL_REVIEWER' },
    });
    await waitForStatus(handle, 'FINAL_REVIEW');

    // 150,000 is above the final reviewer's limit of 100,000.
    expect(
      await refusalOf(
        review(handle, {
          stage: 'FINAL',
          decision: 'APPROVE',
          reviewer: { userId: finalReviewer, role: 'FINAL_REVIEWER' },
        }),
      ),
    ).toBe('FORBIDDEN');
    // The same person may not do both reviews, whatever their role.
    expect(
      await refusalOf(
        review(handle, {
          stage: 'FINAL',
          decision: 'APPROVE',
          reviewer: { userId: initialReviewer, role: 'RISK_MANAGER' },
        }),
      ),
    ).toBe('FORBIDDEN');
    const view = await handle.query(loanViewQuery);
    expect(view.status).toBe('FINAL_REVIEW');
    expect(view.reviews).toHaveLength(1);

    await review(handle, {
      stage: 'FINAL',
      decision: 'APPROVE',
      reviewer: { userId: riskManager, role: 'RISK_MANAGER' },
    });
    await waitForStatus(handle, 'AWAITING_SIGNATURE');
  });

  it('refuses a signature over a different contract hash', async () => {
    const { handle, borrowerId } = await startConsumerLoan({ amount: '5000.00', profileDigit: 1 });
    await uploadDocuments(h, handle, borrowerId, CONSUMER_DOCS);
    await waitForStatus(handle, 'AWAITING_SIGNATURE');
    expect(await refusalOf(sign(handle, borrowerId, 'f'.repeat(64)))).toBe('INVALID');
    const stranger = await h.createUser('BORROWER');
    const view = await handle.query(loanViewQuery);
    expect(await refusalOf(sign(handle, stranger, view.contract!.sha256))).toBe('FORBIDDEN');
  });
});
