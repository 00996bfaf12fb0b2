// The approver UI as a reviewer uses it (issue 18, item 5): codes read as Chinese words, people by
// name, lists with the approved amount and a class only once paid out, a permission refusal told
// apart from a failure to load, the review form within reach on a phone, the final review's
// product ranges and adjusted schedule, drafts that survive signing in again, silent token refresh,
// and replaced or duplicate documents as the reviewer sees them.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { samplePng } from '../../drivers/sample-documents.js';
import { collectPageErrors, launchChromium, newContext, pageToken, screenshot, signIn } from './browser.js';

const { apiUrl, simulatorUrl } = inject('stack');
const client = new ApiClient(apiUrl, { simulatorUrl });
const PHONE = { width: 390, height: 844 };
const RAW_CODE = /\b[A-Z]{2,}(?:_[A-Z]+)+\b/;

let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Session;
/** A named initial reviewer, so the final reviewer reads a name, not an id. */
const namedReviewer = { username: `zhou_${Date.now().toString(36)}`, name: '周审慎', password: 'Review@2026x' };
let namedReviewerSession: Session;

async function freshPage(viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, viewport);
  contexts.push(context);
  const page = await context.newPage();
  return { page, errors: collectPageErrors(page) };
}

/** A loan that passed the initial review of the named reviewer and waits in final review. */
async function loanInFinalReview(options: { amount?: string; name?: string } = {}) {
  const loan = await client.loanInInitialReview(options);
  await client.waitForTask(namedReviewerSession.token, loan.loanId, 'INITIAL_REVIEW');
  await client.call('POST', `/v1/loans/${loan.loanId}/reviews`, {
    token: namedReviewerSession.token,
    body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全，同意进入终审' },
  });
  await client.waitForLoanStatus(loan.session.token, loan.loanId, 'FINAL_REVIEW');
  return loan;
}

beforeAll(async () => {
  browser = await launchChromium();
  admin = await client.login('admin');
  await client.call('POST', '/v1/auth/users', {
    token: admin.token,
    body: {
      username: namedReviewer.username,
      role: 'INITIAL_REVIEWER',
      password: namedReviewer.password,
      name: namedReviewer.name,
    },
  });
  namedReviewerSession = await client.login(namedReviewer.username, namedReviewer.password);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

describe('codes read as words', () => {
  it('shows a collateral loan with the collateral type named and its values as money, no raw code', async () => {
    const borrower = await client.registerBorrower({ name: '赵抵押' });
    const session = await client.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await client.applyForLoan(session.token, borrower, {
      loanType: 'COLLATERAL',
      amount: '150000.00',
      termCount: 36,
      collateral: {
        type: 'REAL_ESTATE',
        description: '杭州市西湖区住宅一套',
        appraisedValue: '2000000.00',
        existingLiens: '0.00',
      },
    });
    await client.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    await client.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW');

    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'initial_reviewer');
    await page.goto(`${apiUrl}/loans/${loanId}`);
    const applicant = page.locator('[data-section="loan.section.applicant"]');
    await applicant.waitFor();
    const text = (await applicant.textContent())!;
    expect(text).toContain('房产 · 杭州市西湖区住宅一套 · 评估价值 ¥2,000,000.00 · 已有抵押 ¥0.00');
    expect(text).not.toMatch(RAW_CODE);
    expect(await page.textContent('[data-section="loan.section.summary"]')).toContain('抵押贷款');
    expect(errors).toEqual([]);
  });

  it('names the roles that may approve above the final reviewer’s limit, in either language', async () => {
    const loan = await loanInFinalReview({ amount: '150000.00', name: '钱大额' });
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'final_reviewer');
    await page.goto(`${apiUrl}/loans/${loan.loanId}`);
    await page.waitForSelector('#review-form');
    await page.check('#review-form input[name="decision"][value="APPROVE"]');
    await page.fill('#review-form textarea[name="comment"]', '同意');
    await page.click('#review-form button[type="submit"]');
    const inline = page.locator('#review-form .alert-error');
    await inline.waitFor();
    expect(await inline.textContent()).toContain('须由风控经理终审');
    expect(await inline.textContent()).not.toMatch(RAW_CODE);
    await page.click('#lang-switch');
    expect(await inline.textContent()).toContain('final approval needs a Risk manager');
    await page.click('#lang-switch');
    expect(errors).toEqual([]);
  });
});

