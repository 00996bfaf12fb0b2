import { z } from '@hono/zod-openapi';
import { newRouter, type RouteModule } from '../app.js';
import { closeLoanOnRequest } from '../borrower-closing.js';
import { loanInScope, loanScope } from '../loan-access.js';
import { seesBorrowerView } from '../borrower-facing.js';
import { BorrowerLoanDetail, borrowerLoanView } from '../borrower-loan-view.js';
import { loanPeopleIds, presentLoan } from '../loan-presenter.js';
import { LoanClassEnum, LoanDetail } from '../loan-schemas.js';
import { staffNames } from '../staff-names.js';
import { loanDocuments } from '../loan-documents.js';
import { readLoanView } from '../loan-view.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import { recoveriesOf } from '../../db/write-off-recoveries.js';
import { effectiveClassOf } from '../../db/classification-overrides.js';
import {
  AmountString,
  ChannelName,
  Count,
  errorResponses,
  InstantString,
  LoanIdParam,
  LoanIdString,
  LoanStatusEnum,
  LoanTypeEnum,
  LocalDateString,
} from '../schemas.js';

const LoanSummary = z
  .object({
    loanId: LoanIdString,
    status: LoanStatusEnum,
    loanType: LoanTypeEnum,
    productCode: z.string(),
    amount: AmountString.openapi({ description: 'The amount applied for' }),
    termCount: z.number().int().min(1),
    approvedAmount: AmountString.nullable().openapi({
      description: "The approved offer's amount; null until the loan is approved",
    }),
    approvedTermCount: z.number().int().min(1).nullable(),
    channel: ChannelName,
    daysPastDue: Count,
    classification: LoanClassEnum.nullable().openapi({
      description: 'The five-category class; null for a loan never paid out',
    }),
    outstandingPrincipal: AmountString,
    nextDueDate: LocalDateString.nullable(),
    createdAt: InstantString,
    updatedAt: InstantString,
  })
  .strict()
  .openapi('LoanSummary');

/** A loan in a borrower's or a channel's list: without the lender's risk classification. */
const BorrowerLoanSummary = LoanSummary.omit({ classification: true }).strict().openapi('BorrowerLoanSummary');

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'loan:list',
  summary: 'Loans in your scope / 我的贷款列表',
  request: {
    query: z.object({
      status: LoanStatusEnum.optional(),
      loanType: LoanTypeEnum.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
    }),
  },
  responses: {
    200: {
      description: 'Loans',
      content: {
        'application/json': {
          schema: z.object({ loans: z.array(z.union([LoanSummary, BorrowerLoanSummary])), total: Count }).strict(),
        },
      },
    },
    ...errorResponses,
  },
});

const detail = secureRoute({
  method: 'get',
  path: '/{loanId}',
  access: 'loan:read',
  summary: 'A loan, with its process state / 贷款详情',
  description:
    "Served from the database alone: it answers the same whether the loan's workflow is asleep or long past Temporal's retention.",
  request: { params: LoanIdParam },
  responses: {
    200: {
      description:
        'The loan. Staff get LoanDetail; a borrower, and any caller through a channel (X-Api-Key), get BorrowerLoanDetail: ' +
        "no reviewers, internal comments, credit assessment, bank keys or event actors (a reviewer's commentForBorrower is shown)",
      content: {
        'application/json': { schema: z.union([LoanDetail, BorrowerLoanDetail]) },
      },
    },
    ...errorResponses,
  },
});

