// Staff search (GET /v1/search?q=) and the borrower 360 (GET /v1/borrowers/{borrowerId}). Results
// are masked; every search and every view is audited, with the kind of search and a masked
// query, never the query in clear.
import { z } from '@hono/zod-openapi';
import { maskIdNumber, maskName, maskPhone } from '../../domain/masking.js';
import { classifySearch, type SearchKind } from '../../domain/staff-search-query.js';
import { newRouter, type RouteModule } from '../app.js';
import { readBorrowerProfile } from '../borrower-profile.js';
import { ApiError } from '../errors.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import {
  AmountString,
  ChannelName,
  Count,
  DocumentTypeEnum,
  errorResponses,
  InstantString,
  KeyString,
  LoanIdString,
  LoanStatusEnum,
  LoanTypeEnum,
  LocalDateString,
  orNull,
  Sha256Hex,
  UuidString,
} from '../schemas.js';
import {
  Actor,
  LoanClassEnum,
  RepaymentChannelEnum,
  ReviewDecisionEnum,
  ReviewStageEnum,
  RoleEnum,
} from '../loan-schemas.js';
import { maskedBorrower } from '../staff-borrower-presenter.js';
import { searchLoans, SEARCH_LIMIT } from '../staff-search.js';
import { bilingual } from '../validation.js';

