import { z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../security/audit.js';
import { applicationAprProblem, percent } from '../../domain/apr-cap.js';
import { localDateOf } from '../../domain/business-time.js';
import { validateApplication, applicantAgeOn } from '../../domain/validation/application.js';
import { productForLoanType } from '../../db/products.js';
import { insertLoanApplication, newLoanId } from '../../db/loans.js';
import { recordLoanChannel } from '../../db/webhooks.js';
import { blindIndex, borrowerHash } from '../../security/blind-index.js';
import { USER_FIELDS } from '../../security/encryption-contexts.js';
import { problem } from '../../domain/errors.js';
import { newRouter, type RouteModule } from '../app.js';
import { insertBorrower } from '../borrowers.js';
import { ApiError } from '../errors.js';
import { initialViewFields, loanWorkflowInput, startLoanWorkflow } from '../loan-workflows.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest, sourceIp } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import {
  DocumentTypeEnum,
  errorResponses,
  FrequencyEnum,
  LoanStatusEnum,
  LoanTypeEnum,
  MoneyString,
  RepaymentMethodEnum,
} from '../schemas.js';
import { callWorkflow } from '../workflow-errors.js';
import { screenApplication } from './compliance.js';
import { holdForCompliance } from '../aml-holds.js';
import type { ApiDeps } from '../env.js';
import type { AuthUser } from '../../security/authenticator.js';
import type { Application } from '../../domain/validation/application.js';
import type { LoanProduct } from '../../domain/products.js';

const Person = { name: z.string().max(50), idNumber: z.string().max(18), phone: z.string().max(20) };

const ApplicationBody = z
  .strictObject({
    loanType: LoanTypeEnum,
    productCode: z.string().max(32).optional(),
    amount: MoneyString,
    termCount: z.number().int(),
    method: RepaymentMethodEnum,
    frequency: FrequencyEnum.optional(),
    purpose: z.string().max(200),
    applicant: z.strictObject({ ...Person, monthlyIncome: MoneyString, employer: z.string().max(100).optional() }),
    bankAccount: z.strictObject({ cardNumber: z.string().max(23), bankName: z.string().max(50) }),
    consent: z.strictObject({
      creditQuery: z.boolean(),
      dataProcessing: z.boolean(),
      // Checked by the application rules, so a missing consent is named with the others (zh/en).
      creditReporting: z.boolean().optional(),
      textVersion: z.string().max(40).optional(),
    }),
    business: z
      .strictObject({ licenseNumber: z.string().max(30), industry: z.string().max(40), monthlyRevenue: MoneyString })
      .optional(),
    farm: z
      .strictObject({
        landAreaMu: z.string().max(12),
        crops: z.array(z.string().max(20)).max(20),
        livestock: z.string().max(100).optional(),
        cooperative: z.string().max(100).optional(),
      })
      .optional(),
    collateral: z
      .strictObject({
        type: z.string().max(30),
        description: z.string().max(500),
        appraisedValue: MoneyString,
        existingLiens: MoneyString,
      })
      .optional(),
    guarantor: z.strictObject({ ...Person, monthlyIncome: MoneyString, relationship: z.string().max(30) }).optional(),
  })
  .openapi('LoanApplication');

const Created = z
  .object({
    loanId: z.string(),
    status: LoanStatusEnum,
    requiredDocuments: z.array(DocumentTypeEnum),
    replayed: z.boolean(),
  })
  .openapi('ApplicationAccepted');

const Held = z
  .object({
    reviewId: z.string(),
    loanId: z.string().openapi({ description: 'The id the loan will have once the application is cleared' }),
    status: z.enum(['COMPLIANCE_REVIEW', 'CLEARED', 'CONFIRMED']),
    requiredDocuments: z.array(DocumentTypeEnum),
    replayed: z.boolean(),
  })
  .openapi('ApplicationHeld');

/** Whether this caller's Idempotency-Key already made a loan. */
async function loanMadeWithKey(deps: ApiDeps, createdBy: string, key: string | undefined): Promise<boolean> {
  if (!key) return false;
  const [row] = await deps.sql`select 1 from loans where created_by = ${createdBy} and idempotency_key = ${key}`;
  return !!row;
}