const withdraw = secureRoute({
  method: 'post',
  path: '/{loanId}/withdraw',
  access: 'loan:withdraw',
  summary: 'Withdraw before disbursement / 撤回申请',
  request: {
    params: LoanIdParam,
    body: {
      content: { 'application/json': { schema: z.object({ reason: z.string().max(200).optional() }).strict() } },
      required: false,
    },
  },
  responses: {
    200: {
      description: 'Withdrawn',
      content: { 'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum }) } },
    },
    ...errorResponses,
  },
});

/** The staff detail with the class that holds: an approved classification override over the computed class. */
async function withEffectiveClass<T extends { servicing: { classification: z.infer<typeof LoanClassEnum> } | null }>(
  sql: Parameters<typeof effectiveClassOf>[0],
  loanId: string,
  presented: T,
): Promise<T> {
  if (!presented.servicing) return presented;
  const classification = await effectiveClassOf(sql, loanId, presented.servicing.classification);
  return { ...presented, servicing: { ...presented.servicing, classification } };
}

export const loanRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(list, async (c) => {
    const user = currentUser(c);
    const q = c.req.valid('query');
    const where = deps.sql`${loanScope(deps.sql, user)}
      ${q.status ? deps.sql`and l.status = ${q.status}` : deps.sql``}
      ${q.loanType ? deps.sql`and l.loan_type = ${q.loanType}` : deps.sql``}`;
    const rows = await deps.sql<Array<Record<string, unknown>>>`
      select l.id, l.status, l.loan_type, l.product_code, l.amount, l.term_count, coalesce(lc.channel, l.channel) as channel,
             l.days_past_due, effective_classification(l.id, l.classification) as classification,
             l.offer->>'amount' as approved_amount, (l.offer->>'termCount')::int as approved_term_count,
             l.disbursed_at is not null as disbursed,
             l.outstanding_principal, l.next_due_date, l.created_at, l.updated_at,
             count(*) over () as total
      from loans l left join loan_channels lc on lc.loan_id = l.id where ${where}
      order by l.created_at desc limit ${q.limit} offset ${q.offset}`;
    const borrowerFacing = seesBorrowerView(user, c.get('channel'));
    return c.json(
      {
        loans: rows.map((r) => ({
          loanId: r.id as string,
          status: r.status as z.infer<typeof LoanStatusEnum>,
          loanType: r.loan_type as z.infer<typeof LoanTypeEnum>,
          productCode: r.product_code as string,
          amount: r.amount as string,
          termCount: r.term_count as number,
          approvedAmount: (r.approved_amount as string | null) ?? null,
          approvedTermCount: (r.approved_term_count as number | null) ?? null,
          channel: r.channel as string,
          daysPastDue: r.days_past_due as number,
          ...(borrowerFacing
            ? {}
            : { classification: r.disbursed ? (r.classification as z.infer<typeof LoanClassEnum>) : null }),
          outstandingPrincipal: r.outstanding_principal as string,
          nextDueDate: (r.next_due_date as string | null) ?? null,
          createdAt: (r.created_at as Date).toISOString(),
          updatedAt: (r.updated_at as Date).toISOString(),
        })),
        total: rows.length ? Number(rows[0]!.total) : 0,
      },
      200,
    );
  });

  app.openapi(detail, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const loan = await loanInScope(deps.sql, user, loanId);
    const view = await readLoanView(deps.sql, loan);
    if (user.role !== 'BORROWER') {
      await auditRequest(c, deps.sql, {
        action: 'PII_READ_LOAN',
        result: 'SUCCESS',
        resourceType: 'loan',
        resourceId: loanId,
        loanId,
      });
    }
    if (seesBorrowerView(user, c.get('channel'))) return c.json(borrowerLoanView(loan, view, deps.cipher, user), 200);
    const [people, documents] = await Promise.all([
      staffNames(deps.sql, deps.cipher, loanPeopleIds(loan, view)),
      loanDocuments(deps.sql, loanId, view.documents),
    ]);
    const presented = await withEffectiveClass(
      deps.sql,
      loanId,
      presentLoan(loan, view, deps.cipher, user, { people, documents }),
    );
    if (loan.status !== 'WRITTEN_OFF') return c.json(presented, 200);
    const recovered = (await recoveriesOf(deps.sql, loanId)).total;
    return c.json({ ...presented, recoveredAfterWriteOff: recovered }, 200);
  });

  app.openapi(withdraw, async (c) => {
    const { loanId } = c.req.valid('param');
    return c.json(await closeLoanOnRequest(c, deps, loanId, 'withdraw'), 200);
  });

  return app;
};
