// The approver task UI in headless Chromium against the whole running stack: sign in, the
// language switch, the inbox, the loan detail, and initial and final reviews of real loans.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../drivers/api-client.js';
import {
  collectPageErrors,
  launchChromium,
  newContext,
  overflowsHorizontally,
  pageToken,
  screenshot,
  signIn,
  TABLET,
} from './browser.js';

const { apiUrl, simulatorUrl } = inject('stack');
const client = new ApiClient(apiUrl, { simulatorUrl });
const money = (value: string) =>
  new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(value));

type LoanInReview = Awaited<ReturnType<ApiClient['loanInInitialReview']>>;
let browser: Browser;
let toApprove: LoanInReview;
let toReject: LoanInReview;
let toAskDocuments: LoanInReview;
const contexts: BrowserContext[] = [];

async function freshPage(viewport?: typeof TABLET): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, viewport);
  contexts.push(context);
  const page = await context.newPage();
  return { page, errors: collectPageErrors(page) };
}

async function navLabels(page: Page): Promise<string[]> {
  await page.waitForSelector('#nav a');
  return page.locator('#nav a').allTextContents();
}

async function submitReview(page: Page, decision: string, comment: string, fill?: () => Promise<void>) {
  await page.check(`#review-form input[name="decision"][value="${decision}"]`);
  await fill?.();
  await page.fill('#review-form textarea[name="comment"]', comment);
  await page.click('#review-form button[type="submit"]');
}

