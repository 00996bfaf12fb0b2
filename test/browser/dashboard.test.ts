// The operations dashboard in headless Chromium: every figure on the page equals the reports
// API, the API's figures agree with the loans themselves, the funnel shows the automatic and
// manual paths apart, each rate carries its definition, charts are drawn or say 暂无数据 when
// empty, and every table downloads as CSV with a BOM.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csvCell } from '../../lib/csv.js';
import { connectDb } from '../../lib/db-client.js';
import { ApiClient } from '../../drivers/api-client.js';
import { RATE_DEFINITIONS } from '../../domain/reports.js';
import { shareOf } from '../../domain/ratio.js';
import { formatDuration } from '../../ui/assets/duration.js';
import {
  collectPageErrors,
  LAPTOP,
  launchChromium,
  newContext,
  overflowsHorizontally,
  pageToken,
  screenshot,
  signIn,
  TABLET,
} from './browser.js';

const { apiUrl, databaseUrl, simulatorUrl } = inject('stack');
const client = new ApiClient(apiUrl, { simulatorUrl });
const TABLES = [
  'applications-per-day',
  'funnel',
  'rates',
  'time-to-decision',
  'by-channel',
  'by-product',
  'portfolio',
  'par',
  'classification',
  'collections',
];
const money = (value: string) =>
  new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(value));
const percent = (ratio: string | null) => (ratio === null ? '—' : `${(Number(ratio) * 100).toFixed(2)}%`);

interface Figures {
  period: { from: string; to: string; timeZone: string };
  applications: number;
  applicationsPerDay: Array<{ date: string; applications: number }>;
  funnel: {
    applied: number;
    documentsComplete: number;
    paths: Array<{ path: string; stages: Array<{ stage: string; loans: number }> }>;
    approved: number;
    rejected: number;
    decided: number;
    autoRejected: number;
    manualRejected: number;
  };
  rates: Array<{ rate: keyof typeof RATE_DEFINITIONS; value: string | null; numerator: number; denominator: number }>;
  timeToDecision: Array<{ path: string; decisions: number; medianSeconds: number | null; p95Seconds: number | null }>;
  byChannel: Array<{ applicationChannel: string; partnerChannel: string | null; applied: number }>;
  byProduct: Array<{ loanType: string; applied: number; approvalRate: string | null }>;
  portfolio: {
    disbursedAmount: string;
    disbursedLoans: number;
    outstandingPrincipal: string;
    activeLoans: number;
    overdueLoans: number;
  };
  par: Array<{ bucket: string; loans: number; outstandingPrincipal: string; ratio: string | null }>;
  classification: Array<{ classification: string; loans: number; outstandingPrincipal: string }>;
  collections: Array<{ kind: string; openTasks: number }>;
}

interface ListedLoan {
  loanId: string;
  loanType: string;
  status: string;
  amount: string;
  createdAt: string;
  classification: string;
  outstandingPrincipal: string;
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let disbursedLoanId: string;

/** A loan taken all the way: both reviews, the borrower's signature, the payout. */
async function disbursedLoan(): Promise<string> {
  const { loanId, session } = await client.loanInInitialReview({ name: '赵磊', amount: '30000.00' });
  const [initial, final] = await Promise.all([client.login('initial_reviewer'), client.login('final_reviewer')]);
  await client.waitForTask(initial.token, loanId, 'INITIAL_REVIEW');
  await client.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: initial.token,
    body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全' },
  });
  await client.waitForTask(final.token, loanId, 'FINAL_REVIEW');
  await client.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: final.token,
    body: { stage: 'FINAL', decision: 'APPROVE', comment: '同意放款' },
  });
  await client.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 30_000);
  await client.signContract(session.token, loanId);
  await client.waitForLoanStatus(session.token, loanId, 'ACTIVE', 60_000);
  return loanId;
}

async function rejectedLoan(): Promise<string> {
  const { loanId, session } = await client.loanInInitialReview({ name: '孙丽', amount: '25000.00' });
  const initial = await client.login('initial_reviewer');
  await client.waitForTask(initial.token, loanId, 'INITIAL_REVIEW');
  await client.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: initial.token,
    body: { stage: 'INITIAL', decision: 'REJECT', comment: '负债过高' },
  });
  await client.waitForLoanStatus(session.token, loanId, 'REJECTED', 20_000);
  return loanId;
}

