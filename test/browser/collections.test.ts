// The collections queue in the approver UI: a collector claims an overdue case, records a contact
// (saved inside 08:00–21:00 Shanghai time, refused with the rule outside it), and the supervisor's
// desk shows the collector's figures and reassigns the case with a reason; Chinese and English.
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../drivers/api-client.js';
import { withinContactHours } from '../../domain/collection-queue.js';
import '../setup/provided.js';
import { activeLoanOverHttp, stackDb } from '../integration/support/servicing.js';
import { collectPageErrors, launchChromium, newContext, screenshot, signIn, UI_TIMEOUT_MS } from './browser.js';

const stack = inject('stack');
const apiUrl = stack.apiUrl;
const client = new ApiClient(apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sql.end();
});

describe('the collections queue pages', () => {
  it('a collector claims and records a contact; the supervisor reads the figures and reassigns', async () => {
    const admin = await client.login('admin');
    const username = `coll_ui_${randomUUID().slice(0, 6)}`;
    const password = 'Collect@2026x';
    const { userId } = await client.call<{ userId: string }>('POST', '/v1/auth/users', {
      token: admin.token,
      body: { username, password, role: 'COLLECTOR' },
    });
    const { loanId } = await activeLoanOverHttp(client);
    // The loan's first due date is a month away: the test writes the projection as the workflow would.
    await sql`update loans set status = 'OVERDUE', days_past_due = 12 where id = ${loanId}`;

    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, apiUrl, username, password);
    await page.goto(`${apiUrl}/collections`);
    const row = page.locator('#unassigned tr', { hasText: loanId });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await row.textContent()).toContain('M1（1–30 天）');
    await row.locator('button[data-claim]').click();
    const mine = page.locator('#mine tr', { hasText: loanId });
    await mine.waitFor({ timeout: UI_TIMEOUT_MS });

    await page.selectOption('#contact select[name="outcome"]', 'NO_ANSWER');
    await page.selectOption('#contact select[name="channel"]', 'CALL');
    await page.fill('#contact input[name="note"]', '两次外呼无人接听');
    await page.click('#contact button[type="submit"]');
    const result = page.locator('#contact-result .alert');
    await result.waitFor({ timeout: UI_TIMEOUT_MS });
    const inHours = withinContactHours(Date.now(), 'Asia/Shanghai');
    if (inHours) {
      expect(await result.textContent()).toContain('已登记');
      await page.locator('#mine tr', { hasText: '无人接听' }).waitFor({ timeout: UI_TIMEOUT_MS });
    } else {
      expect(await result.getAttribute('data-code')).toBe('OUTSIDE_CONTACT_HOURS');
      expect(await result.textContent()).toContain('08:00–21:00');
    }
    await screenshot(page, 'collections-queue');
    await page.click('#lang-switch');
    await page.locator('h1', { hasText: 'My collection cases' }).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.textContent('#mine')).toContain('M1 (1–30 days)');
    await context.close();

    const desk = await (await newContext(browser)).newPage();
    const deskErrors = collectPageErrors(desk);
    await signIn(desk, apiUrl, 'collection_supervisor');
    await desk.goto(`${apiUrl}/collections/desk`);
    const figures = desk.locator(`#figures tr[data-collector-id="${userId}"]`);
    await figures.waitFor({ timeout: UI_TIMEOUT_MS });
    const cells = await figures.locator('td').allTextContents();
    expect(cells[0]).toBe(username);
    expect(cells[2]).toBe('1'); // open cases
    expect(cells[3]).toBe(inHours ? '1' : '0'); // contacts
    const caseRow = desk.locator('#cases tr', { hasText: loanId });
    await caseRow.locator('select').selectOption({ label: 'collector' });
    await caseRow.locator('input').fill('调整工作量');
    await caseRow.locator('button[data-reassign]').click();
    await desk.locator('#desk-result .alert-success').waitFor({ timeout: UI_TIMEOUT_MS });
    // The case row now names its new holder.
    await desk
      .locator('#cases tr', { hasText: loanId })
      .locator('td')
      .nth(5)
      .filter({ hasText: /^collector$/ })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    const [held] = await sql<{ username: string }[]>`
      select u.username from collection_cases c join users u on u.id = c.assignee_id
      where c.loan_id = ${loanId} and c.closed_at is null`;
    expect(held!.username).toBe('collector');
    await screenshot(desk, 'collections-desk');
    expect(errors).toEqual([]);
    expect(deskErrors).toEqual([]);
  });
});
