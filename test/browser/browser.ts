// Headless Debian Chromium for the UI tests, signing in through the login form, and screenshots
// kept under test-artifacts/screenshots/.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/screenshots');
export const LAPTOP = { width: 1366, height: 900 };
export const TABLET = { width: 820, height: 1180 };
/** Every wait in the browser is bounded by this, unless a step says otherwise. */
export const UI_TIMEOUT_MS = 20_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
}

/** A fresh browser profile: its own sessionStorage and localStorage. */
export async function newContext(browser: Browser, viewport = LAPTOP): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(UI_TIMEOUT_MS);
  return context;
}

/** Errors the page's own scripts threw, so a test can insist there were none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Signs in through the login form and waits to land on the role's first page. */
export async function signIn(page: Page, apiUrl: string, username: string, password = 'Demo@2026'): Promise<void> {
  await page.goto(`${apiUrl}/`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/'), page.click('#login-submit')]);
}

/** The bearer token the page keeps in sessionStorage. */
export async function pageToken(page: Page): Promise<string> {
  const token = await page.evaluate(
    () => JSON.parse(sessionStorage.getItem('microloan.session') ?? '{}').token as string | undefined,
  );
  if (!token) throw new Error('the page has no session token');
  return token;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** True when the page scrolls sideways: the layout does not fit the viewport. */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}
