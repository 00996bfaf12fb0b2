// The borrower app (H5) at /m/: page shells only. Everything a page shows comes from the public
// API (/v1/...), fetched by its script with the borrower's own bearer token, so the app sees exactly
// what the API lets the borrower see.
import type { Context, Env, Hono } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import { MobileApplyPage } from './apply.js';
import { MobileHomePage } from './home.js';
import { MobileLoanPage } from './loan.js';
import { MobileLoginPage } from './login.js';
import { MobileNotFoundPage } from './not-found.js';

const LOAN_ID = /^loan-\d{8}-[0-9a-f]{10}$/;
const PRODUCT_CODE = /^[A-Z][A-Z0-9_-]{1,31}$/;

function page(c: Context, body: Child, status: 200 | 404 = 200) {
  c.header('cache-control', 'no-cache');
  return c.html(html`<!doctype html>${body}`, status);
}

export function mountMobilePages<E extends Env>(app: Hono<E>): void {
  app.get('/m', (c) => c.redirect('/m/'));
  app.get('/m/', (c) => page(c, MobileLoginPage()));
  app.get('/m/loans', (c) => page(c, MobileHomePage()));
  app.get('/m/apply/:productCode', (c) => {
    const code = c.req.param('productCode');
    return PRODUCT_CODE.test(code)
      ? page(c, MobileApplyPage({ productCode: code }))
      : page(c, MobileNotFoundPage(), 404);
  });
  app.get('/m/loans/:loanId', (c) => {
    const loanId = c.req.param('loanId');
    return LOAN_ID.test(loanId) ? page(c, MobileLoanPage({ loanId })) : page(c, MobileNotFoundPage(), 404);
  });
  app.get('/m/*', (c) => page(c, MobileNotFoundPage(), 404));
}
