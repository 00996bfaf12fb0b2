// Finance's desk in headless Chromium against the whole running stack: one finance user asks for a
// capital injection over the API, sees it on the page as their own and cannot decide it; a second
// finance user approves it on the page and the trial balance shows the capital.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { money as decimal } from '../../domain/money.js';
import { activeLoanOverHttp } from '../integration/support/servicing.js';
import { collectPageErrors, launchChromium, newContext, screenshot, signIn } from './browser.js';

const { apiUrl, simulatorUrl } = inject('stack');
const client = new ApiClient(apiUrl, { simulatorUrl });
const money = (value: string) =>
  new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(value));

type TrialBalance = { accounts: Array<{ account: string; debits: string; credits: string }> };
type LedgerRequest = { requestId: string; status: string; checkedBy: string | null };
type Refund = { refundId: string; status: string; amount: string; approvedBy?: string };

let browser: Browser;
let maker: Session;
let checker: Session;
const contexts: BrowserContext[] = [];

async function financePage(username: string): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await signIn(page, apiUrl, username);
  await page.click('#nav a[href="/finance"]');
  await page.waitForSelector('#pending table, #pending .empty');
  return { page, errors };
}

async function capitalCredits(token: string): Promise<string> {
  const tb = await client.call<TrialBalance>('GET', '/v1/finance/ledger/trial-balance', { token });
  return tb.accounts.find((a) => a.account === 'FUNDING_CAPITAL')!.credits;
}