const submit = secureRoute({
  method: 'post',
  path: '/',
  access: 'loan:apply',
  summary: 'Apply for a loan / 提交借款申请',
  description:
    'Borrowers apply online for themselves; loan officers apply offline on a borrower’s behalf. The Idempotency-Key header makes a retry with the same body return the same loan; the same key with a different body is refused with 422 IDEMPOTENCY_KEY_REUSED. Terms whose APR at the product’s standard rate (fees included, by IRR) is above the product’s cap are refused at once with 422 APR_ABOVE_CAP naming the APR and the cap: nothing is stored and no credit file is asked for.',
  request: {
    headers: z.object({ 'idempotency-key': z.string().min(8).max(100).optional() }),
    body: { content: { 'application/json': { schema: ApplicationBody } }, required: true },
  },
  responses: {
    201: { description: 'Accepted', content: { 'application/json': { schema: Created } } },
    200: {
      description: 'The same Idempotency-Key again: the loan it created',
      content: { 'application/json': { schema: Created } },
    },
    202: {
      description:
        'Held for compliance review (合规复核): the applicant or guarantor matched a name-only screening entry. No loan exists until a compliance officer clears it; then the loan starts with the loanId given here. The same Idempotency-Key again answers 202 with the same hold (replayed: true) while no loan exists.',
      content: { 'application/json': { schema: Held } },
    },
    ...errorResponses,
  },
});

/** The borrower the loan is for: the caller, or — for a loan officer — the applicant, registered on first contact. */
async function borrowerFor(deps: ApiDeps, user: AuthUser, application: Application): Promise<string> {
  const idHash = blindIndex(deps.keyring, 'idNumber', application.applicant.idNumber);
  if (user.role === 'BORROWER') {
    const [self] = await deps.sql<{ id_number_hash: string | null; name_enc: string | null }[]>`
      select id_number_hash, name_enc from users where id = ${user.userId}`;
    const verifiedName = self?.name_enc ? deps.cipher.decrypt(self.name_enc, USER_FIELDS.name) : null;
    const notVerified = (field: string, code: string, zh: string, en: string) =>
      new ApiError(422, 'APPLICANT_NOT_ACCOUNT_HOLDER', { zh, en }, [problem(field, code, zh, en)]);
    if (self?.id_number_hash !== idHash)
      throw notVerified(
        'applicant.idNumber',
        'NOT_YOUR_ID',
        '身份证号须与实名认证的一致',
        'must match the ID number verified for your account',
      );
    if (
      verifiedName === null ||
      verifiedName.normalize('NFC').trim() !== application.applicant.name.normalize('NFC').trim()
    )
      throw notVerified(
        'applicant.name',
        'NOT_YOUR_NAME',
        '姓名须与实名认证的一致',
        'must match the name verified for your account',
      );
    return user.userId;
  }
  const [existing] = await deps.sql<{ id: string }[]>`select id from users where id_number_hash = ${idHash}`;
  if (existing) return existing.id;
  const { phone, name, idNumber } = application.applicant;
  const created = await insertBorrower(deps.sql, deps, { phone, name, idNumber, passwordHash: '!' });
  if (!created) {
    throw ApiError.conflict('PHONE_REGISTERED_TO_ANOTHER', {
      zh: '该手机号已被其他借款人注册',
      en: 'This phone number belongs to another borrower',
    });
  }
  return created;
}

/**
 * Before anything is stored or any credit file is asked for: refuses (422 APR_ABOVE_CAP) an
 * application whose terms at the product's standard rate carry an APR above the product's cap.
 */
function refuseAboveAprCap(product: LoanProduct, application: Application, today: string): void {
  const { amount, termCount, method, frequency } = application;
  const terms = { amount, termCount, method, frequency, annualRate: product.defaultRate };
  const { judgement, problem } = applicationAprProblem(product, terms, today);
  if (!problem) return;
  const cap = percent(judgement.cap);
  const text =
    judgement.apr === null
      ? {
          zh: `前置费用不低于借款金额，年化利率无法在上限 ${cap}% 以内`,
          en: `The upfront fees take the whole amount; the APR cannot be within the cap of ${cap}%`,
        }
      : {
          zh: `年化利率（APR，含费用）${percent(judgement.apr)}% 超过上限 ${cap}%`,
          en: `APR including fees ${percent(judgement.apr)}% is above the cap of ${cap}%`,
        };
  throw new ApiError(422, problem.code, text, [problem]);
}

