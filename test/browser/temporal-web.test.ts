// Temporal Web decrypting a loan's history in headless Chromium: an OPS user who signed in to the
// approver UI reads the decoded input on the workflow page without setting anything up; another
// role, a browser that never signed in, and the OPS user after logging out see no plaintext.
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiClient } from '../../drivers/api-client.js';
import { launchChromium, newContext, screenshot, signIn, UI_TIMEOUT_MS } from './browser.js';

const stack = inject('stack');
// Temporal Web calls the codec at http://localhost:<api port>/codec; the approver UI is opened on
// the same host name, so its cookie is one the browser sends there.
const approverUrl = stack.apiUrl.replace('127.0.0.1', 'localhost');
const client = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
/** The loan's product code: in its workflow input, readable only once decoded. */
const PRODUCT_CODE = 'CONSUMER_STD';
/** Temporal Web's banner once the codec refused it, after its retries; the input then shows ciphertext. */
const refusalBanner = (page: Page) => page.locator('text=Codec Server could not connect >> visible=true').first();

let browser: Browser;
let loanId: string;
const contexts: BrowserContext[] = [];

async function freshPage(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  return context.newPage();
}

const isDecodeCall = (response: Response) =>
  new URL(response.url()).pathname === '/codec/decode' && response.request().method() === 'POST';

/** Opens the loan's workflow page and waits for Temporal Web's first call to the codec. */
async function openWorkflow(page: Page): Promise<Response> {
  const decoded = page.waitForResponse(isDecodeCall, { timeout: UI_TIMEOUT_MS });
  await page.goto(`${stack.temporalWebUrl}/namespaces/default/workflows/${loanId}`);
  return decoded;
}

beforeAll(async () => {
  [browser, { loanId }] = await Promise.all([launchChromium(), client.loanInInitialReview({ name: '赵敏' })]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('Temporal Web through the API codec', () => {
  it('shows an OPS user signed in to the approver UI the decrypted workflow input, and each decryption is audited', async () => {
    const auditor = await client.login('auditor');
    const ops = await client.call<{ userId: string }>('GET', '/v1/auth/me', {
      token: (await client.login('ops')).token,
    });
    const decryptions = async () => {
      const trail = await client.call<{ items: Array<{ action: string; result: string }> }>(
        'GET',
        `/v1/audit?userId=${ops.userId}&limit=1000`,
        { token: auditor.token },
      );
      return trail.items.filter((e) => e.action === 'CODEC_DECODE' && e.result === 'SUCCESS').length;
    };
    const before = await decryptions();

    const page = await freshPage();
    await signIn(page, approverUrl, 'ops');
    // The session cookie is out of the page scripts' reach and goes only to the codec.
    expect(await page.evaluate(() => document.cookie)).not.toContain('microloan_codec');
    const [cookie] = (await page.context().cookies(`${approverUrl}/codec/decode`)).filter(
      (c) => c.name === 'microloan_codec',
    );
    expect(cookie).toMatchObject({ path: '/codec', httpOnly: true, sameSite: 'Strict' });
    expect(await page.context().cookies(`${approverUrl}/v1/loans`)).toEqual([]);
    const call = await openWorkflow(page);
    expect(call.status()).toBe(200);
    expect(call.request().headers()['authorization']).toBeUndefined();
    await page.getByText(PRODUCT_CODE).first().waitFor();
    expect(await refusalBanner(page).count()).toBe(0);
    await screenshot(page, 'temporal-web-decoded');

    expect(await decryptions()).toBeGreaterThan(before);
  });

  it('shows another role only ciphertext: no codec cookie is issued to it, so the codec answers 401', async () => {
    const page = await freshPage();
    await signIn(page, approverUrl, 'auditor');
    const call = await openWorkflow(page);
    expect(call.status()).toBe(401);
    await refusalBanner(page).waitFor();
    await screenshot(page, 'temporal-web-not-ops');
    expect(await page.content()).not.toContain(PRODUCT_CODE);
  });

  it('shows a browser that never signed in only ciphertext: the codec answers 401', async () => {
    const page = await freshPage();
    const call = await openWorkflow(page);
    expect(call.status()).toBe(401);
    await refusalBanner(page).waitFor();
    expect(await page.content()).not.toContain(PRODUCT_CODE);
  });

  it('stops decrypting for the OPS user once they log out of the approver UI', async () => {
    const page = await freshPage();
    await signIn(page, approverUrl, 'ops');
    const home = page.url();
    expect((await openWorkflow(page)).status()).toBe(200);
    await page.getByText(PRODUCT_CODE).first().waitFor();

    await page.goto(home);
    const loggedOut = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/auth/logout');
    await page.click('#logout');
    expect((await loggedOut).status()).toBe(204);
    await page.waitForURL((url) => url.pathname === '/');
    const call = await openWorkflow(page);
    expect(call.status()).toBe(401);
    await refusalBanner(page).waitFor();
    expect(await page.content()).not.toContain(PRODUCT_CODE);
  });
});