beforeAll(async () => {
  [browser, maker, checker] = await Promise.all([
    launchChromium(),
    client.login('finance'),
    client.login('finance_checker'),
  ]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('finance page', () => {
  it('the maker sees their capital injection as not decidable; a second finance user approves it and the trial balance shows it', async () => {
    const amount = '250000.00';
    const injectionId = `cap-${randomUUID()}`;
    const asked = await client.call<LedgerRequest>('POST', '/v1/finance/capital-injections', {
      token: maker.token,
      body: { injectionId, amount, reference: '股东增资（浏览器测试）' },
    });
    expect(asked.status).toBe('PENDING_APPROVAL');
    const row = `#pending tr[data-item-id="${asked.requestId}"]`;

    // The maker: the row is there, marked as theirs, with no approve or reject button.
    const mine = await financePage('finance');
    await mine.page.locator(row).waitFor();
    expect(await mine.page.getAttribute(row, 'data-kind')).toBe('CAPITAL_INJECTION');
    expect(await mine.page.textContent(`${row} td:nth-child(3)`)).toBe(money(amount));
    expect(await mine.page.textContent(`${row} .own`)).toBe('本人发起，须由另一位财务复核');
    expect(await mine.page.locator(`${row} button`).count()).toBe(0);
    await screenshot(mine.page, 'finance-maker');

    // The checker: rejecting without a reason is refused on the page and sends nothing.
    const before = await capitalCredits(checker.token);
    const { page, errors } = await financePage('finance_checker');
    await page.locator(`${row} button[data-action="approve"]`).waitFor();
    await page.click(`${row} button[data-action="reject"]`);
    expect(await page.textContent('#pending-result .alert-error')).toBe('驳回须填写原因');
    expect(await page.textContent('[data-account="FUNDING_CAPITAL"] td:nth-child(4)')).toBe(money(before));

    await page.click(`${row} button[data-action="approve"]`);
    await page.waitForSelector('#decision-notice');
    expect(await page.locator(row).count()).toBe(0);
    const decided = await client.call<{ items: LedgerRequest[] }>(
      'GET',
      '/v1/finance/ledger-requests?status=APPROVED',
      { token: checker.token },
    );
    expect(decided.items.find((r) => r.requestId === asked.requestId)?.status).toBe('APPROVED');

    const after = await capitalCredits(checker.token);
    expect(Number(after) - Number(before)).toBeCloseTo(Number(amount), 2);
    expect(await page.textContent('[data-account="FUNDING_CAPITAL"] td:nth-child(4)')).toBe(money(after));
    const totals = await page.locator('[data-account="TOTAL"] td').allTextContents();
    expect(totals[2]).toBe(totals[3]);

    // A reconciliation run now finds the capital the bank has no deposit for; the page shows that run.
    const run = await client.call<{ runId: number; findings: Array<{ code: string; ref: string | null }> }>(
      'POST',
      '/v1/finance/reconciliation/runs',
      { token: checker.token },
    );
    await page.click('#refresh');
    const finding = page.locator(`#reconciliation tr.finding[data-code="CAPITAL_WITHOUT_DEPOSIT"]`, {
      hasText: injectionId,
    });
    await finding.waitFor();
    expect(await finding.locator('td:nth-child(3)').textContent()).toBe(`capital:${injectionId}`);
    expect(await page.locator('#reconciliation tr.finding').count()).toBe(run.findings.length);
    expect(await page.textContent('#recon-result')).toBe(`差异 ${run.findings.length} 项`);
    await screenshot(page, 'finance-checker');

    // The same page in English.
    await page.click('#lang-switch');
    expect(await page.textContent('[data-section="finance.section.trialBalance"] h2')).toBe('Trial balance (all time)');
    await page.click('#lang-switch');
    expect(errors).toEqual([]);
    expect(mine.errors).toEqual([]);
  });
});

describe('refunds on the finance page', () => {
  it('lists a refund waiting in APPROVAL: not decidable by who recorded the payment, approved on the page by another finance user', async () => {
    const riskManager = await client.login('risk_manager');
    const { products } = await client.call<{ products: Array<Record<string, unknown>> }>('GET', '/v1/products', {
      token: riskManager.token,
    });
    const base = products.find((p) => p.loanType === 'PERSONAL_CONSUMER')!;
    const productCode = `REFUND_${randomUUID().slice(0, 8).toUpperCase()}`;
    await client.call('PUT', `/v1/products/${productCode}`, {
      token: riskManager.token,
      body: { ...base, code: productCode, overpayment: 'REFUND', refundApprovalThreshold: '50.00', refundHoldDays: 0 },
    });
    const { loanId, session: borrower } = await activeLoanOverHttp(client, { productCode });
    const due = ((await client.loan(borrower.token, loanId)).servicing as { nextDue: { amount: string } }).nextDue
      .amount;
    const paymentId = `staff-${randomUUID()}`;
    await client.call('POST', `/v1/loans/${loanId}/repayments`, {
      token: maker.token,
      body: { paymentId, amount: decimal(due).plus('80.00').toFixed(2), channel: 'CASH' },
    });
    await client.call('POST', `/v1/finance/repayments/${paymentId}/approve`, { token: checker.token });
    const refundR1 = async () =>
      ((await client.loan(checker.token, loanId)).refunds as Refund[] | null)?.find((r) => r.refundId === 'R1');
    await expect.poll(async () => (await refundR1())?.status, { timeout: 60_000, interval: 250 }).toBe('APPROVAL');
    const row = `#pending tr[data-kind="REFUND"][data-item-id="${loanId}/R1"]`;

    const mine = await financePage('finance');
    await mine.page.locator(row).waitFor();
    expect(await mine.page.textContent(`${row} .own`)).toBe('本人发起，须由另一位财务复核');
    expect(await mine.page.locator(`${row} button`).count()).toBe(0);

    const { page, errors } = await financePage('finance_checker');
    expect(await page.textContent(`${row} td:nth-child(3)`)).toBe(money((await refundR1())!.amount));
    await page.click(`${row} button[data-action="approve"]`);
    await page.waitForSelector('#decision-notice');
    expect(await page.locator(row).count()).toBe(0);
    const checkerId = (await client.call<{ userId: string }>('GET', '/v1/auth/me', { token: checker.token })).userId;
    const approved = await refundR1();
    expect(approved?.status).not.toBe('APPROVAL');
    expect(approved?.approvedBy).toBe(checkerId);
    expect(errors).toEqual([]);
    expect(mine.errors).toEqual([]);
  }, 420_000);
});