beforeAll(async () => {
  [browser, toApprove, toReject, toAskDocuments] = await Promise.all([
    launchChromium(),
    // A borrower the bureau hardly knows (thin file): the assessment carries a risk warning, yet well above the score floor.
    client.loanInInitialReview({ name: '王小明', profileDigit: 6 }),
    client.loanInInitialReview({ name: '李娜', amount: '45000.00' }),
    client.loanInInitialReview({ name: '欧阳娜娜', amount: '38000.00' }),
  ]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

/** The fields of GET /v1/loans/:id this page shows. */
type ApproverLoanView = {
  applicant: { idNumber: string };
  assessment: {
    recommendedLimit: string;
    score: number;
    factors: Array<{ code: string; contribution: number }>;
    warnings: Array<{ code: string; severity: string; message: { zh: string } }>;
  };
  documents: unknown[];
  timeline: unknown[];
};

describe('sign-in page', () => {
  it('is Chinese by default, switches to English and back (kept across reloads), and shows a refused login inline', async () => {
    const { page, errors } = await freshPage();
    await page.goto(`${apiUrl}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect(page.locator('input[name="username"]').count()).resolves.toBe(1);
    await expect(page.locator('input[name="password"]').count()).resolves.toBe(1);
    expect(await page.textContent('h1')).toBe('登录');
    await screenshot(page, 'login');

    await page.click('#lang-switch');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('Sign in');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Sign in');
    expect(await page.textContent('#lang-switch')).toBe('中文');
    await screenshot(page, 'login-en');
    await page.click('#lang-switch');
    expect(await page.textContent('h1')).toBe('登录');

    await page.fill('input[name="username"]', 'initial_reviewer');
    await page.fill('input[name="password"]', 'not-the-password1');
    await page.click('#login-submit');
    await page.waitForSelector('#login-error:not([hidden])');
    expect(await page.textContent('#login-error')).toBe('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(errors).toEqual([]);
  });
});

describe('initial reviewer', () => {
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await freshPage());
    await signIn(page, apiUrl, 'initial_reviewer');
  });

  it('lands on the inbox with the navigation of the role, counts per task kind and ages coloured against the deadline', async () => {
    expect(new URL(page.url()).pathname).toBe('/inbox');
    expect(await navLabels(page)).toEqual(['待办任务', '贷款查询', '借款人查找']);
    for (const loan of [toApprove, toReject, toAskDocuments]) {
      const row = page.locator(`tr[data-loan-id="${loan.loanId}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-task-kind')).toBe('INITIAL_REVIEW');
      expect(await row.locator('.age').getAttribute('class')).toContain('age-ok');
    }
    const api = await client.call<{ counts: Record<string, number> }>('GET', '/v1/tasks?status=OPEN&limit=500', {
      token: await pageToken(page),
    });
    expect(await page.textContent('.tab[data-kind="INITIAL_REVIEW"] .count')).toBe(String(api.counts.INITIAL_REVIEW));
    expect(await page.textContent('#task-total')).toBe(`共 ${api.counts.INITIAL_REVIEW} 条`);
    expect(await page.textContent(`tr[data-loan-id="${toApprove.loanId}"] td:nth-child(4)`)).toBe('¥60,000.00');

    // How an age is coloured, for deadlines the fresh tasks have not reached.
    // A string, so the test runner's transform leaves the browser's own dynamic import alone.
    const levels = await page.evaluate(`(async () => {
      const { ageLevel } = await import('/ui/assets/inbox.js');
      const task = { createdAt: '2026-01-01T00:00:00Z', dueAt: '2026-01-03T00:00:00Z', overdue: false };
      return [10, 30, 47.9].map((ageHours) => ageLevel({ ...task, ageHours })).concat(ageLevel({ ...task, ageHours: 49, overdue: true }));
    })()`);
    expect(levels).toEqual(['ok', 'warn', 'warn', 'late']);

    await page.selectOption('select[name="loanType"]', 'FARMER');
    await page.waitForSelector('#content .empty');
    expect(await page.locator(`tr[data-loan-id="${toApprove.loanId}"]`).count()).toBe(0);
    await page.selectOption('select[name="loanType"]', '');
    await page.locator(`tr[data-loan-id="${toApprove.loanId}"]`).waitFor();
    await screenshot(page, 'inbox');
  });

  it('shows the loan: masked applicant, terms, documents inline, factor contributions, warnings, schedule and timeline', async () => {
    await page.click(`a[href="/loans/${toApprove.loanId}"]`);
    await page.waitForSelector('#review-form');
    const loan = await client.call<ApproverLoanView>('GET', `/v1/loans/${toApprove.loanId}`, {
      token: await pageToken(page),
    });

    expect(await page.textContent('[data-field="idNumber"]')).toBe(loan.applicant.idNumber);
    expect(loan.applicant.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(await page.textContent('[data-field="phone"]')).toMatch(/^1\d{2}\*{4}\d{4}$/);
    expect(await page.locator('[data-section="loan.section.applicant"]').textContent()).toContain('王**');

    const terms = page.locator('[data-section="loan.section.terms"]');
    expect(await terms.textContent()).toContain('¥60,000.00');
    expect(await terms.textContent()).toContain(money(loan.assessment.recommendedLimit));

    // Pictures show inline; PDFs (proof of income, bank statements) as a button that opens them.
    const section = '[data-section="loan.section.documents"]';
    const images = page.locator(`${section} img`);
    const pdfs = page.locator(`${section} [data-i18n="documents.openPdf"]`);
    await expect
      .poll(async () => (await images.count()) + (await pdfs.count()), { timeout: 10_000 })
      .toBe(loan.documents.length);
    expect(await images.count()).toBeGreaterThan(0);
    expect(await pdfs.count()).toBeGreaterThan(0);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.document img')).every(
        (img) => img.complete && img.naturalWidth === 480,
      ),
    );

    expect(await page.textContent('[data-field="score"]')).toBe(String(loan.assessment.score));
    const factors = page.locator('tr[data-factor]');
    expect(await factors.count()).toBe(loan.assessment.factors.length);
    for (const factor of loan.assessment.factors) {
      const shown = await page.textContent(`tr[data-factor="${factor.code}"] td:nth-child(2)`);
      expect(shown).toBe(factor.contribution > 0 ? `+${factor.contribution}` : String(factor.contribution));
    }
    const warnings = loan.assessment.warnings;
    expect(warnings.map((w) => w.code)).toContain('THIN_FILE');
    expect(await page.locator('[data-section="loan.section.warnings"] li.warning').count()).toBe(warnings.length);
    for (const w of warnings) {
      const item = page.locator(`li.warning[data-code="${w.code}"]`);
      expect(await item.getAttribute('class')).toContain(`severity-${w.severity}`);
      expect(await item.textContent()).toContain(w.message.zh);
    }

    const schedule = page.locator('[data-section="loan.section.schedule"] tbody tr');
    expect(await schedule.count()).toBe(12);
    expect(await page.locator('.timeline li').count()).toBe(loan.timeline.length);
    await screenshot(page, 'loan-detail-initial-review');
  });

  it('approves through the UI: the loan moves on to final review and the timeline names who approved', async () => {
    await submitReview(page, 'APPROVE', '资料齐全，收入稳定，同意进入终审');
    await page.waitForSelector('#review-notice');
    const loan = await client.loan(toApprove.session.token, toApprove.loanId);
    expect(loan.status).toBe('FINAL_REVIEW');
    expect(await page.getAttribute('#loan-status .badge', 'data-status')).toBe('FINAL_REVIEW');
    expect(
      await page.locator('.timeline li[data-kind="REVIEW_INITIAL_APPROVE"] .actor').getAttribute('data-role'),
    ).toBe('INITIAL_REVIEWER');
    // Final review is not this role's stage: no form.
    expect(await page.locator('#review-form').count()).toBe(0);
  });

  it('rejects through the UI', async () => {
    await page.goto(`${apiUrl}/loans/${toReject.loanId}`);
    await submitReview(page, 'REJECT', '收入证明与银行流水不符');
    await page.waitForSelector('#review-notice');
    const loan = await client.waitForLoanStatus(toReject.session.token, toReject.loanId, 'REJECTED', 20_000);
    expect((loan.reviews as Array<{ decision: string }>).map((r) => r.decision)).toEqual(['REJECT']);
    expect(await page.locator('.timeline li[data-kind="REVIEW_INITIAL_REJECT"]').count()).toBe(1);
  });

  it('asks for more documents through the UI', async () => {
    await page.goto(`${apiUrl}/loans/${toAskDocuments.loanId}`);
    await submitReview(page, 'REQUEST_DOCUMENTS', '请补充近三个月收入证明', () =>
      page.check('#review-form input[name="documents"][value="INCOME_PROOF"]'),
    );
    await page.waitForSelector('#review-notice');
    const loan = await client.waitForLoanStatus(
      toAskDocuments.session.token,
      toAskDocuments.loanId,
      'AWAITING_DOCUMENTS',
      20_000,
    );
    expect(loan.missingDocuments).toEqual(['INCOME_PROOF']);
    expect(errors).toEqual([]);
  });

  it('is refused the dashboard, which its role may not read', async () => {
    await page.goto(`${apiUrl}/dashboard`);
    await page.waitForSelector('#main .alert-error');
    expect(await page.textContent('#main .alert-error')).toBe('当前角色无权访问此页面');
  });
});

describe('final reviewer', () => {
  it('sees a refusal of the workflow inline in either language, then approves with changed terms', async () => {
    const { page, errors } = await freshPage();
    await signIn(page, apiUrl, 'final_reviewer');
    expect(await navLabels(page)).toEqual(['待办任务', '贷款查询', '看板', '借款人查找']);
    const row = page.locator(`tr[data-loan-id="${toApprove.loanId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-task-kind')).toBe('FINAL_REVIEW');
    await row.locator('a').click();
    await page.waitForSelector('#review-form');

    // The same request straight to the API: refused by the validator, so it leaves no trace.
    const refused = await client
      .call('POST', `/v1/loans/${toApprove.loanId}/reviews`, {
        token: await pageToken(page),
        body: { stage: 'FINAL', decision: 'APPROVE', comment: '上调利率', annualRate: '0.3000' },
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiCallError);
    const { status, body } = refused as ApiCallError;
    expect(status).toBe(422);

    // Outside the product's range: the page says so under the field and sends nothing.
    await submitReview(page, 'APPROVE_WITH_CHANGES', '上调利率', () =>
      page.fill('#review-form input[name="ratePercent"]', '30'),
    );
    expect(body!.error!.code).toBe('INVALID');
    expect(body!.error!.message.zh).toBe('不能高于 18.00%');
    const range = page.locator('#review-form .range-problems li[data-field="ratePercent"]');
    await range.waitFor();
    expect(await range.textContent()).toBe('批准年利率须在 7.20% 至 18.00% 之间，最多两位小数');
    expect(await page.locator('#review-form .review-result .alert-error').count()).toBe(0);

    // Within the product but above the final reviewer's own authority: the workflow refuses, shown inline.
    await page.fill('#review-form input[name="ratePercent"]', '');
    await submitReview(page, 'APPROVE_WITH_CHANGES', '上调额度', () =>
      page.fill('#review-form input[name="amount"]', '150000'),
    );
    const inline = page.locator('#review-form .review-result .alert-error');
    await inline.waitFor();
    expect(await inline.getAttribute('data-code')).toBe('FORBIDDEN');
    expect(await inline.textContent()).toBe(
      '审批未被接受： 金额 150000.00 元超过您的审批权限 100000.00 元，须由风控经理终审',
    );
    await page.click('#lang-switch');
    expect(await inline.textContent()).toBe(
      'The decision was refused: 150000.00 is above your approval limit of 100000.00; final approval needs a Risk manager',
    );
    await page.click('#lang-switch');
    expect((await client.loan(toApprove.session.token, toApprove.loanId)).status).toBe('FINAL_REVIEW');
    await screenshot(page, 'loan-detail-refusal');

    await page.fill('#review-form input[name="ratePercent"]', '');
    await submitReview(page, 'APPROVE_WITH_CHANGES', '额度下调至五万元，期限延长至24期', async () => {
      await page.fill('#review-form input[name="amount"]', '50000');
      await page.fill('#review-form input[name="termCount"]', '24');
    });
    await page.waitForSelector('#review-notice');
    const loan = await client.waitForLoanStatus(
      toApprove.session.token,
      toApprove.loanId,
      'AWAITING_SIGNATURE',
      30_000,
    );
    const offer = loan.offer as { amount: string; installments: unknown[] };
    expect(offer.amount).toBe('50000.00');
    expect(offer.installments).toHaveLength(24);

    // The borrower's own view has no assessment (api/borrower-loan-view.ts); the reviewer's has.
    const staffView = await client.call<ApproverLoanView>('GET', `/v1/loans/${toApprove.loanId}`, {
      token: await pageToken(page),
    });
    await page.reload();
    await page.waitForSelector('[data-section="loan.section.schedule"] tbody tr');
    expect(await page.locator('[data-section="loan.section.schedule"] tbody tr').count()).toBe(24);
    const terms = await page
      .locator('[data-section="loan.section.terms"] tbody tr')
      .first()
      .locator('td')
      .allTextContents();
    expect(terms).toEqual([
      '金额',
      '¥60,000.00',
      money((staffView.assessment as { recommendedLimit: string }).recommendedLimit),
      '¥50,000.00',
    ]);
    expect(await page.getAttribute('#loan-status .badge', 'data-status')).toBe('AWAITING_SIGNATURE');
    await screenshot(page, 'loan-detail');
    expect(errors).toEqual([]);
  });
});

describe('session', () => {
  it('sends a page opened without a session through the login and back, ends a revoked session, and logs out', async () => {
    const { page, errors } = await freshPage();
    await page.goto(`${apiUrl}/loans?status=REJECTED`);
    await page.waitForURL((url) => url.pathname === '/');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/loans?status=REJECTED');
    await page.fill('input[name="username"]', 'auditor');
    await page.fill('input[name="password"]', 'Demo@2026');
    await Promise.all([page.waitForURL((url) => url.pathname === '/loans'), page.click('#login-submit')]);
    await page.waitForSelector('#content table, #content .empty');
    expect(await page.inputValue('select[name="status"]')).toBe('REJECTED');
    const statuses = await page
      .locator('#content tbody tr [data-status]')
      .evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.status));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['REJECTED']));

    // Revoked elsewhere (say, "sign out everywhere"): the next call answers 401 and the page asks to sign in again.
    await client.call('POST', '/v1/auth/logout', { token: await pageToken(page) });
    await page.reload();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('reason') === 'expired');
    await page.waitForSelector('#login-notice:not([hidden])');
    expect(await page.textContent('#login-notice')).toBe('登录已失效，请重新登录');

    await signIn(page, apiUrl, 'auditor');
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('#logout')]);
    expect(await page.evaluate(() => sessionStorage.getItem('microloan.session'))).toBeNull();
    expect(errors).toEqual([]);
  });
});

describe('navigation by role', () => {
  const expected: Array<[string, string, string[]]> = [
    // 借款人查找 (staff search) for every role holding borrower:search; 我的催收 (the collections queue)
    // for collectors, 催收管理 (the collections desk) for the risk managers who supervise them.
    ['collector', '/inbox', ['待办任务', '贷款查询', '借款人查找', '我的催收']],
    ['risk_manager', '/inbox', ['待办任务', '贷款查询', '看板', '借款人查找', '催收管理']],
    ['auditor', '/loans', ['贷款查询', '看板', '借款人查找']],
  ];
  for (const [username, home, labels] of expected) {
    it(`${username} lands on ${home} with ${labels.join('、')}`, async () => {
      const { page, errors } = await freshPage();
      await signIn(page, apiUrl, username);
      expect(new URL(page.url()).pathname).toBe(home);
      expect(await navLabels(page)).toEqual(labels);
      if (home === '/inbox') {
        // Collection cases for the collector; final reviews among others for the risk manager.
        const api = await client.call<{ tasks: unknown[] }>('GET', '/v1/tasks?status=OPEN&limit=500', {
          token: await pageToken(page),
        });
        await page.waitForSelector('#content table, #content .empty');
        expect(await page.locator('#content tbody tr').count()).toBe(api.tasks.length);
      } else {
        const api = await client.call<{ loans: Array<{ loanId: string }>; total: number }>(
          'GET',
          '/v1/loans?limit=20&offset=0',
          { token: await pageToken(page) },
        );
        await page.waitForSelector('#content table');
        expect(
          await page
            .locator('#content tbody tr')
            .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.loanId)),
        ).toEqual(api.loans.map((l) => l.loanId));
        expect(await page.textContent('#loan-total')).toBe(`共 ${api.total} 条`);
      }
      expect(errors).toEqual([]);
    });
  }
});

describe('on a tablet', () => {
  it('the inbox and the loan detail fit the width without sideways scrolling', async () => {
    const { page } = await freshPage(TABLET);
    await signIn(page, apiUrl, 'final_reviewer');
    await page.waitForSelector('#content table, #content .empty');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'inbox-tablet');
    await page.goto(`${apiUrl}/loans/${toApprove.loanId}`);
    await page.waitForSelector('[data-section="loan.section.timeline"]');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'loan-detail-tablet');
  });
});
