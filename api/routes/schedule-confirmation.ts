// The 还款计划确认书 of a disbursed loan (mounted at /v1/loans): the schedule counted from the actual
// payout date, as the loan is collected on. Readable by the loan's borrower and by staff who may
// read its contract.
import { SCHEDULE_CONFIRMATION_CONTEXT } from '../../security/encryption-contexts.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam } from '../schemas.js';

const scheduleConfirmation = secureRoute({
  method: 'get',
  path: '/{loanId}/schedule-confirmation',
  access: 'contract:read',
  summary: 'Repayment schedule confirmation / 还款计划确认书',
  description:
    'HTML issued at payout, whose sha256 is in the X-Document-Sha256 header and equals scheduleConfirmation.sha256 of the loan. 404 until the loan is paid out.',
  request: { params: LoanIdParam },
  responses: { 200: { description: 'text/html confirmation' }, ...errorResponses },
});

export const scheduleConfirmationRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(scheduleConfirmation, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const [row] = await deps.sql<{ sha256: string; html_enc: string }[]>`
      select sha256, html_enc from schedule_confirmations where loan_id = ${loanId}`;
    if (!row) throw ApiError.notFound({ zh: '还款计划确认书', en: 'Repayment schedule confirmation' });
    const html = deps.cipher.decrypt(row.html_enc, SCHEDULE_CONFIRMATION_CONTEXT);
    await auditRequest(c, deps.sql, {
      action: 'PII_READ_SCHEDULE_CONFIRMATION',
      result: 'SUCCESS',
      resourceType: 'schedule_confirmation',
      resourceId: loanId,
      loanId,
    });
    return new Response(html, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'x-document-sha256': row.sha256,
        'cache-control': 'private, no-store',
      },
    });
  });
  return app;
};