describe('people by name', () => {
  it('names the initial reviewer in the final reviewer’s timeline and never shows a user id', async () => {
    const loan = await loanInFinalReview({ name: '孙名字' });
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'final_reviewer');
    await page.goto(`${apiUrl}/loans/${loan.loanId}`);
    const actor = page.locator('.timeline li[data-kind="REVIEW_INITIAL_APPROVE"] .actor');
    await actor.waitFor();
    expect(await actor.textContent()).toBe(`${namedReviewer.name}（初审员）`);
    const timeline = (await page.textContent('[data-section="loan.section.timeline"]'))!;
    expect(timeline).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    const api = await client.call<{ people: Record<string, { name: string; role: string }> }>(
      'GET',
      `/v1/loans/${loan.loanId}`,
      { token: await pageToken(page) },
    );
    // Only staff are named; the borrower who applied is not among them.
    expect(Object.values(api.people)).toEqual([{ name: namedReviewer.name, role: 'INITIAL_REVIEWER' }]);
    expect(errors).toEqual([]);
  });
});

describe('lists', () => {
  it('show the approved amount once approved, and no class for a loan never paid out', async () => {
    const loan = await loanInFinalReview({ amount: '80000.00', name: '李改额' });
    const risk = await client.login('risk_manager');
    await client.call('POST', `/v1/loans/${loan.loanId}/reviews`, {
      token: risk.token,
      body: { stage: 'FINAL', decision: 'APPROVE', comment: '下调额度', amount: '50000.00', termCount: 24 },
    });
    await client.waitForLoanStatus(loan.session.token, loan.loanId, 'AWAITING_SIGNATURE');
    const waiting = await client.loanInInitialReview({ name: '周待审', amount: '45000.00' });

    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'auditor');
    await page.waitForSelector('#content table');
    const row = (id: string) => page.locator(`tr[data-loan-id="${id}"]`);
    await row(loan.loanId).waitFor();
    const approved = await row(loan.loanId).locator('td').allTextContents();
    expect(approved[2]).toBe('¥50,000.00');
    expect(approved[3]).toBe('24');
    expect(approved[5]).toBe('—');
    expect(await row(loan.loanId).locator('[data-amount]').getAttribute('data-amount')).toBe('approved');
    const applied = await row(waiting.loanId).locator('td').allTextContents();
    expect(applied[2]).toBe('¥45,000.00');
    expect(applied[5]).toBe('—');
    expect(await row(waiting.loanId).locator('[data-amount]').getAttribute('data-amount')).toBe('applied');
    // Every class shown belongs to a loan that was paid out.
    const list = await client.call<{
      loans: Array<{ loanId: string; status: string; classification: string | null }>;
    }>('GET', '/v1/loans?limit=20&offset=0', { token: await pageToken(page) });
    for (const l of list.loans) {
      if (
        ['REJECTED', 'WITHDRAWN', 'CANCELLED', 'INITIAL_REVIEW', 'FINAL_REVIEW', 'AWAITING_DOCUMENTS'].includes(
          l.status,
        )
      )
        expect(l.classification, l.loanId).toBeNull();
    }
    expect(errors).toEqual([]);
  });
});

