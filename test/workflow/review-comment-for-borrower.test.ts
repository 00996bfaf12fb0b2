// A reviewer's decision keeps its internal comment apart from what the borrower is told
// (PATCHES.REVIEW_COMMENT_FOR_BORROWER): the review record holds both, and an over-long note for the
// borrower is refused before it enters the history.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { refusalOf, review, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';

const CONSUMER_DOCS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

it('records the comment for the borrower beside the internal one, and refuses one over 1000 characters', async () => {
  const { input } = await h.seedLoan({ amount: '60000.00', profileDigit: 3 });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
  await waitForStatus(handle, 'INITIAL_REVIEW');
  const reviewer = { userId: await h.createUser('INITIAL_REVIEWER'), role: 'INITIAL_REVIEWER' as const };

  expect(
    await refusalOf(
      review(handle, { stage: 'INITIAL', decision: 'REJECT', commentForBorrower: 'x'.repeat(1001), reviewer }),
    ),
  ).toBe('INVALID');
  await review(handle, {
    stage: 'INITIAL',
    decision: 'REJECT',
    comment: '收入证明与流水不符，疑似伪造',
    commentForBorrower: '收入证明未能核实，欢迎补充材料后重新申请',
    reviewer,
  });
  const view = await waitForStatus(handle, 'REJECTED');
  expect(view.reviews).toEqual([
    expect.objectContaining({
      stage: 'INITIAL',
      decision: 'REJECT',
      comment: '收入证明与流水不符，疑似伪造',
      commentForBorrower: '收入证明未能核实，欢迎补充材料后重新申请',
    }),
  ]);
  await h.capture(input.loanId, 'review-comment-for-borrower', ['human-rejection']);
});
