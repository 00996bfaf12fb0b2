// The borrower app (/m/) on a phone-sized Chromium, through the public API only: register with the
// SMS code, apply (APR shown, consents required), upload the documents from the file input, follow
// the loan to the offer, read and sign the contract, see the schedule, pay off on the gateway's
// hosted page, see the payment applied and download the 结清证明. A second borrower who opens the
// first one's loan address sees that it cannot be seen, and none of its data.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient } from '../../drivers/api-client.js';
import { makeCardNumber, makeIdNumber, makePhone } from '../../drivers/identities.js';
import { gatewayCard } from '../../drivers/online-payments.js';
import { sampleDocument } from '../../drivers/sample-documents.js';
import '../setup/provided.js';
import { collectPageErrors, launchChromium, newContext, overflowsHorizontally, screenshot } from './browser.js';

const stack = inject('stack');
const apiUrl = stack.apiUrl;
const client = new ApiClient(apiUrl, { simulatorUrl: stack.simulatorUrl });
const PHONE = { width: 390, height: 844 };
/** Assessment, payout and the gateway's confirmation run in the worker; the page polls for them. */
const LOAN_STEP_MS = 120_000;
/** Each journey waits on several such steps. */
const JOURNEY_MS = 600_000;

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The latest code of the purpose the SMS simulator holds for the phone, once the page asked for it. */
async function codeSentTo(phone: string, purpose: 'REGISTER' | 'SIGN_CONTRACT', after: string | null) {
  for (let tries = 0; tries < 100; tries++) {
    const code = await client.latestSmsCode(phone, purpose);
    if (code !== null && code !== after) return code;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no ${purpose} code reached the SMS simulator`);
}

async function fitsThePhone(page: Page) {
  expect(await overflowsHorizontally(page)).toBe(false);
}

describe('the borrower app at /m/', () => {
  const person = {
    name: '张伟',
    phone: makePhone(),
    idNumber: makeIdNumber({ name: '张伟', profileDigit: 1, birthDate: '1988-03-09' }),
    password: 'H5borrow2026',
    card: makeCardNumber(),
  };
  let loanId = '';
  let productCount = 0;

  it(
    'registers with the SMS code, applies with the APR shown, and uploads the documents from the file input',
    async () => {
      const context = await newContext(browser, PHONE);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${apiUrl}/m/`);
      await fitsThePhone(page);
      await page.click('#tab-register');
      const form = page.locator('#register-form');
      await form.locator('input[name="phone"]').fill(person.phone);
      await page.click('#send-register-code');
      const code = await codeSentTo(person.phone, 'REGISTER', null);
      await form.locator('input[name="smsCode"]').fill(code);
      await form.locator('input[name="name"]').fill(person.name);
      await form.locator('input[name="idNumber"]').fill(person.idNumber);
      await form.locator('input[name="password"]').fill(person.password);
      await Promise.all([page.waitForURL(`${apiUrl}/m/loans`), form.locator('button[type="submit"]').click()]);
      // The token is in sessionStorage, nowhere else, and no address carries personal data.
      const stored = await page.evaluate(() => ({
        session: sessionStorage.getItem('microloan.borrower'),
        local: Object.keys(localStorage),
      }));
      expect(JSON.parse(stored.session!).token).toEqual(expect.any(String));
      expect(stored.local).toEqual([]);

      // Every product the API offers the borrower has its application form, with the APR.
      const products = (
        await client.call<{ products: Array<{ code: string; loanType: string }> }>('GET', '/v1/products', {
          token: JSON.parse(stored.session!).token,
        })
      ).products;
      productCount = products.length;
      await page.waitForSelector('#products[aria-busy]', { state: 'detached' }).catch(() => undefined);
      await expect.poll(() => page.locator('#products [data-product]').count()).toBe(products.length);
      const sections: Record<string, string | null> = {
        INDIVIDUAL_BUSINESS: 'business',
        FARMER: 'farm',
        COLLATERAL: 'collateral',
        GUARANTEED: 'guarantor',
      };
      for (const product of products) {
        await page.goto(`${apiUrl}/m/apply/${product.code}`);
        await page.fill('input[name="amount"]', '10000');
        await expect.poll(() => page.locator('#quote .m-apr').textContent()).toMatch(/年化利率（APR）\d+\.\d{2}%/);
        const shown = await page
          .locator('[data-section]:not([hidden])')
          .evaluateAll((parts) => parts.map((p) => (p as HTMLElement).dataset.section));
        expect(shown).toEqual(sections[product.loanType] ? [sections[product.loanType]] : []);
        await fitsThePhone(page);
      }

      const consumer = products.find((p) => p.loanType === 'PERSONAL_CONSUMER')!;
      await page.goto(`${apiUrl}/m/loans`);
      await Promise.all([
        page.waitForURL(`${apiUrl}/m/apply/${consumer.code}`),
        page.click(`[data-product="${consumer.code}"] a`),
      ]);
      const apply = page.locator('#apply-form');
      await apply.locator('input[name="amount"]').fill('10000.00');
      await apply.locator('input[name="termCount"]').fill('12');
      await apply.locator('input[name="purpose"]').fill('家庭装修');
      await apply.locator('input[name="applicant.name"]').fill(person.name);
      await apply.locator('input[name="applicant.idNumber"]').fill(person.idNumber);
      await apply.locator('input[name="applicant.phone"]').fill(person.phone);
      await apply.locator('input[name="applicant.monthlyIncome"]').fill('18000.00');
      await apply.locator('input[name="applicant.employer"]').fill('杭州某科技有限公司');
      await apply.locator('input[name="bankAccount.cardNumber"]').fill(person.card);
      await apply.locator('input[name="bankAccount.bankName"]').fill('中国工商银行');
      await expect.poll(() => page.locator('#quote .m-apr').textContent()).toMatch(/年化利率（APR）\d+\.\d{2}%/);
      await screenshot(page, 'mobile-h5-apply');

      // Without the consents the API refuses, and the page says so in Chinese beside each box.
      await apply.locator('button[type="submit"]').click();
      const consentError = page.locator('[data-error-for="consent.creditQuery"]');
      await consentError.waitFor({ state: 'visible' });
      expect(await consentError.textContent()).toMatch(/[\u4e00-\u9fff]/);
      await expect.poll(() => page.locator('[data-error-for="consent.dataProcessing"]').isVisible()).toBe(true);

      await apply.locator('input[name="consent.creditQuery"]').check();
      await apply.locator('input[name="consent.dataProcessing"]').check();
      await apply.locator('input[name="consent.creditReporting"]').check();
      await Promise.all([
        page.waitForURL(/\/m\/loans\/loan-\d{8}-[0-9a-f]{10}$/),
        apply.locator('button[type="submit"]').click(),
      ]);
      loanId = page.url().split('/').at(-1)!;
      expect(page.url()).not.toContain(person.phone);
      expect(page.url()).not.toContain(person.idNumber);

      // The documents: which are missing, each uploaded through its file input.
      await page.locator('#documents:not([hidden])').waitFor();
      const missing = await page
        .locator('[data-document][data-state="missing"]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.document!));
      expect(missing.length).toBeGreaterThan(0);
      expect(await page.textContent('#documents-missing')).toContain(`还缺 ${missing.length} 份`);
      const input = page.locator(`[data-document="${missing[0]}"] input[type="file"]`);
      expect(await input.getAttribute('accept')).toBe('image/*,application/pdf');
      expect(await input.getAttribute('capture')).toBe('environment');
      await screenshot(page, 'mobile-h5-documents');
      for (const type of missing) {
        const document = await sampleDocument(type);
        await page.locator(`[data-document="${type}"] input[type="file"]`).setInputFiles({
          name: document.filename,
          mimeType: document.contentType,
          buffer: Buffer.from(document.bytes),
        });
        await page.locator(`[data-document="${type}"][data-state="received"]`).waitFor();
      }

      // Assessed automatically: the offer waits for the borrower's signature.
      await page.locator('#status[data-status="AWAITING_SIGNATURE"]').waitFor({ timeout: LOAN_STEP_MS });
      expect(await page.textContent('#status-words')).toBe('审批通过，待签合同');
      expect(errors).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );

  it(
    'reads and signs the contract, shows the schedule, pays off on the gateway page and downloads the 结清证明',
    async () => {
      expect(loanId).not.toBe('');
      const context = await newContext(browser, PHONE);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${apiUrl}/m/`);
      await page.fill('#login-form input[name="phone"]', person.phone);
      await page.fill('#login-form input[name="password"]', person.password);
      await Promise.all([page.waitForURL(`${apiUrl}/m/loans`), page.click('#login-form button[type="submit"]')]);
      await Promise.all([page.waitForURL(`${apiUrl}/m/loans/${loanId}`), page.click(`[data-loan-id="${loanId}"] a`)]);

      await page.locator('#contract:not([hidden])').waitFor();
      expect(await page.textContent('#offer')).toMatch(/年化利率（APR）\d+\.\d{2}%/);
      await page.locator('#schedule:not([hidden])').waitFor();
      expect(await page.locator('#schedule-rows tr').count()).toBe(12);
      await page.click('#read-contract');
      await page.locator('#sign-form:not([hidden])').waitFor();
      const contractText = await page.frameLocator('#contract-text').locator('body').textContent();
      expect(contractText).toContain('年化利率(APR)');
      await fitsThePhone(page);
      await screenshot(page, 'mobile-h5-contract');

      const before = await client.latestSmsCode(person.phone, 'SIGN_CONTRACT');
      await page.click('#send-sign-code');
      await page.fill('#sign-form input[name="smsCode"]', await codeSentTo(person.phone, 'SIGN_CONTRACT', before));
      await page.click('#sign-form button[type="submit"]');
      await page.locator('#status[data-status="ACTIVE"]').waitFor({ timeout: LOAN_STEP_MS });

      // The schedule as the loan keeps it, and what closes the loan today.
      await page.locator('#repay:not([hidden])').waitFor();
      expect(
        await page.locator('#schedule-rows tr[data-status="UPCOMING"], #schedule-rows tr[data-status="DUE"]').count(),
      ).toBe(12);
      expect(await page.textContent('#dues')).toContain('今日结清金额');
      await screenshot(page, 'mobile-h5-active');

      await page.click('#fill-payoff');
      const amount = await page.inputValue('#repay-form input[name="amount"]');
      expect(amount).toMatch(/^\d+\.\d{2}$/);
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(stack.simulatorUrl)),
        page.click('#repay-form button[type="submit"]'),
      ]);
      expect(await page.textContent('[data-field="amount"]')).toContain(amount);
      await page.fill('input[name="cardNumber"]', gatewayCard());
      await Promise.all([page.waitForLoadState(), page.click('button[type="submit"]')]);
      // Back to the app from the gateway's result page.
      await screenshot(page, 'mobile-h5-gateway-result');
      await page.click('text=返回商户');
      await page.waitForURL(`${apiUrl}/m/loans/${loanId}`);
      await screenshot(page, 'mobile-h5-returned');
      await page.locator('#payment-result[data-status="APPLIED"]').waitFor({ timeout: LOAN_STEP_MS });
      expect(await page.textContent('#payment-result')).toContain('已入账');
      await page.locator('#status[data-status="PAID_OFF"]').waitFor({ timeout: LOAN_STEP_MS });
      await page.locator('#payments:not([hidden]) [data-payment-id]').first().waitFor();

      await page.locator('#certificate:not([hidden])').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-certificate')]);
      expect(download.suggestedFilename()).toBe(`结清证明-${loanId}.html`);
      const certificate = readFileSync(await download.path(), 'utf8');
      expect(certificate).toContain('结清证明');
      expect(certificate).toContain(loanId);
      await screenshot(page, 'mobile-h5-paid-off');
      expect(errors).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );

  it("shows a second borrower 无权查看 for the first one's loan, and none of its data", async () => {
    expect(loanId).not.toBe('');
    const other = await client.registerBorrower({ name: '李娜' });
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${apiUrl}/m/`);
    await page.fill('#login-form input[name="phone"]', other.phone);
    await page.fill('#login-form input[name="password"]', other.password);
    await Promise.all([page.waitForURL(`${apiUrl}/m/loans`), page.click('#login-form button[type="submit"]')]);
    expect(await page.locator(`[data-loan-id="${loanId}"]`).count()).toBe(0);
    await page.goto(`${apiUrl}/m/loans/${loanId}`);
    await page.locator('body[data-denied="true"]').waitFor();
    expect(await page.textContent('#m-notice')).toContain('无权查看');
    for (const section of ['#status', '#documents', '#contract', '#repay', '#certificate', '#schedule', '#payments'])
      expect(await page.locator(section).isHidden()).toBe(true);
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toContain('¥');
    expect(text).not.toContain('张');
    expect(productCount).toBeGreaterThan(0);
    await context.close();
  });
});