describe('refusals and failures', () => {
  it('says 无权查看 for documents the role may not open, and for a 403; 无法加载 only for a real failure', async () => {
    const loan = await client.loanInInitialReview({ name: '吴权限' });
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'auditor');
    await page.goto(`${apiUrl}/loans/${loan.loanId}`);
    const documents = page.locator('[data-section="loan.section.documents"]');
    await documents.waitFor();
    await page.waitForSelector('[data-section="loan.section.documents"] [data-i18n="documents.forbidden"]');
    expect(await documents.textContent()).toContain('无权查看资料原件');
    expect(await documents.textContent()).not.toContain('无法加载');

    await page.route(`**/v1/loans/${loan.loanId}`, (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'FORBIDDEN', message: { zh: '无权访问', en: 'Forbidden' } } }),
      }),
    );
    await page.reload();
    const refused = page.locator('#content [data-load="forbidden"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('无权查看');
    expect(await refused.textContent()).not.toContain('无法加载');

    await page.unroute(`**/v1/loans/${loan.loanId}`);
    await page.route(`**/v1/loans/${loan.loanId}`, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }),
    );
    await page.reload();
    const failed = page.locator('#content [data-load="failed"]');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('无法加载');
    await page.unroute(`**/v1/loans/${loan.loanId}`);
    expect(errors).toEqual([]);
  });
});

describe('on a phone (390 × 844)', () => {
  it('puts the review form at the top, before the long details, and the timeline last', async () => {
    const loan = await client.loanInInitialReview({ name: '郑手机' });
    const { page, errors } = await freshPage(PHONE);
    await signIn(page, apiUrl, 'initial_reviewer');
    await page.goto(`${apiUrl}/loans/${loan.loanId}`);
    await page.waitForSelector('#review-form');
    await page.waitForSelector('[data-section="loan.section.timeline"]');
    const top = async (selector: string) => (await page.locator(selector).boundingBox())!.y;
    const form = await top('#review-form');
    // Reachable without scrolling: the form starts within the first screen.
    expect(form).toBeLessThan(PHONE.height);
    expect(form).toBeLessThan(await top('[data-section="loan.section.summary"]'));
    expect(await top('[data-section="loan.section.schedule"]')).toBeLessThan(
      await top('[data-section="loan.section.timeline"]'),
    );
    await screenshot(page, 'loan-detail-phone');
    expect(errors).toEqual([]);
  });
});

describe('final review with changed terms', () => {
  it('checks the product’s ranges before sending and previews the schedule of the changed terms', async () => {
    const loan = await loanInFinalReview({ name: '冯调整' });
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'final_reviewer');
    await page.goto(`${apiUrl}/loans/${loan.loanId}`);
    await page.waitForSelector('#review-form');
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/reviews')) sent.push(request.method());
    });
    await page.check('#review-form input[name="decision"][value="APPROVE_WITH_CHANGES"]');
    await page.fill('#review-form textarea[name="comment"]', '调整条件');
    await page.fill('#review-form input[name="amount"]', '250000');
    await page.fill('#review-form input[name="ratePercent"]', '30');
    await page.fill('#review-form input[name="termCount"]', '48');
    const problems = page.locator('#review-form .range-problems li');
    await expect.poll(() => problems.count()).toBe(3);
    expect(await problems.allTextContents()).toEqual([
      '批准金额须在 ¥1,000.00 至 ¥200,000.00 之间，最多两位小数',
      '批准期数须为 3 至 36 之间的整数',
      '批准年利率须在 7.20% 至 18.00% 之间，最多两位小数',
    ]);
    expect(await page.getAttribute('#review-form input[name="amount"]', 'aria-invalid')).toBe('true');
    await page.click('#review-form button[type="submit"]');
    expect(await page.locator('#terms-preview table').count()).toBe(0);
    expect(sent).toEqual([]);

    await page.fill('#review-form input[name="amount"]', '50000');
    await page.fill('#review-form input[name="ratePercent"]', '');
    await page.fill('#review-form input[name="termCount"]', '24');
    await expect.poll(() => problems.count()).toBe(0);
    await page.waitForSelector('#terms-preview tbody tr');
    expect(await page.locator('#terms-preview tbody tr').count()).toBe(24);
    const view = await client.loan(loan.session.token, loan.loanId);
    const requested = view.requested as { annualRate: string; method: string; frequency: string };
    const product = await client.call<{ fees?: unknown[] }>('GET', `/v1/products/${String(view.productCode)}`, {
      token: await pageToken(page),
    });
    const quote = await client.call<{ installments: Array<{ total: string }>; totalPayment: string }>(
      'POST',
      '/v1/quotes',
      {
        body: {
          principal: '50000.00',
          annualRate: requested.annualRate,
          termCount: 24,
          method: requested.method,
          frequency: requested.frequency,
          ...(product.fees?.length ? { fees: product.fees } : {}),
        },
      },
    );
    const firstRow = await page.locator('#terms-preview tbody tr').first().locator('td').allTextContents();
    expect(firstRow.at(-1)).toBe(
      new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(
        Number(quote.installments[0]!.total),
      ),
    );
    expect(await page.textContent('#terms-preview .preview-summary')).toContain(
      new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(quote.totalPayment)),
    );

    await page.click('#review-form button[type="submit"]');
    await page.waitForSelector('#review-notice');
    expect(sent).toEqual(['POST']);
    const approved = await client.waitForLoanStatus(loan.session.token, loan.loanId, 'AWAITING_SIGNATURE', 30_000);
    expect((approved.offer as { amount: string; installments: unknown[] }).installments).toHaveLength(24);
    expect(errors).toEqual([]);
  });
});

