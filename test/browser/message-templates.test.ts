// The 消息模板 page for OPS: the events' active texts, an edit refused for an unknown variable (the
// field named), a preview with sample values, a saved edit as the new active version, in Chinese
// and in English.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { collectPageErrors, launchChromium, newContext, screenshot, signIn, UI_TIMEOUT_MS } from './browser.js';

const stack = inject('stack');
const apiUrl = stack.apiUrl;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('message templates page', () => {
  it('lets ops preview, refuse and save an edit, and shows versions', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, apiUrl, 'ops');
    await page.goto(`${apiUrl}/templates`);
    const row = await page.waitForSelector('tr[data-event="REFUND_PAID"][data-channel="SMS"]', {
      timeout: UI_TIMEOUT_MS,
    });
    expect(await row.textContent()).toContain('退款到账');
    expect(await page.textContent('#nav')).toContain('消息模板');
    await (await row.$('button'))!.click();
    await page.waitForSelector('#versions tr[data-active="true"]', { timeout: UI_TIMEOUT_MS });
    expect(await page.textContent('#variables')).toContain('{{amount}}');

    await page.fill('#edit textarea[name="body"]', '退款 {{amount}} 元 {{phone}}');
    await page.click('#preview');
    const refused = await page.waitForSelector('#edit-result [role="alert"]', { timeout: UI_TIMEOUT_MS });
    expect(await refused.textContent()).toContain('phone');

    const marker = `B${Date.now()}`;
    await page.fill('#edit textarea[name="body"]', `【小额贷款】${marker} 退款 {{amount}} 元已到账`);
    await page.click('#preview');
    await page.waitForSelector('#preview-text', { timeout: UI_TIMEOUT_MS });
    expect(await page.textContent('#preview-text')).toContain(`${marker} 退款 12.30 元已到账`);
    const before = await page.$$('#versions tr[data-version]');
    await page.click('#edit button[type="submit"]');
    await page.waitForFunction(
      (n) => document.querySelectorAll('#versions tr[data-version]').length === n + 1,
      before.length,
      { timeout: UI_TIMEOUT_MS },
    );
    const active = await page.textContent('#versions tr[data-active="true"]');
    expect(active).toContain(marker);
    await screenshot(page, 'message-templates-zh');

    await page.click('#lang-switch');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent?.includes('Message templates'), null, {
      timeout: UI_TIMEOUT_MS,
    });
    expect(await page.textContent('#events')).toContain('Refund paid');
    await screenshot(page, 'message-templates-en');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a role without template:manage that it may not', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, apiUrl, 'finance');
    await page.goto(`${apiUrl}/templates`);
    const alert = await page.waitForSelector('main [role="alert"]', { timeout: UI_TIMEOUT_MS });
    expect(await alert.textContent()).toBeTruthy();
    expect(await page.textContent('#nav')).not.toContain('消息模板');
    await context.close();
  });
});
