// The whole API: edges (security headers, CORS, size limits), then every resource's routes.
import { secureHeaders } from 'hono/secure-headers';
import { noStoreForData } from './middleware/no-store.js';
import type { Security } from '../security/authenticator.js';
import { createApp, newRouter, type App, type RouteModule } from './app.js';
import type { ApiDeps } from './env.js';
import { bodyLimit } from './middleware/body-limit.js';
import { cors } from './middleware/cors.js';
import { apiKeyChannel, apiKeyRoutes } from './routes/api-keys.js';
import { applicationRoutes } from './routes/applications.js';
import { attentionRoutes } from './routes/attention.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { staffUserRoutes } from './routes/staff-users.js';
import { smsCodeRoutes } from './routes/sms-codes.js';
import { codecRoutes } from './routes/codec.js';
import { complianceRoutes } from './routes/compliance.js';
import { amlRoutes } from './routes/aml.js';
import { documentRoutes, MAX_DOCUMENT_BYTES } from './routes/documents.js';
import { loanRoutes } from './routes/loans.js';
import { payoutAccountRoutes } from './routes/payout-account.js';
import { productRoutes } from './routes/products.js';
import { quoteRoutes } from './routes/quotes.js';
import { reportRoutes } from './routes/reports.js';
import { regulatoryReportRoutes } from './routes/regulatory-reports.js';
import { reviewRoutes } from './routes/reviews.js';
import { restructuringRoutes } from './routes/restructuring.js';
import { scheduleConfirmationRoutes } from './routes/schedule-confirmation.js';
import { financeRoutes } from './routes/finance.js';
import { financePostingRoutes } from './routes/finance-postings.js';
import { financeLedgerRoutes } from './routes/finance-ledger.js';
import { financeLedgerRequestRoutes } from './routes/finance-ledger-requests.js';
import { reconciliationRoutes } from './routes/reconciliation.js';
import { financeRefundRoutes } from './routes/finance-refunds.js';
import { financeReversalRoutes } from './routes/finance-reversals.js';
import { partnerCallbackRoutes } from './routes/partner-callbacks.js';
import { servicingRoutes } from './routes/servicing.js';
import { payoffRoutes } from './routes/payoff.js';
import { taskRoutes } from './routes/tasks.js';
import { webhookRoutes } from './routes/webhooks.js';
import { borrowerRoutes, searchRoutes } from './routes/staff-search.js';
import { unmaskRoutes } from './routes/unmask.js';
import { creditReportingRoutes } from './routes/credit-reporting.js';
import { messageTemplateRoutes } from './routes/message-templates.js';
import { borrowerDocumentRoutes } from './routes/borrower-documents.js';
import { classificationOverrideRoutes } from './routes/classification-overrides.js';
import { mountPages } from '../ui/routes.js';
import { collectionRoutes } from './routes/collections.js';
import { documentWebhooks } from './webhook-docs.js';

const JSON_BODY_LIMIT = 1024 * 1024;

const uiRoutes: RouteModule = (deps) => {
  const router = newRouter();
  mountPages(router, { timeZone: deps.config.BUSINESS_TIME_ZONE, appMode: deps.config.APP_MODE });
  return router;
};

export function apiRoutes(security: Security): Array<[string, RouteModule]> {
  return [
    ['/v1/auth', authRoutes(security)],
    ['/v1/auth', staffUserRoutes(security)],
    ['/v1/auth', smsCodeRoutes],
    ['/v1/api-keys', apiKeyRoutes(security)],
    ['/v1/webhooks', webhookRoutes],
    ['/v1/audit', auditRoutes],
    ['/codec', codecRoutes(security)],
    ['/v1/quotes', quoteRoutes],
    ['/v1/products', productRoutes],
    ['/v1/applications', applicationRoutes],
    ['/v1/loans', loanRoutes],
    ['/v1/loans', documentRoutes],
    ['/v1/loans', reviewRoutes],
    ['/v1/loans', servicingRoutes],
    ['/v1/loans', payoffRoutes],
    ['/v1/loans', scheduleConfirmationRoutes],
    ['/v1/loans', attentionRoutes],
    ['/v1/loans', payoutAccountRoutes],
    ['/v1/loans', unmaskRoutes],
    ['/v1/loans', restructuringRoutes],
    ['/v1/loans', borrowerDocumentRoutes],
    ['/v1/search', searchRoutes],
    ['/v1/borrowers', borrowerRoutes],
    ['/v1/partners', partnerCallbackRoutes],
    ['/v1/finance', financeRoutes],
    ['/v1/finance', financePostingRoutes],
    ['/v1/finance', financeLedgerRoutes],
    ['/v1/finance', financeLedgerRequestRoutes],
    ['/v1/finance', reconciliationRoutes],
    ['/v1/finance', financeRefundRoutes],
    ['/v1/finance', financeReversalRoutes],
    ['/v1/compliance', complianceRoutes],
    ['/v1/aml', amlRoutes],
    ['/v1/tasks', taskRoutes],
    ['/v1/reports', reportRoutes],
    ['/v1/credit-reporting', creditReportingRoutes],
    ['/v1/reports/regulatory', regulatoryReportRoutes],
    ['/v1/collections', collectionRoutes],
    ['/v1/message-templates', messageTemplateRoutes],
    ['/v1', classificationOverrideRoutes],
    // The task UI's pages and assets; after the API so no page can shadow an API path.
    ['/', uiRoutes],
  ];
}

const PERMISSIONS_POLICY = {
  camera: false,
  microphone: false,
  geolocation: false,
  payment: false,
  usb: false,
  serial: false,
  bluetooth: false,
  accelerometer: false,
  gyroscope: false,
  magnetometer: false,
  displayCapture: false,
  fullscreen: ['self'],
};

export function buildApi(deps: ApiDeps, security: Security): App {
  const origins = deps.config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return createApp(deps, apiRoutes(security), (app) => {
    documentWebhooks(app);
    app.use(
      '*',
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          frameAncestors: ["'self'"],
          objectSrc: ["'none'"],
        },
        strictTransportSecurity: deps.config.TLS_CERT_FILE ? 'max-age=31536000; includeSubDomains' : false,
        // No page of the system uses the camera, microphone, location, payment or sensors; nothing embedded may either.
        permissionsPolicy: PERMISSIONS_POLICY,
      }),
    );
    app.use('*', noStoreForData());
    app.use(
      '/v1/*',
      cors({ origins, allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key'] }),
    );
    app.use('/v1/*', apiKeyChannel(deps.auth));
    app.use(
      '*',
      bodyLimit((c) =>
        c.req.method === 'POST' && /\/documents$/.test(c.req.path) ? MAX_DOCUMENT_BYTES + 64 * 1024 : JSON_BODY_LIMIT,
      ),
    );
  });
}
