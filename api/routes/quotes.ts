import { z } from '@hono/zod-openapi';
import { localDateOf } from '../../domain/business-time.js';
import { quote, validateQuoteRequest } from '../../domain/quote.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { secureRoute } from '../route.js';
import {
  DayCountEnum,
  errorResponses,
  FrequencyEnum,
  MoneyString,
  RateString,
  RepaymentMethodEnum,
} from '../schemas.js';

const QuoteBody = z
  .object({
    principal: MoneyString,
    annualRate: RateString,
    termCount: z.number().int(),
    frequency: FrequencyEnum.optional(),
    method: RepaymentMethodEnum,
    startDate: z.string().optional().openapi({ example: '2026-12-01' }),
    dayCount: DayCountEnum.optional().openapi({ description: 'Day-count convention for interest; default ACT/365' }),
    firstDueDate: z.string().nullable().optional().openapi({
      example: '2027-01-15',
      description:
        'An irregular first due date: after the start date and at most two regular periods later; later dates follow it',
    }),
    fees: z
      .array(z.object({ kind: z.enum(['UPFRONT', 'PER_INSTALLMENT']), amount: MoneyString }).strict())
      .max(10)
      .optional(),
  })
  .strict()
  .openapi('QuoteRequest');

const Installment = z.object({
  number: z.number(),
  dueDate: z.string(),
  principal: z.string(),
  interest: z.string(),
  fee: z.string(),
  total: z.string(),
  remainingPrincipal: z.string(),
});

const QuoteAnswer = z
  .object({
    installments: z.array(Installment),
    totalPrincipal: z.string(),
    totalInterest: z.string(),
    totalFees: z.string(),
    totalPayment: z.string(),
    apr: z.string(),
    effectiveAnnualRate: z.string(),
  })
  .openapi('Quote');

const create = secureRoute({
  method: 'post',
  path: '/',
  access: 'PUBLIC',
  summary: 'Repayment trial calculation / 还款试算',
  description:
    'The schedule and APR (PBoC Announcement [2021] No. 3) a channel shows before a borrower applies. No login; rate-limited per client.',
  request: { body: { content: { 'application/json': { schema: QuoteBody } }, required: true } },
  responses: {
    200: { description: 'The schedule', content: { 'application/json': { schema: QuoteAnswer } } },
    429: errorResponses[400],
    ...errorResponses,
  },
});

export const quoteRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.use('/', rateLimit({ limit: Number(process.env.QUOTE_RATE_LIMIT ?? 600), windowMs: 60_000 }));
  app.openapi(create, async (c) => {
    const today = localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);
    const checked = validateQuoteRequest(c.req.valid('json'), today);
    if (!checked.ok) throw ApiError.validation(checked.problems);
    const q = quote(checked.value);
    return c.json(
      {
        ...q,
        installments: q.installments.map(
          ({ number, dueDate, principal, interest, fee, total, remainingPrincipal }) => ({
            number,
            dueDate,
            principal,
            interest,
            fee,
            total,
            remainingPrincipal,
          }),
        ),
      },
      200,
    );
  });
  return app;
};
