// The compliance officer's AML desk in headless Chromium against the whole running stack: an
// application held by a name-only screening hit shows in the queue; clearing it without a reason is
// refused on the page, with a reason it is cleared and the loan exists.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient, personalLoanApplication, type Session } from '../../drivers/api-client.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { collectPageErrors, launchChromium, newContext, screenshot, signIn } from './browser.js';

const { apiUrl, simulatorUrl, databaseUrl } = inject('stack');
const client = new ApiClient(apiUrl, { simulatorUrl });

let browser: Browser;
let compliance: Session;
let sql: Sql;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [browser, compliance] = await Promise.all([launchChromium(), client.login('compliance')]);
  sql = connectDb(databaseUrl, { max: 2, applicationName: 'aml-browser' });
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await sql?.end();
});

describe('AML page', () => {
  it('shows a held application; clearing needs a reason, and then the loan exists', async () => {
    const pick = () => 0x4e00 + Math.floor(Math.random() * 0x5000);
    const name = `慕容${String.fromCodePoint(pick(), pick())}`;
    await client.call('POST', '/v1/compliance/screening-entries', {
      token: compliance.token,
      body: { list: 'AML_WATCH', name, source: '浏览器测试名单', reason: '涉嫌洗钱' },
    });
    const borrower = await client.registerBorrower({ name });
    const session = await client.login(borrower.phone, borrower.password);
    const held = await client.call<{ reviewId: string; loanId: string }>('POST', '/v1/applications', {
      token: session.token,
      body: personalLoanApplication(borrower, { amount: '8000.00', termCount: 6 }),
    });

    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, apiUrl, 'compliance');
    await page.click('#nav a[href="/aml"]');
    const row = `#reviews tr[data-review-id="${held.reviewId}"]`;
    await page.locator(row).waitFor();
    expect(await page.textContent(row)).toContain(held.loanId);
    await screenshot(page, 'aml-queue');

    await page.click(`${row} button[data-action="clear"]`);
    expect(await page.textContent('#result .alert-error')).toBe('请填写理由');
    await page.fill(`${row} input[name="reason"]`, '出生日期与名单不符，非同一人');
    await page.click(`${row} button[data-action="clear"]`);
    await page.locator('#decision-notice').waitFor();
    await page.locator(row).waitFor({ state: 'detached' });

    const [review] = await sql<{ status: string; decision_reason: string }[]>`
      select status, decision_reason from aml_reviews where id = ${held.reviewId}`;
    expect(review).toEqual({ status: 'CLEARED', decision_reason: '出生日期与名单不符，非同一人' });
    expect((await sql`select 1 from loans where id = ${held.loanId}`).length).toBe(1);
    expect(errors).toEqual([]);
  }, 240_000);
});
