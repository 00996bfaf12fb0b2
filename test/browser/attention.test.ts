// Ops resolving a parked loan in the approver UI: the bank refuses the payout outright (the
// simulator refuses a payee card ending 400400), the loan shows NEEDS_ATTENTION with the step and
// the cause, a retry parks it again as long as the cause is there, and closing it with a reason
// cancels a loan no money has left for. Other roles see no such panel.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../drivers/api-client.js';
import { makeCardNumber } from '../../drivers/identities.js';
import '../setup/provided.js';
import { collectPageErrors, launchChromium, newContext, screenshot, signIn, UI_TIMEOUT_MS } from './browser.js';

const stack = inject('stack');
const apiUrl = stack.apiUrl;
const client = new ApiClient(apiUrl, { simulatorUrl: stack.simulatorUrl });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A signed loan whose payout the bank refuses: it comes back NEEDS_ATTENTION. */
async function parkedLoan(): Promise<string> {
  const borrower = await client.registerBorrower();
  const session = await client.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await client.applyForLoan(session.token, borrower, {
    amount: '8000.00',
    bankAccount: { cardNumber: makeCardNumber('400400'), bankName: '中国工商银行' },
  });
  await client.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  const assessed = await client.waitForLoanStatus(
    session.token,
    loanId,
    ['AWAITING_SIGNATURE', 'INITIAL_REVIEW'],
    120_000,
  );
  expect(assessed.status).toBe('AWAITING_SIGNATURE');
  await client.signContract(session.token, loanId);
  await client.waitForLoanStatus(session.token, loanId, 'NEEDS_ATTENTION', 120_000);
  return loanId;
}

async function openLoan(page: Page, loanId: string): Promise<void> {
  await page.goto(`${apiUrl}/loans/${loanId}`);
  await page.waitForSelector('#loan-status', { timeout: UI_TIMEOUT_MS });
}

describe('a parked loan in the approver UI', () => {
  it('shows ops the failed step and its cause, retries, then closes it with a reason', async () => {
    const loanId = await parkedLoan();
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, apiUrl, 'ops');
    await openLoan(page, loanId);
    await page.waitForSelector('#attention-cause', { timeout: UI_TIMEOUT_MS });
    expect(await page.textContent('#attention-cause')).toMatch(/PAYEE_ACCOUNT_CLOSED|payee account is closed/i);
    // The failed step in words, not the activity's name.
    const panel = (await page.textContent('[data-section="loan.section.attention"]')) ?? '';
    expect(panel).toMatch(/失败步骤\s*(发起放款|查询转账结果|核验收款账户)/);
    expect(panel).not.toMatch(/startDisbursement|checkTransfer|verifyPayoutAccount/);

    // Without a reason nothing is sent.
    await page.click('#attention-retry');
    await page.waitForSelector('.attention .alert-error', { timeout: UI_TIMEOUT_MS });

    // The cause is still there: the retry parks the loan again, as a second case.
    await page.fill('#attention-reason', '已联系借款人核实账户');
    await page.click('#attention-retry');
    const ops = await client.login('ops');
    await expect
      .poll(async () => ((await client.loan(ops.token, loanId)).attention as { number?: number } | null)?.number, {
        timeout: 60_000,
      })
      .toBe(2);

    await openLoan(page, loanId);
    await page.waitForSelector('#attention-cause', { timeout: UI_TIMEOUT_MS });
    await page.fill('#attention-reason', '借款人收款账户已销户，取消本笔贷款');
    await page.click('#attention-close');
    await page.waitForSelector('#review-notice', { timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'loan-attention-closed');
    const closed = await client.waitForLoanStatus(ops.token, loanId, 'CANCELLED', 60_000);
    expect(closed.closedReason).toMatchObject({ zh: '借款人收款账户已销户，取消本笔贷款' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows no resolution panel to a role without the permission', async () => {
    const loanId = await parkedLoan();
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, apiUrl, 'risk_manager');
    await openLoan(page, loanId);
    await page.waitForSelector('.detail-grid', { timeout: UI_TIMEOUT_MS });
    expect(await page.$('#attention-retry')).toBeNull();
    await context.close();
  });
});