export const applicationRoutes: RouteModule = (deps) => {
  const app = newRouter();
  app.openapi(submit, async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    const product = await productForLoanType(deps.sql, body.loanType, body.productCode);
    if (!product) {
      throw ApiError.validation([
        {
          field: body.productCode ? 'productCode' : 'loanType',
          code: 'NO_PRODUCT',
          message: { zh: '没有可用的贷款产品', en: 'no active product for this loan type' },
        },
      ]);
    }
    const today = localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);
    const validated = validateApplication(body, product, today);
    if (!validated.ok) throw ApiError.validation(validated.problems);
    const application = validated.value;
    refuseAboveAprCap(product, application, today);
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const bodySha256 = createHash('sha256').update(canonicalJson(body)).digest('hex');
    // A retry of a request that already made its loan is answered below with that loan, unscreened.
    const hit = (await loanMadeWithKey(deps, user.userId, idempotencyKey))
      ? null
      : await screenApplication(c, deps, application);

    const borrowerId = await borrowerFor(deps, user, application);
    const channel = user.role === 'BORROWER' ? 'ONLINE' : 'OFFLINE';
    if (hit) {
      const held = await holdForCompliance(c, deps, {
        hit,
        application,
        product,
        borrowerId,
        channel,
        idempotencyKey,
        bodySha256,
        loanId: newLoanId(deps.now()),
      });
      return c.json({ ...held, requiredDocuments: product.requiredDocuments }, 202);
    }
    const inputFor = (loanId: string) =>
      loanWorkflowInput({
        loanId,
        borrowerId,
        borrowerHash: borrowerHash(deps.keyring, application.applicant.idNumber),
        channel,
        product,
        application,
        annualRate: product.defaultRate,
      });
    const loanId = newLoanId(deps.now());
    const result = await insertLoanApplication(deps.sql, deps.cipher, {
      loanId,
      borrowerId,
      createdBy: user.userId,
      channel,
      product,
      application,
      annualRate: product.defaultRate,
      idempotencyKey,
      idempotencyBodySha256: bodySha256,
      sourceIp: sourceIp(c),
      viewFields: initialViewFields(inputFor(loanId)),
    });
    if (result.kind === 'IN_FLIGHT') {
      throw ApiError.conflict('APPLICATION_IN_FLIGHT', {
        zh: `该借款人已有一笔在途申请（${result.loanId}），请等待其结束或撤回后再申请`,
        en: `The borrower already has an application in progress (${result.loanId}); wait for it to finish or withdraw it first`,
      });
    }
    if (result.kind === 'KEY_REUSED') {
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', {
        zh: `该 Idempotency-Key 已用于另一份申请（${result.loanId}），请为新申请使用新的 Idempotency-Key`,
        en: `This Idempotency-Key was used for a different application (${result.loanId}); use a new key for a new application`,
      });
    }
    // The channel whose API key came with the application hears about the loan by webhooks; recorded
    // before the workflow starts, so its first event already finds it (a replayed key records it too).
    const apiChannel = c.get('channel');
    if (apiChannel) await recordLoanChannel(deps.sql, result.loanId, apiChannel);
    const input = inputFor(result.loanId);
    // Starting again for a replayed key attaches to the running workflow, so a request that
    // stored the loan but failed to start it is completed by its retry.
    await callWorkflow(() =>
      startLoanWorkflow(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, input, deps.config.BUSINESS_TIME_ZONE),
    );
    if (result.kind === 'CREATED') {
      await auditRequest(c, deps.sql, {
        action: 'LOAN_APPLICATION_SUBMITTED',
        result: 'SUCCESS',
        resourceType: 'loan',
        resourceId: result.loanId,
        loanId: result.loanId,
        detail: {
          channel,
          loanType: application.loanType,
          amount: application.amount,
          applicantAge: applicantAgeOn(application, today),
          consents: ['CREDIT_QUERY', 'DATA_PROCESSING', 'CREDIT_REPORTING'],
        },
      });
    }
    const status =
      result.kind === 'REPLAYED' ? (result.status as z.infer<typeof LoanStatusEnum>) : 'AWAITING_DOCUMENTS';
    return c.json(
      {
        loanId: result.loanId,
        status,
        requiredDocuments: product.requiredDocuments,
        replayed: result.kind === 'REPLAYED',
      },
      result.kind === 'CREATED' ? 201 : 200,
    );
  });
  return app;
};
