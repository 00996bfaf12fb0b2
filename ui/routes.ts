// The approver task UI, the operations dashboard and finance's desk, on the API's own origin. Pages are public
// HTML shells rendered with hono/jsx; the client scripts under /ui/assets fetch the JSON API
// with the bearer token they keep in sessionStorage, so no page carries data by itself. The API
// mounts them on a router of its own (api/build-api.ts); the UI knows nothing of the API's code.
import type { Context, Env, Hono } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import { AmlPage } from './pages/aml.js';
import { BorrowerPage } from './pages/borrower.js';
import { CollectionDeskPage, CollectionsPage } from './pages/collections.js';
import { DashboardPage } from './pages/dashboard.js';
import { FinancePage } from './pages/finance.js';
import { InboxPage } from './pages/inbox.js';
import { LoanPage } from './pages/loan.js';
import { LoansPage } from './pages/loans.js';
import { LoginPage } from './pages/login.js';
import { NotFoundPage } from './pages/not-found.js';
import { SearchPage } from './pages/search.js';
import { TemplatesPage } from './pages/templates.js';
import { mountMobilePages } from './mobile/routes.js';
import { loadAssets } from './static.js';

const LOAN_ID = /^loan-\d{8}-[0-9a-f]{10}$/;
const BORROWER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function page(c: Context, body: Child, status: 200 | 404 = 200) {
  c.header('cache-control', 'no-cache');
  return c.html(html`<!doctype html>${body}`, status);
}

/** Registers the pages and their assets on `app`; `settings` are baked into the client scripts. */
export function mountPages<E extends Env>(app: Hono<E>, settings: { timeZone: string; appMode: string }): void {
  const assets = loadAssets(settings);

  app.get('/ui/assets/:file', (c) => {
    const asset = assets.get(c.req.param('file'));
    if (!asset) return page(c, NotFoundPage(), 404);
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, { etag: asset.etag });
    return c.body(asset.body, 200, {
      'content-type': asset.contentType,
      etag: asset.etag,
      'cache-control': 'no-cache',
    });
  });

  app.get('/', (c) => page(c, LoginPage({ showDemoAccounts: settings.appMode === 'local' })));
  app.get('/inbox', (c) => page(c, InboxPage()));
  app.get('/loans', (c) => page(c, LoansPage()));
  app.get('/loans/:loanId', (c) => {
    const loanId = c.req.param('loanId');
    return LOAN_ID.test(loanId) ? page(c, LoanPage({ loanId })) : page(c, NotFoundPage(), 404);
  });
  app.get('/dashboard', (c) => page(c, DashboardPage()));
  app.get('/finance', (c) => page(c, FinancePage()));
  app.get('/search', (c) => page(c, SearchPage()));
  app.get('/collections', (c) => page(c, CollectionsPage()));
  app.get('/collections/desk', (c) => page(c, CollectionDeskPage()));
  app.get('/aml', (c) => page(c, AmlPage()));
  app.get('/templates', (c) => page(c, TemplatesPage()));
  mountMobilePages(app);
  app.get('/borrowers/:borrowerId', (c) => {
    const borrowerId = c.req.param('borrowerId');
    return BORROWER_ID.test(borrowerId) ? page(c, BorrowerPage({ borrowerId })) : page(c, NotFoundPage(), 404);
  });
}
