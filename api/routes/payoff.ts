// The payoff quote (mounted at /v1/loans): what closes the loan today, asked of the loan's workflow
// (the `payoffQuote` query) rather than read from the projection, whose payoffToday is as of the
// workflow's last wake-up. Nothing stale is ever answered as today's: without Temporal, a 503.
import { z } from '@hono/zod-openapi';
import { QueryNotRegisteredError } from '@temporalio/client';
import { instantOf, localDateOf } from '../../domain/business-time.js';
import { addDays } from '../../domain/dates.js';
import { payoffQuoteQuery } from '../../contracts/definitions.js';
import { REFUSAL } from '../../contracts/messages.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { loanHandle } from '../loan-workflows.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam } from '../schemas.js';
import { callWorkflow } from '../workflow-errors.js';

const CLOSED_STATUSES = new Set(['PAID_OFF', 'WRITTEN_OFF', 'REJECTED', 'WITHDRAWN', 'EXPIRED', 'CANCELLED']);

const PayoffAnswer = z
  .object({
    loanId: z.string(),
    asOf: z.string().openapi({ description: "Today in the lender's time zone" }),
    amount: z.string(),
    breakdown: z.object({
      principal: z.string(),
      interest: z.string().openapi({ description: 'Interest due and unpaid, and the current period to the day' }),
      fees: z.string(),
      penalty: z.string().openapi({ description: 'Penalty interest' }),
      lateFees: z.string(),
      credit: z.string().openapi({ description: 'Overpayment held for the loan, deducted from the amount' }),
    }),
    rulesVersion: z.number().int(),
    validUntil: z.string().openapi({ description: 'The end of asOf (next local midnight), ISO instant' }),
  })
  .openapi('PayoffQuote');

const payoff = secureRoute({
  method: 'get',
  path: '/{loanId}/payoff',
  access: 'repayment:read',
  summary: 'Payoff amount today / 今日结清金额',
  description:
    "Asked of the loan's workflow for today in the lender's time zone, by the loan's money rules version: paying `amount` today closes the loan. " +
    'A closed loan answers 409 LOAN_CLOSED; a loan not yet disbursed 409 WRONG_STAGE; 503 when the workflow service cannot answer or has not yet brought the loan up to today.',
  request: { params: LoanIdParam },
  responses: {
    200: { description: 'Quote for today', content: { 'application/json': { schema: PayoffAnswer } } },
    ...errorResponses,
  },
});

const CLOSED = {
  zh: '该贷款已结清或已关闭，无需再还款',
  en: 'This loan is closed; nothing is owed on it',
};

export const payoffRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(payoff, async (c) => {
    const { loanId } = c.req.valid('param');
    const loan = await loanInScope(deps.sql, currentUser(c), loanId);
    if (CLOSED_STATUSES.has(loan.status)) throw ApiError.conflict('LOAN_CLOSED', CLOSED);
    const timeZone = deps.config.BUSINESS_TIME_ZONE;
    const today = localDateOf(deps.now().getTime(), timeZone);
    const quote = await callWorkflow(async () => {
      try {
        return await loanHandle(deps.temporal, loanId).query(payoffQuoteQuery, today);
      } catch (err) {
        // Only the servicing phase answers the query: the loan has not been paid out yet.
        if (err instanceof QueryNotRegisteredError)
          throw ApiError.conflict(REFUSAL.WRONG_STAGE, {
            zh: '该贷款尚未放款，没有结清金额',
            en: 'This loan has not been paid out; it has no payoff amount',
          });
        throw err;
      }
    });
    if (quote.kind === 'CLOSED') throw ApiError.conflict('LOAN_CLOSED', CLOSED);
    if (quote.kind === 'OUT_OF_RANGE')
      // Today is past a due date the workflow has not processed yet (or before its last posting):
      // its account is not yet today's, so no amount would be exact.
      throw new ApiError(503, 'PAYOFF_NOT_READY', {
        zh: `贷款账户尚未更新至今天（${today}），暂时无法给出今日结清金额，请稍后重试`,
        en: `The loan's account is not yet brought up to today (${today}); no payoff amount can be given now, please retry`,
      });
    const { amount, ...breakdown } = quote.breakdown;
    return c.json(
      {
        loanId,
        asOf: quote.asOf,
        amount,
        breakdown,
        rulesVersion: quote.rulesVersion,
        validUntil: new Date(instantOf(addDays(quote.asOf, 1), '00:00', timeZone)).toISOString(),
      },
      200,
    );
  });

  return app;
};
