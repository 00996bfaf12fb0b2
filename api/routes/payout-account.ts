// The borrower's way out of a payout that cannot go ahead (mounted at /v1/loans): give another
// payout account, confirmed by an SMS code and new consent, which the loan has the bank check before
// paying to it; or cancel the loan, which closes with nothing owed.
import { z } from '@hono/zod-openapi';
import { problem, type FieldProblem } from '../../domain/errors.js';
import { take } from '../../domain/validation/fields.js';
import { validateBankCard } from '../../domain/validation/bank-card.js';
import { validatePhone } from '../../domain/validation/phone.js';
import { changePayoutAccountUpdate } from '../../contracts/definitions.js';
import { insertPayoutAccount } from '../../db/payout-accounts.js';
import { USER_FIELDS } from '../../security/encryption-contexts.js';
import { verifySmsCode } from '../../security/sms-codes.js';
import { newRouter, type RouteModule } from '../app.js';
import { closeLoanOnRequest } from '../borrower-closing.js';
import type { ApiDeps } from '../env.js';
import { ScopeRefusal } from '../access-refusals.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { loanHandle } from '../loan-workflows.js';
import { projectionCaughtUp } from '../projection-wait.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam, LoanStatusEnum } from '../schemas.js';
import { callWorkflow } from '../workflow-errors.js';
import { updateIdFor } from '../update-id.js';

const PayoutAccountBody = z
  .object({
    cardNumber: z.string().max(32),
    bankName: z.string().max(50).optional(),
    reservedPhone: z.string().max(32).openapi({ description: 'The phone the bank holds for the card (预留手机号)' }),
    smsCode: z
      .string()
      .max(16)
      .openapi({ description: 'Code sent by POST /v1/auth/sms-codes {purpose: CHANGE_PAYOUT_ACCOUNT, loanId}' }),
    consent: z
      .object({ dataProcessing: z.boolean(), textVersion: z.string().min(1).max(64) })
      .strict()
      .openapi({ description: 'Consent to process the new account for the payout; dataProcessing must be true' }),
  })
  .strict()
  .openapi('PayoutAccountChange');

const PayoutAccountResult = z
  .object({
    loanId: z.string(),
    status: LoanStatusEnum,
    verification: z.enum(['VERIFIED', 'MISMATCH']),
    mismatched: z.array(z.string()),
    cardLast4: z.string(),
  })
  .openapi('PayoutAccountResult');

const changeAccount = secureRoute({
  method: 'put',
  path: '/{loanId}/payout-account',
  access: 'payout-account:change',
  summary: 'Give another payout account / 更换收款账户',
  description:
    'Only while the loan is PAYOUT_ACCOUNT_INVALID or DISBURSEMENT_FAILED (409 otherwise). The bank checks name, ID number, card and reserved phone before anything is paid to it: a mismatch answers 422 naming cardNumber. From PAYOUT_ACCOUNT_INVALID a verified account is paid at once; after a failed payout, ops retry pays it.',
  request: {
    params: LoanIdParam,
    body: { content: { 'application/json': { schema: PayoutAccountBody } }, required: true },
  },
  responses: {
    200: { description: 'Verified', content: { 'application/json': { schema: PayoutAccountResult } } },
    ...errorResponses,
  },
});

