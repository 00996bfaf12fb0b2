// The loan page's payoff: the live quote from GET /v1/loans/{id}/payoff as 今日结清金额, not the
// projected payoffToday of the loan's last wake-up.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../drivers/api-client.js';
import { disbursedLoan } from '../../drivers/loan-journeys.js';
import '../setup/provided.js';
import { collectPageErrors, launchChromium, newContext, signIn, UI_TIMEOUT_MS } from './browser.js';

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

describe('the payoff on the loan page', () => {
  it("shows finance today's quote with its date", async () => {
    const { loanId, session } = await disbursedLoan(client);
    const quote = await client.payoff(session.token, loanId);
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, apiUrl, 'finance');
    await page.goto(`${apiUrl}/loans/${loanId}`);
    const note = await page.waitForSelector('[data-payoff="live"]', { timeout: UI_TIMEOUT_MS });
    // Business dates show as 2026/12/15 on the page.
    expect(await note.textContent()).toContain(quote.asOf.replaceAll('-', '/'));
    const section = await page.textContent('[data-section="servicing.heading"]');
    expect(section).toContain(
      new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(quote.amount)),
    );
    expect(section).not.toMatch(/截至 .* 结清金额|as of .* payoff/i);
    expect(errors).toEqual([]);
    await context.close();
  });
});