async function apiFigures(): Promise<Figures> {
  const url = new URL(page.url());
  return client.call<Figures>('GET', `/v1/reports/dashboard?${url.searchParams}`, { token: await pageToken(page) });
}

const kpi = async (name: string) => ({
  value: await page.getAttribute(`[data-kpi="${name}"]`, 'data-value'),
  text: await page.textContent(`[data-kpi="${name}"] .kpi-value`),
});

beforeAll(async () => {
  [browser, disbursedLoanId] = await Promise.all([launchChromium(), disbursedLoan(), rejectedLoan()]);
  context = await newContext(browser);
  page = await context.newPage();
  errors = collectPageErrors(page);
  await signIn(page, apiUrl, 'risk_manager');
  await page.click('#nav a[href="/dashboard"]');
  await page.waitForSelector('[data-kpi="applications"]');
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('operations dashboard', () => {
  it('is linked from the navigation as 看板 and shows every figure exactly as the reports API gives it', async () => {
    expect(await page.textContent('#nav a[href="/dashboard"]')).toBe('看板');
    const f = await apiFigures();

    expect(await kpi('applications')).toEqual({ value: String(f.applications), text: String(f.applications) });
    for (const [name, rate] of [
      ['approvalRate', 'APPROVAL_RATE'],
      ['autoApprovalShare', 'AUTO_APPROVAL_SHARE'],
    ] as const) {
      const value = f.rates.find((r) => r.rate === rate)!.value;
      expect(await kpi(name)).toEqual({ value: value ?? '', text: percent(value) });
      expect(await page.getAttribute(`[data-kpi="${name}"]`, 'title')).toBe(RATE_DEFINITIONS[rate].definition.zh);
    }
    const all = f.timeToDecision.find((d) => d.path === 'ALL')!;
    expect(await kpi('ttdP50')).toEqual({
      value: String(all.medianSeconds),
      text: formatDuration(all.medianSeconds, 'zh'),
    });
    expect(await kpi('ttdP95')).toEqual({ value: String(all.p95Seconds), text: formatDuration(all.p95Seconds, 'zh') });
    expect(all.medianSeconds).toBeGreaterThan(0);
    expect((await kpi('ttdP50')).text).not.toMatch(/^0 /);
    expect(await kpi('disbursed')).toEqual({
      value: f.portfolio.disbursedAmount,
      text: money(f.portfolio.disbursedAmount),
    });
    expect(await kpi('outstanding')).toEqual({
      value: f.portfolio.outstandingPrincipal,
      text: money(f.portfolio.outstandingPrincipal),
    });
    for (const p of f.par)
      expect(await kpi(p.bucket.toLowerCase())).toEqual({ value: p.ratio ?? '', text: percent(p.ratio) });

    const today = f.applicationsPerDay.at(-1)!;
    expect(
      await page.getAttribute(`[data-table="applications-per-day"] tr[data-date="${today.date}"]`, 'data-value'),
    ).toBe(String(today.applications));
    const funnelRow = (path: string, stage: string) =>
      page.getAttribute(`[data-table="funnel"] tr[data-path="${path}"][data-stage="${stage}"]`, 'data-value');
    expect(await funnelRow('', 'APPLIED')).toBe(String(f.funnel.applied));
    expect(await funnelRow('', 'DOCUMENTS_COMPLETE')).toBe(String(f.funnel.documentsComplete));
    for (const p of f.funnel.paths)
      for (const s of p.stages) expect(await funnelRow(p.path, s.stage)).toBe(String(s.loans));
    expect(await funnelRow('AUTO', 'REJECTED')).toBe(String(f.funnel.autoRejected));
    expect(await funnelRow('MANUAL', 'REJECTED')).toBe(String(f.funnel.manualRejected));
    for (const r of f.rates) {
      const row = page.locator(`[data-table="rates"] tr[data-rate="${r.rate}"]`);
      expect(await row.getAttribute('data-value')).toBe(r.value ?? '');
      expect(await row.textContent()).toContain(RATE_DEFINITIONS[r.rate].definition.zh);
    }
    for (const c of f.classification) {
      const row = page.locator(`tr[data-classification="${c.classification}"]`);
      expect([await row.getAttribute('data-loans'), await row.getAttribute('data-value')]).toEqual([
        String(c.loans),
        c.outstandingPrincipal,
      ]);
    }
    for (const c of f.collections)
      expect(await page.getAttribute(`[data-table="collections"] tr[data-kind="${c.kind}"]`, 'data-value')).toBe(
        String(c.openTasks),
      );
    for (const name of ['disbursedAmount', 'outstandingPrincipal', 'activeLoans'] as const) {
      expect(await page.getAttribute(`tr[data-measure="${name}"]`, 'data-value')).toBe(String(f.portfolio[name]));
    }
    expect(errors).toEqual([]);
  });

  it('has figures that agree with the loans: applications, funnel, disbursed, outstanding, PAR, classification', async () => {
    const f = await apiFigures();
    const auditor = await client.login('auditor');
    const { loans, total } = await client.call<{ loans: ListedLoan[]; total: number }>('GET', '/v1/loans?limit=200', {
      token: auditor.token,
    });
    expect(loans).toHaveLength(total);
    const day = new Intl.DateTimeFormat('en-CA', {
      timeZone: f.period.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const inPeriod = loans.filter((l) => {
      const d = day.format(new Date(l.createdAt));
      return d >= f.period.from && d <= f.period.to;
    });
    const cents = (values: string[]) => values.reduce((sum, v) => sum + Math.round(Number(v) * 100), 0);
    const book = loans.filter((l) => l.status === 'ACTIVE' || l.status === 'OVERDUE');
    const paidOut = loans.filter((l) => ['ACTIVE', 'OVERDUE', 'PAID_OFF', 'WRITTEN_OFF'].includes(l.status));

    expect(f.applications).toBe(inPeriod.length);
    expect(f.funnel.applied).toBe(inPeriod.length);
    expect(f.funnel.rejected).toBe(inPeriod.filter((l) => l.status === 'REJECTED').length);
    expect(f.funnel.approved).toBe(
      inPeriod.filter((l) =>
        ['AWAITING_SIGNATURE', 'DISBURSING', 'ACTIVE', 'OVERDUE', 'PAID_OFF', 'WRITTEN_OFF'].includes(l.status),
      ).length,
    );
    const approvalRate = f.rates.find((r) => r.rate === 'APPROVAL_RATE')!;
    expect(approvalRate).toMatchObject({ numerator: f.funnel.approved, denominator: f.funnel.decided });
    expect(approvalRate.value).toBe(shareOf(f.funnel.approved, f.funnel.approved + f.funnel.rejected));
    expect(f.timeToDecision.find((d) => d.path === 'ALL')!.decisions).toBe(f.funnel.decided);
    // The auto-approval share is of approvals, not of applications: a different name for a different division.
    expect(f.rates.find((r) => r.rate === 'AUTO_APPROVAL_SHARE')!.denominator).toBe(f.funnel.approved);
    expect(f.byProduct.find((b) => b.loanType === 'PERSONAL_CONSUMER')!.applied).toBe(
      inPeriod.filter((l) => l.loanType === 'PERSONAL_CONSUMER').length,
    );

    // No test changes the terms of a loan it pays out, so the principal paid out is the amount applied for.
    expect(paidOut.map((l) => l.loanId)).toContain(disbursedLoanId);
    expect(Math.round(Number(f.portfolio.disbursedAmount) * 100)).toBe(cents(paidOut.map((l) => l.amount)));
    expect(f.portfolio.disbursedLoans).toBe(paidOut.length);
    expect(Math.round(Number(f.portfolio.outstandingPrincipal) * 100)).toBe(
      cents(book.map((l) => l.outstandingPrincipal)),
    );
    expect(Number(f.portfolio.outstandingPrincipal)).toBeGreaterThan(0);
    expect(f.portfolio.activeLoans).toBe(book.length);
    for (const c of f.classification)
      expect(c.loans).toBe(book.filter((l) => l.classification === c.classification).length);
    // Freshly paid out and nothing due yet: nothing at risk.
    expect(f.par.map((p) => p.ratio)).toEqual(['0.0000', '0.0000', '0.0000']);
  });

  it('draws its charts with Chart.js served by the API, and says 暂无数据 where a chart has nothing to show', async () => {
    const f = await client.call<{ collections: Array<{ openTasks: number }> }>(
      'GET',
      `/v1/reports/dashboard?${new URL(page.url()).searchParams}`,
      { token: await pageToken(page) },
    );
    const collectionsEmpty = f.collections.every((c) => c.openTasks === 0);
    const drawn = await page.evaluate(
      `Array.from(document.querySelectorAll('[data-table] canvas')).map((c) => [c.closest('[data-table]').dataset.table, !!window.Chart.getChart(c) && c.width > 0])`,
    );
    expect(drawn).toEqual([
      ['applications-per-day', true],
      ['funnel', true],
      ['par', true],
      ['classification', true],
      ...(collectionsEmpty ? [] : [['collections', true]]),
    ]);
    expect(await page.locator('[data-table="collections"] .chart-box [data-empty]').count()).toBe(
      collectionsEmpty ? 1 : 0,
    );
    const chartJs = await client.fetch('GET', '/ui/assets/chart.umd.js');
    expect(chartJs.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await chartJs.text()).toContain('Chart.js v4');
  });

  it('exports every table as CSV with a BOM, Chinese headers by default and English after the switch', async () => {
    const f = await apiFigures();
    // Chromium may hold back a further download that starts after the click's user activation has
    // lapsed (a slow export on a loaded machine); each download starts from a fresh navigation.
    const download = async (table: string) => {
      await page.goto(page.url());
      await page.waitForSelector(`button[data-export="${table}"]`);
      const [file] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }).catch(async (error: unknown) => {
          const shown = await page.textContent(`[data-table="${table}"] .export-error`);
          throw new Error(`no download of ${table} (${shown || 'no error shown'}): ${String(error)}`);
        }),
        page.click(`button[data-export="${table}"]`),
      ]);
      expect(file.suggestedFilename()).toBe(`${table}_${f.period.from}_${f.period.to}.csv`);
      return readFileSync(await file.path());
    };
    for (const table of TABLES) {
      const bytes = await download(table);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8').split('\r\n').length).toBeGreaterThan(2);
    }
    const classification = (await download('classification')).toString('utf8').slice(1).trim().split('\r\n');
    expect(classification).toEqual([
      '代码,五级分类,笔数,未还本金',
      ...f.classification.map((c) =>
        [
          c.classification,
          { NORMAL: '正常', SPECIAL_MENTION: '关注', SUBSTANDARD: '次级', DOUBTFUL: '可疑', LOSS: '损失' }[
            c.classification
          ],
          c.loans,
          c.outstandingPrincipal,
        ].join(','),
      ),
    ]);
    const perDay = (await download('applications-per-day')).toString('utf8').slice(1).trim().split('\r\n');
    expect(perDay[0]).toBe('日期,申请笔数');
    expect(perDay.slice(1)).toEqual(f.applicationsPerDay.map((d) => `${d.date},${d.applications}`));

    await page.click('#lang-switch');
    expect(await page.textContent('[data-table="funnel"] h2')).toBe('Approval funnel');
    const funnel = (await download('funnel')).toString('utf8').slice(1).trim().split('\r\n');
    expect(funnel[0]).toBe('Path,Code,Stage,Loans,Share of applications');
    expect(funnel).toContain(`,APPLIED,Applied,${f.funnel.applied},${f.funnel.applied === 0 ? '' : '1.0000'}`);
    const rates = (await download('rates')).toString('utf8').slice(1).trim().split('\r\n');
    const approval = f.rates.find((r) => r.rate === 'APPROVAL_RATE')!;
    expect(rates).toContain(
      [
        'APPROVAL_RATE',
        'Approval rate',
        approval.value,
        approval.numerator,
        approval.denominator,
        RATE_DEFINITIONS.APPROVAL_RATE.definition.en,
      ]
        .map(csvCell)
        .join(','),
    );
    await page.click('#lang-switch');
    expect(await page.textContent('[data-table="funnel"] h2')).toBe('审批漏斗');
    await screenshot(page, 'dashboard');
  });

  it('leads to a paid-out loan whose detail shows servicing and the schedule as servicing keeps it', async () => {
    const token = await pageToken(page);
    const [loan, live] = await Promise.all([
      client.call<{ servicing: { balances: { principal: string }; installmentCount: number } }>(
        'GET',
        `/v1/loans/${disbursedLoanId}`,
        { token },
      ),
      client.call<{ installments: Array<{ number: number; status: string; total: string }> }>(
        'GET',
        `/v1/loans/${disbursedLoanId}/schedule`,
        { token },
      ),
    ]);
    await page.goto(`${apiUrl}/loans/${disbursedLoanId}`);
    const servicing = page.locator('[data-section="servicing.heading"]');
    await servicing.waitFor();
    expect(await servicing.textContent()).toContain(money(loan.servicing.balances.principal));
    expect(loan.servicing.balances.principal).toBe('30000.00');
    const rows = page.locator('[data-section="loan.section.schedule"] tbody tr');
    await expect.poll(() => rows.count()).toBe(loan.servicing.installmentCount);
    expect(
      await rows.locator('[data-status]').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.status)),
    ).toEqual(live.installments.map((i) => i.status));
    expect(await rows.first().locator('td').nth(5).textContent()).toBe(money(live.installments[0]!.total));
    expect(await page.locator('.detail-side [data-section="loan.section.review"]').count()).toBe(0);
    await screenshot(page, 'loan-detail-servicing');
    await page.goBack();
    await page.waitForSelector('[data-kpi="applications"]');
  });

  it('says 暂无数据 instead of bare axes for a period without applications', async () => {
    await page.goto(`${apiUrl}/dashboard?from=2020-01-01&to=2020-01-31`);
    await page.waitForSelector('[data-kpi="applications"]');
    for (const table of ['applications-per-day', 'funnel']) {
      const box = page.locator(`[data-table="${table}"] .chart-box`);
      expect(await box.locator('canvas').count(), table).toBe(0);
      expect(await box.locator('[data-empty]').textContent(), table).toBe('暂无数据');
    }
    for (const table of ['by-channel', 'by-product'])
      expect(await page.textContent(`[data-table="${table}"] .table-wrap [data-empty]`), table).toBe('暂无数据');
    expect(await kpi('approvalRate')).toEqual({ value: '', text: '—' });
    expect(await kpi('ttdP50')).toEqual({ value: '', text: '—' });
    await screenshot(page, 'dashboard-no-data');
    await page.click('#lang-switch');
    expect(await page.textContent('[data-table="funnel"] .chart-box [data-empty]')).toBe('No data');
    await page.click('#lang-switch');
    expect(errors).toEqual([]);
    await page.goBack();
    await page.waitForSelector('[data-kpi="applications"]');
  });

  it('fits a tablet without sideways scrolling', async () => {
    await page.setViewportSize(TABLET);
    await page.reload();
    await page.waitForSelector('[data-kpi="applications"]');
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'dashboard-tablet');
    await page.setViewportSize(LAPTOP);
  });

  it('computes PAR and the five categories of a book with a loan 45 days late', async () => {
    // Reaching 45 days past due takes 45 days, so the loans projection is set as servicing would
    // leave it, for the length of this test, and put back afterwards.
    const sql = connectDb(databaseUrl, { max: 1, applicationName: 'dashboard-test' });
    const [before] = await sql<{ status: string; days_past_due: number; classification: string }[]>`
      select status, days_past_due, classification from loans where id = ${disbursedLoanId}`;
    try {
      await sql`update loans set status = 'OVERDUE', days_past_due = 45, classification = 'SPECIAL_MENTION' where id = ${disbursedLoanId}`;
      await page.reload();
      await page.waitForSelector('[data-kpi="par30"]');
      const f = await apiFigures();
      const total = Number(f.portfolio.outstandingPrincipal);
      const late = Number(f.par[0]!.outstandingPrincipal);
      expect(late).toBe(30000);
      expect(f.par.map((p) => [p.bucket, p.loans])).toEqual([
        ['PAR1', 1],
        ['PAR30', 1],
        ['PAR90', 0],
      ]);
      expect(f.par[0]!.ratio).toBe((late / total).toFixed(4));
      expect(f.par[2]!.ratio).toBe('0.0000');
      expect(f.portfolio.overdueLoans).toBe(1);
      expect(f.classification.find((c) => c.classification === 'SPECIAL_MENTION')).toEqual({
        classification: 'SPECIAL_MENTION',
        loans: 1,
        outstandingPrincipal: '30000.00',
      });
      for (const p of f.par)
        expect(await kpi(p.bucket.toLowerCase())).toEqual({ value: p.ratio ?? '', text: percent(p.ratio) });
      expect(await page.getAttribute('tr[data-classification="SPECIAL_MENTION"]', 'data-loans')).toBe('1');
      await screenshot(page, 'dashboard-overdue-book');
    } finally {
      await sql`update loans set status = ${before!.status}, days_past_due = ${before!.days_past_due}, classification = ${before!.classification} where id = ${disbursedLoanId}`;
      await sql.end();
    }
  });
});
