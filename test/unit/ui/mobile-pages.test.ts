import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES, LOAN_TYPES } from '../../../domain/types.js';
import { mountPages } from '../../../ui/routes.js';

const app = new Hono();
mountPages(app, { timeZone: 'Asia/Shanghai', appMode: 'local' });
const LOAN_ID = 'loan-20261207-0123456789';

async function page(path: string) {
  const response = await app.request(path);
  return { status: response.status, html: await response.text() };
}

function scripts(html: string): string[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => {
    expect(m[2], 'no inline script').toBe('');
    return /src="([^"]+)"/.exec(m[1]!)![1]!;
  });
}

describe('the borrower app’s pages', () => {
  it('serves each page as a shell with one module script of its own and no inline script', async () => {
    for (const [path, script] of [
      ['/m/', '/ui/assets/m-login.js'],
      ['/m/loans', '/ui/assets/m-home.js'],
      ['/m/apply/CONSUMER_STD', '/ui/assets/m-apply.js'],
      [`/m/loans/${LOAN_ID}`, '/ui/assets/m-loan.js'],
    ] as const) {
      const { status, html } = await page(path);
      expect(status, path).toBe(200);
      expect(scripts(html)).toEqual([script]);
      expect(html).toContain('name="viewport"');
      expect((await app.request(script)).status, script).toBe(200);
    }
  });

  it('answers 404 for addresses that are not a loan id or a product code', async () => {
    expect((await page('/m/loans/13900000000')).status).toBe(404);
    expect((await page('/m/loans/loan-2026-<script>')).status).toBe(404);
    expect((await page('/m/apply/consumer')).status).toBe(404);
    expect((await page('/m/nowhere')).status).toBe(404);
  });

  it('puts only the loan id of the address in the page, nothing else', async () => {
    const { html } = await page(`/m/loans/${LOAN_ID}`);
    expect(html).toContain(`data-loan="${LOAN_ID}"`);
    expect(html).not.toMatch(/Bearer|token/i);
  });

  it('has a file input for the camera or a file in the loan page’s script', async () => {
    const documents = await (await app.request('/ui/assets/m-documents.js')).text();
    expect(documents).toContain("accept: 'image/*,application/pdf'");
    expect(documents).toContain("capture: 'environment'");
  });

  it('names every loan type and document type in m-site.js', async () => {
    const response = await app.request('/ui/assets/m-site.js');
    expect(response.headers.get('content-type')).toContain('text/javascript');
    const site = (await import(
      `data:text/javascript;base64,${Buffer.from(await response.text()).toString('base64')}`
    )) as Record<string, Record<string, string | null>>;
    for (const type of LOAN_TYPES) {
      expect(site.LOAN_TYPE_NAMES![type], type).toMatch(/[\u4e00-\u9fff]/);
      expect(type in site.REQUIRED_SECTION!, type).toBe(true);
    }
    for (const type of DOCUMENT_TYPES) expect(site.DOCUMENT_NAMES![type], type).toMatch(/[\u4e00-\u9fff]/);
  });

  it('imports only assets that exist', async () => {
    for (const file of ['m-api.js', 'm-words.js', 'm-loan.js', 'm-repay.js', 'm-contract.js', 'm-schedule.js']) {
      const source = await (await app.request(`/ui/assets/${file}`)).text();
      for (const [, imported] of source.matchAll(/from '\/ui\/assets\/([^']+)'/g))
        expect(
          imported === 'm-site.js' || existsSync(new URL(`../../../ui/assets/${imported}`, import.meta.url)),
          imported,
        ).toBe(true);
    }
  });
});