const maskedBorrowerShape = {
  borrowerId: UuidString,
  name: z.string().nullable(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
};
const MaskedBorrowerSchema = z.object(maskedBorrowerShape).openapi('MaskedBorrower');

const BorrowerProfileSchema = z
  .object({
    borrower: z.object({ ...maskedBorrowerShape, registeredAt: InstantString }).strict(),
    loans: z.array(
      z
        .object({
          loanId: LoanIdString,
          status: LoanStatusEnum,
          loanType: LoanTypeEnum,
          productCode: z.string(),
          channel: ChannelName,
          appliedAmount: AmountString,
          amount: AmountString.openapi({
            description: "The amount as reviewed (a final reviewer's change), else as applied",
          }),
          termCount: z.number().int().min(1),
          daysPastDue: Count,
          classification: LoanClassEnum,
          outstandingPrincipal: AmountString,
          createdAt: InstantString,
          closedAt: InstantString.nullable(),
        })
        .strict(),
    ),
    payments: z.array(
      z
        .object({
          loanId: LoanIdString,
          paymentId: KeyString,
          channel: RepaymentChannelEnum,
          amount: AmountString,
          receivedOn: LocalDateString,
        })
        .strict(),
    ),
    contacts: z.array(
      z
        .object({
          loanId: LoanIdString,
          at: InstantString,
          outcome: z.string().nullable(),
          promisedOn: LocalDateString.nullable(),
          note: z.string().nullable(),
          by: orNull(Actor),
        })
        .strict(),
    ),
    notes: z.array(
      z
        .object({
          loanId: LoanIdString,
          at: InstantString,
          stage: ReviewStageEnum,
          decision: ReviewDecisionEnum,
          comment: z.string(),
          by: Actor,
        })
        .strict(),
    ),
    documents: z.array(
      z
        .object({
          loanId: LoanIdString,
          documentId: UuidString,
          type: DocumentTypeEnum,
          contentType: z.string(),
          sizeBytes: Count,
          sha256: Sha256Hex,
          uploadedAt: InstantString,
        })
        .strict(),
    ),
    people: z.record(KeyString, z.object({ name: z.string(), role: RoleEnum }).strict()).openapi({
      description: 'Names of the staff in contacts[].by and notes[].by, by user id',
    }),
  })
  .strict()
  .openapi('BorrowerProfile');

const SearchResult = z
  .object({
    loanId: z.string(),
    status: LoanStatusEnum,
    loanType: LoanTypeEnum,
    productCode: z.string(),
    amount: z.string(),
    createdAt: z.string(),
    borrower: MaskedBorrowerSchema,
  })
  .openapi('SearchResult');

const SearchRequest = z
  .object({
    q: z
      .string()
      .trim()
      .min(2, bilingual('请输入手机号、身份证号、姓名或贷款编号', 'give a phone, ID number, name or loan id'))
      .max(64),
  })
  .strict()
  .openapi('SearchRequest');

// POST, not GET: a phone or an ID number must not stand in a URL, where access logs, proxies and
// the browser's history keep it.
const search = secureRoute({
  method: 'post',
  path: '/',
  access: 'borrower:search',
  summary: 'Find loans by phone, ID number, name or loan id / 查找贷款',
  description: `The text goes in the body, never in the URL. Looked up by blind index, never by plaintext; within your scope; newest first, at most ${SEARCH_LIMIT}. Audited as BORROWER_SEARCH.`,
  request: {
    body: { content: { 'application/json': { schema: SearchRequest } }, required: true },
  },
  responses: {
    200: {
      description: 'Matching loans, masked',
      content: {
        'application/json': {
          schema: z.object({
            kind: z.enum(['loanId', 'idNumber', 'phone', 'name']),
            results: z.array(SearchResult),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

const BorrowerIdParam = z.object({
  borrowerId: z
    .string()
    .uuid(bilingual('借款人编号格式不正确', 'is not a borrower id'))
    .openapi({ param: { name: 'borrowerId', in: 'path' }, example: '6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f' }),
});

const profile = secureRoute({
  method: 'get',
  path: '/{borrowerId}',
  access: 'borrower:read',
  summary: 'A borrower 360: every loan, payment, contact, note and document / 借款人全景',
  description:
    'Identity masked. Collectors and loan officers see the loans in their own scope; other staff the whole history of a borrower they may see one loan of. Audited as BORROWER_360_READ.',
  request: { params: BorrowerIdParam },
  responses: {
    200: {
      description: 'The borrower',
      content: { 'application/json': { schema: BorrowerProfileSchema } },
    },
    ...errorResponses,
  },
});

const MASKS: Record<SearchKind, (value: string) => string> = {
  loanId: (value) => value,
  idNumber: maskIdNumber,
  phone: maskPhone,
  name: maskName,
};

export const searchRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(search, async (c) => {
    const user = currentUser(c);
    const query = classifySearch(c.req.valid('json').q);
    if (query.kind === 'invalid') {
      throw ApiError.validation([
        {
          field: 'q',
          code: 'UNRECOGNISED_QUERY',
          message: {
            zh: '请输入手机号、身份证号、姓名或贷款编号',
            en: 'is not a phone number, ID number, name or loan id',
          },
        },
      ]);
    }
    const rows = await searchLoans(deps.sql, deps.keyring, user, query);
    await auditRequest(c, deps.sql, {
      action: 'BORROWER_SEARCH',
      result: 'SUCCESS',
      resourceType: 'search',
      detail: { kind: query.kind, query: MASKS[query.kind](query.value), results: rows.map((r) => r.id) },
    });
    return c.json(
      {
        kind: query.kind,
        results: rows.map((r) => ({
          loanId: r.id,
          status: r.status as z.infer<typeof LoanStatusEnum>,
          loanType: r.loan_type as z.infer<typeof LoanTypeEnum>,
          productCode: r.product_code,
          amount: r.amount,
          createdAt: r.created_at.toISOString(),
          borrower: maskedBorrower(deps.cipher, r),
        })),
      },
      200,
    );
  });
  return app;
};

export const borrowerRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(profile, async (c) => {
    const user = currentUser(c);
    const { borrowerId } = c.req.valid('param');
    const found = await readBorrowerProfile(deps.sql, deps.cipher, user, borrowerId);
    await auditRequest(c, deps.sql, {
      action: 'BORROWER_360_READ',
      result: found ? 'SUCCESS' : 'DENIED',
      resourceType: 'borrower',
      resourceId: borrowerId,
      detail: found ? { loans: found.loans.map((l) => l.loanId) } : { refusal: 'NOT_IN_SCOPE' },
    });
    if (!found) throw ApiError.notFound({ zh: '借款人', en: 'Borrower' });
    return c.json(found as z.infer<typeof BorrowerProfileSchema>, 200);
  });
  return app;
};
