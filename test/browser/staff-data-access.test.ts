// A reviewer in the approver UI: the applicant is masked until they press 查看完整信息 and give a
// reason; the staff search finds the loan by phone and opens the borrower 360, masked, with the
// earlier application listed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../drivers/api-client.js';
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

describe('staff data access in the approver UI', () => {
  it('unmasks with a reason, searches by phone and opens the borrower 360', async () => {
    const { borrower, loanId } = await client.loanInInitialReview({ name: '司马瑾瑜', amount: '30000.00' });
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, apiUrl, 'initial_reviewer');

    await page.goto(`${apiUrl}/loans/${loanId}`);
    const phone = page.locator('[data-section="loan.section.applicant"] [data-field="phone"]');
    await phone.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await phone.textContent()).not.toBe(borrower.phone);
    await page.click('button[data-action="unmask"]');
    await page.fill('.unmask-form input[name="reason"]', '核对身份证照片');
    await page.click('.unmask-form button[type="submit"]');
    await page.locator('[data-field="idNumber"].unmasked').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await phone.textContent()).toBe(borrower.phone);
    expect(await page.textContent('[data-field="idNumber"]')).toBe(borrower.idNumber);
    await screenshot(page, 'loan-unmasked');

    await page.goto(`${apiUrl}/search`);
    await page.fill('#search input[name="q"]', borrower.phone);
    await page.click('#search button[type="submit"]');
    const row = page.locator(`tr[data-loan-id="${loanId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await row.textContent()).not.toContain(borrower.phone);
    await screenshot(page, 'staff-search');

    // A review note on the 360 names its reviewer (demo staff have no name: their username).
    const reviewer = await client.login('initial_reviewer');
    await client.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: reviewer.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: '收入核实无误' },
    });
    await client.waitForLoanStatus(reviewer.token, loanId, 'FINAL_REVIEW');
    await row.locator('a[href^="/borrowers/"]').click();
    await page.locator('[data-section="borrower.loans"] table').waitFor({ timeout: UI_TIMEOUT_MS });
    const text = (await page.textContent('#content')) ?? '';
    expect(text).toContain(loanId);
    expect(text).toContain('司马**');
    expect(text).not.toContain(borrower.phone);
    expect(text).not.toContain(borrower.idNumber);
    const notes = (await page.textContent('[data-section="borrower.notes"]')) ?? '';
    expect(notes).toContain('收入核实无误');
    expect(notes).toMatch(/initial_reviewer（初审员）|initial_reviewer \(Initial reviewer\)/);
    await screenshot(page, 'borrower-360');
    expect(errors).toEqual([]);
    await context.close();
  });
});