const cancel = secureRoute({
  method: 'post',
  path: '/{loanId}/cancel',
  access: 'loan:withdraw',
  summary: 'Cancel a loan whose payout cannot go ahead / 取消借款',
  description:
    'Only while the loan is PAYOUT_ACCOUNT_INVALID or DISBURSEMENT_FAILED (409 otherwise): no money has left, so the loan closes CANCELLED with nothing owed.',
  request: {
    params: LoanIdParam,
    body: {
      content: { 'application/json': { schema: z.object({ reason: z.string().max(200).optional() }).strict() } },
      required: false,
    },
  },
  responses: {
    200: {
      description: 'Cancelled',
      content: { 'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum }) } },
    },
    ...errorResponses,
  },
});

type AccountBody = z.infer<typeof PayoutAccountBody>;

function readAccount(body: AccountBody): { cardNumber: string; reservedPhone: string } {
  const problems: FieldProblem[] = [];
  const cardNumber = take(validateBankCard(body.cardNumber, 'cardNumber'), problems);
  const reservedPhone = take(validatePhone(body.reservedPhone, 'reservedPhone'), problems);
  if (!body.consent.dataProcessing)
    problems.push(
      problem(
        'consent.dataProcessing',
        'REQUIRED',
        '须同意处理新的收款账户信息',
        'consent to process the new account is required',
      ),
    );
  if (problems.length > 0) throw ApiError.validation(problems);
  return { cardNumber: cardNumber!, reservedPhone: reservedPhone! };
}

const SMS_REFUSAL: Record<string, { zh: string; en: string }> = {
  WRONG: { zh: '短信验证码不正确', en: 'the SMS code is wrong' },
  EXPIRED: { zh: '短信验证码已过期，请重新获取', en: 'the SMS code has expired; ask for a new one' },
  TOO_MANY_ATTEMPTS: { zh: '短信验证码错误次数过多，请重新获取', en: 'too many wrong tries; ask for a new code' },
  NOT_FOUND: {
    zh: '没有可用的短信验证码，请先获取（用途 CHANGE_PAYOUT_ACCOUNT）',
    en: 'no SMS code is waiting; ask for one (purpose CHANGE_PAYOUT_ACCOUNT)',
  },
};

/** The borrower's registered phone: the change is confirmed by a code sent there. */
async function borrowerPhone(deps: ApiDeps, borrowerId: string): Promise<string> {
  const [user] = await deps.sql<{ phone_enc: string | null }[]>`select phone_enc from users where id = ${borrowerId}`;
  if (!user?.phone_enc) throw ApiError.notFound({ zh: '借款人手机号', en: "The borrower's phone" });
  return deps.cipher.decrypt(user.phone_enc, USER_FIELDS.phone);
}

export const payoutAccountRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(changeAccount, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    const loan = await loanInScope(deps.sql, user, loanId);
    const account = readAccount(body);
    if (loan.borrower_id !== user.userId)
      throw new ScopeRefusal(
        new ApiError(403, 'FORBIDDEN', {
          zh: '只有借款人本人可以更换收款账户',
          en: 'Only the borrower can change the payout account',
        }),
        { reason: 'NOT_OWNER', resourceType: 'loan', resourceId: loanId, loanId },
      );
    const sms = await verifySmsCode(deps, {
      phone: await borrowerPhone(deps, loan.borrower_id),
      purpose: 'CHANGE_PAYOUT_ACCOUNT',
      loanId,
      code: body.smsCode,
    });
    if (!sms.ok) {
      await auditRequest(c, deps.sql, {
        action: 'PAYOUT_ACCOUNT_CHANGE',
        result: 'DENIED',
        resourceType: 'loan',
        resourceId: loanId,
        loanId,
        detail: { smsCode: sms.reason },
      });
      throw new ApiError(422, 'SMS_CODE_REFUSED', SMS_REFUSAL[sms.reason]!, [
        { field: 'smsCode', code: sms.reason, message: SMS_REFUSAL[sms.reason]! },
      ]);
    }
    const accountId = await insertPayoutAccount(deps.sql, deps.cipher, {
      loanId,
      account: { ...account, bankName: body.bankName ?? '' },
      requestedBy: user.userId,
      smsVerificationId: sms.verificationId,
      consentTextVersion: body.consent.textVersion,
    });
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(changePayoutAccountUpdate, {
        args: [{ accountId, by: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'change-payout-account', user),
      }),
    );
    await projectionCaughtUp(deps.sql, loanId, view);
    const checked = view.payoutAccount?.accountId === accountId ? view.payoutAccount : undefined;
    const verification = checked?.verification ?? 'MISMATCH';
    await auditRequest(c, deps.sql, {
      action: 'PAYOUT_ACCOUNT_CHANGE',
      result: verification === 'VERIFIED' ? 'SUCCESS' : 'FAILURE',
      resourceType: 'payout_account',
      resourceId: accountId,
      loanId,
      detail: { cardLast4: account.cardNumber.slice(-4), smsVerificationId: sms.verificationId, verification },
    });
    if (verification !== 'VERIFIED') {
      const text = {
        zh: '银行四要素验证未通过：姓名、身份证号、银行卡号与预留手机号不一致',
        en: "The bank's four-element check failed: name, ID number, card and reserved phone do not match",
      };
      throw new ApiError(422, 'PAYOUT_ACCOUNT_MISMATCH', text, [
        { field: 'cardNumber', code: 'BANK_MISMATCH', message: text },
      ]);
    }
    return c.json(
      {
        loanId,
        status: view.status,
        verification,
        mismatched: checked!.mismatched,
        cardLast4: account.cardNumber.slice(-4),
      },
      200,
    );
  });

  app.openapi(cancel, async (c) => {
    const { loanId } = c.req.valid('param');
    return c.json(await closeLoanOnRequest(c, deps, loanId, 'cancel'), 200);
  });

  return app;
};
