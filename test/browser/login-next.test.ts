// After signing in, the login page follows `next=` only to a path on this site: hostile values
// (another host, protocol-relative, tab- or backslash-smuggled, javascript:) land on the role's
// home page instead, and a same-origin path with its query is followed as given.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectPageErrors, launchChromium, newContext } from './browser.js';

const { apiUrl } = inject('stack');
const origin = new URL(apiUrl).origin;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Every request that leaves the stack's origin, answered locally so nothing goes off the machine. */
const offSite: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

async function loginWithNext(next: string): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser);
  contexts.push(context);
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      offSite.push(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' });
    },
  );
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${apiUrl}/?next=${encodeURIComponent(next)}`);
  await page.fill('input[name="username"]', 'auditor');
  await page.fill('input[name="password"]', 'Demo@2026');
  await Promise.all([
    page.waitForURL((url) => url.origin !== origin || url.pathname !== '/'),
    page.click('#login-submit'),
  ]);
  await page.waitForLoadState('load');
  return { page, errors };
}

describe('login next= stays on this site', () => {
  const hostile = [
    'https://evil.example/',
    '//evil.example/',
    '/\t/evil.example',
    '/%09/evil.example',
    '/\\evil.example',
    '/.//evil.example',
    'javascript:alert(1)',
  ];

  it.each(hostile)('signing in with next=%j lands on the home page of this origin', async (next) => {
    const { page } = await loginWithNext(next);
    const landed = new URL(page.url());
    expect(landed.origin).toBe(origin);
    expect(landed.pathname).not.toBe('/');
    expect(landed.pathname.startsWith('//')).toBe(false);
    expect(await page.locator('h1', { hasText: 'evil' }).count()).toBe(0);
    expect(offSite).toEqual([]);
  });

  it('follows a same-origin path with its query', async () => {
    const { page, errors } = await loginWithNext('/loans?status=ACTIVE');
    const landed = new URL(page.url());
    expect(landed.origin).toBe(origin);
    expect(`${landed.pathname}${landed.search}`).toBe('/loans?status=ACTIVE');
    expect(errors).toEqual([]);
    expect(offSite).toEqual([]);
  });
});