describe('review drafts and the session', () => {
  it('keeps a draft through signing in again, for that reviewer only, without the borrower’s data, cleared on submit', async () => {
    const loan = await client.loanInInitialReview({ name: '陈草稿' });
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'initial_reviewer');
    await page.goto(`${apiUrl}/loans/${loan.loanId}`);
    await page.waitForSelector('#review-form');
    await page.check('#review-form input[name="decision"][value="REJECT"]');
    await page.fill('#review-form textarea[name="comment"]', '收入证明与流水不一致，待核');

    // The session ends (expired or revoked): the next load asks to sign in again.
    await client.call('POST', '/v1/auth/logout', { token: await pageToken(page) });
    await page.reload();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('reason') === 'expired');
    await page.fill('input[name="username"]', 'initial_reviewer');
    await page.fill('input[name="password"]', 'Demo@2026');
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/loans/${loan.loanId}`),
      page.click('#login-submit'),
    ]);
    await page.waitForSelector('#draft-restored');
    expect(await page.isChecked('#review-form input[name="decision"][value="REJECT"]')).toBe(true);
    expect(await page.inputValue('#review-form textarea[name="comment"]')).toBe('收入证明与流水不一致，待核');
    const drafts = await page.evaluate(() =>
      Object.entries(localStorage).filter(([key]) => key.startsWith('microloan.reviewDraft.')),
    );
    expect(drafts).toHaveLength(1);
    const me = await client.call<{ userId: string }>('GET', '/v1/auth/me', { token: await pageToken(page) });
    expect(drafts[0]![0]).toBe(`microloan.reviewDraft.${me.userId}.${loan.loanId}`);
    expect(drafts[0]![1]).not.toContain('陈草稿');
    expect(drafts[0]![1]).not.toContain(loan.borrower.phone);
    expect(drafts[0]![1]).not.toContain(loan.borrower.idNumber);

    // Another reviewer on the same browser does not get it.
    const other = await page.context().newPage();
    await signIn(other, apiUrl, namedReviewer.username, namedReviewer.password);
    await other.goto(`${apiUrl}/loans/${loan.loanId}`);
    await other.waitForSelector('#review-form');
    expect(await other.inputValue('#review-form textarea[name="comment"]')).toBe('');
    expect(await other.locator('#draft-restored').count()).toBe(0);
    await other.close();

    await page.click('#review-form button[type="submit"]');
    await page.waitForSelector('#review-notice');
    expect(
      await page.evaluate((key) => localStorage.getItem(key), `microloan.reviewDraft.${me.userId}.${loan.loanId}`),
    ).toBeNull();
    expect(errors).toEqual([]);
  });

  it('renews the token silently while the page is in use', async () => {
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'auditor');
    await page.waitForSelector('#content table, #content .empty');
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('microloan.session')!));
    // The token is still good for 30 minutes; say it ends within the minute, as it would after a while.
    await page.evaluate((s) => {
      sessionStorage.setItem(
        'microloan.session',
        JSON.stringify({ ...s, expiresAt: new Date(Date.now() + 60_000).toISOString() }),
      );
    }, before);
    await page.click('#loan-total');
    await expect
      .poll(() => page.evaluate(() => JSON.parse(sessionStorage.getItem('microloan.session')!).token as string))
      .not.toBe(before.token);
    const after = await page.evaluate(() => JSON.parse(sessionStorage.getItem('microloan.session')!));
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.now() + 25 * 60_000);
    const me = await client.call<{ username: string }>('GET', '/v1/auth/me', { token: after.token });
    expect(me.username).toBe('auditor');
    // The page goes on with the new token.
    await page.reload();
    await page.waitForSelector('#content table');
    expect(new URL(page.url()).pathname).toBe('/loans');
    expect(await pageToken(page)).toBe(after.token);
    expect(errors).toEqual([]);
  });
});

describe('replaced and duplicate documents', () => {
  it('shows the reviewer the newest upload of a type, the replaced ones apart, and flags the same file twice', async () => {
    const borrower = await client.registerBorrower({ name: '蒋重传' });
    const session = await client.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await client.applyForLoan(session.token, borrower);
    const upload = async (type: string, variant: number) => {
      const form = new FormData();
      form.set('type', type);
      form.set('file', new Blob([samplePng(variant)], { type: 'image/png' }), `${type}.png`);
      return client.call<{ documentId: string }>('POST', `/v1/loans/${loanId}/documents`, {
        token: session.token,
        form,
      });
    };
    // Before review: a blurred ID photo, then a clearer one; the proof of income sent twice, the same file.
    const blurred = await upload('ID_FRONT', 11);
    await client.waitForLoanStatus(session.token, loanId, 'AWAITING_DOCUMENTS');
    const clearer = await upload('ID_FRONT', 12);
    await client.uploadRequiredDocuments(session.token, loanId, ['INCOME_PROOF']);
    await client.uploadRequiredDocuments(
      session.token,
      loanId,
      requiredDocuments.filter((type) => type !== 'ID_FRONT'),
    );
    await client.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW');

    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'initial_reviewer');
    await page.goto(`${apiUrl}/loans/${loanId}`);
    await page.waitForSelector('[data-section="loan.section.documents"] figure');
    const front = page.locator('figure.document[data-type="ID_FRONT"]');
    expect(await front.count()).toBe(1);
    expect(await front.getAttribute('data-document-id')).toBe(clearer.documentId);
    expect(await front.locator('[data-replaces]').textContent()).toBe('已替换旧版 1 份');
    // Replaced: the blurred photo, and the first copy of the proof of income (the same file as the second).
    expect(await page.locator('#superseded-documents li').count()).toBe(2);
    const replaced = page.locator('#superseded-documents li[data-type="ID_FRONT"]');
    expect(await replaced.getAttribute('data-document-id')).toBe(blurred.documentId);
    expect(await replaced.textContent()).toContain('身份证人像面');
    expect(await replaced.locator('.duplicate').count()).toBe(0);
    const firstCopy = page.locator('#superseded-documents li[data-type="INCOME_PROOF"]');
    expect(await firstCopy.locator('.duplicate').textContent()).toBe('重复文件');

    const income = page.locator('figure.document[data-type="INCOME_PROOF"]');
    expect(await income.count()).toBe(1);
    expect(await income.locator('[data-duplicate]').textContent()).toBe('重复文件');
    expect(await page.textContent('li.warning[data-code="DUPLICATE_UPLOAD"]')).toContain('作为收入证明重复上传了 2 次');
    expect(await page.textContent('[data-section="loan.section.warnings"]')).not.toMatch(RAW_CODE);
    await screenshot(page, 'loan-detail-replaced-documents');
    expect(errors).toEqual([]);
  });
});
