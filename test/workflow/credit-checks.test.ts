// Credit checks in the workflow itself: the APR cap before intake and any bureau query (for loans
// started directly against Temporal, or under a product saved before the API checked it), and the
// DTI counting a balloon loan's monthly burden rather than its first installment.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildBureauReport } from '../../simulators/bureau/profiles.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { uploadDocuments, waitForStatus } from './helpers/loan-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h?.teardown();
});

it('rejects terms above the APR cap before intake and before any bureau query', async () => {
  // CREDIT_STD as it was seeded before its limits were checked (1,000 over 3 months and up, 100.00
  // upfront): 3,000 over 6 months at 15% carries an APR of 27.00%.
  const { input } = await h.seedLoan({
    loanType: 'CREDIT',
    amount: '3000.00',
    termCount: 6,
    method: 'EQUAL_INSTALLMENT',
    product: (p) => ({ ...p, minAmount: '1000.00', minTerm: 3 }),
  });
  const handle = await h.start(input);
  const view = await waitForStatus(handle, 'REJECTED');
  expect(view.closedReason?.en).toBe(
    'The application for 3000.00 over 6 installments (Equal installments, monthly, annual rate 15.00%) carries an APR including fees of 27.00%, above the cap of 24.00%',
  );
  expect(view.closedReason?.zh).toContain('年化利率（APR，含费用）为 27.00%，超过上限 24.00%');
  expect(view.assessment).toBeUndefined();
  expect(view.timeline.map((e) => e.kind)).not.toContain('ASSESSED');
  expect(h.bureau.reportCalls).toEqual([]);
  await vi.waitFor(async () => {
    const [row] = await h.sql<{ status: string }[]>`select status from loans where id = ${input.loanId}`;
    expect(row!.status).toBe('REJECTED');
  });
  await handle.result();
  await h.capture(input.loanId, 'apr-cap-before-bureau', ['decline']);
});

it('counts a 先息后本 loan in the DTI by its monthly burden, not its first installment', async () => {
  // 9,000 over 12 months at 15%, interest first: 112.50 a month, then 9,112.50. The burden is
  // (11 × 112.50 + 9,112.50) / 12 = 862.50 a month.
  const { input, application } = await h.seedLoan({
    loanType: 'CREDIT',
    amount: '9000.00',
    termCount: 12,
    method: 'INTEREST_FIRST',
    profileDigit: 1,
  });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, input.product.requiredDocuments);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  expect(offered.offer?.installments.at(-1)?.total).toBe('9112.50');
  const otherDebt = buildBureauReport(application.applicant.idNumber, new Date()).monthlyDebtPayments;
  const capacity = offered.assessment?.factors.find((f) => f.code === 'REPAYMENT_CAPACITY');
  const payments = (Number(otherDebt) + 862.5).toFixed(2);
  expect(capacity?.detail.en).toContain(`monthly payments ${payments} / assessed income`);
  const income = Number(offered.assessment!.signals.assessedMonthlyIncome);
  expect(Number(offered.assessment!.dti)).toBeCloseTo(Number(payments) / income, 4);
  await h.capture(input.loanId, 'dti-balloon', ['auto-approval']);
});
