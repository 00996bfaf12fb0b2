// POST /v1/auth/sms-codes: sends a one-time code to a phone for one purpose. The answer is the same
// 202 whether or not the phone may use the purpose (registered, unclaimed, the loan's borrower);
// a phone that may not gets nothing, so nobody learns who is registered from it.
import { z } from '@hono/zod-openapi';
import { problem, type FieldProblem } from '../../domain/errors.js';
import { maskPhone } from '../../domain/masking.js';
import { take } from '../../domain/validation/fields.js';
import { validatePhone } from '../../domain/validation/phone.js';
import { createNotifyClient, type NotifyClient } from '../../partners/notify-client.js';
import { isPartnerError } from '../../partners/http.js';
import { blindIndex } from '../../security/blind-index.js';
import {
  issueSmsCode,
  SMS_CODE_PURPOSES,
  withholdSmsCode,
  type SmsCodePurpose,
  type SmsCodeSubject,
} from '../../security/sms-codes.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { secureRoute } from '../route.js';

const LOAN_PURPOSES: readonly SmsCodePurpose[] = ['SIGN_CONTRACT', 'CHANGE_PAYOUT_ACCOUNT'];

const SmsCodeBody = z
  .object({
    phone: z.string().max(32),
    purpose: z.enum(SMS_CODE_PURPOSES),
    loanId: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: 'Required for SIGN_CONTRACT and CHANGE_PAYOUT_ACCOUNT' }),
  })
  .strict()
  .openapi('SmsCodeRequest');

const Accepted = z
  .object({ expiresInSeconds: z.number().int(), resendAfterSeconds: z.number().int() })
  .openapi('SmsCodeAccepted');

const sendCode = secureRoute({
  method: 'post',
  path: '/sms-codes',
  access: 'PUBLIC',
  summary: '发送短信验证码 / Send a one-time SMS code',
  description:
    'Sends a 6-digit code valid 5 minutes, for one purpose (and loan). In local mode the notification simulator keeps the message: GET {simulator}/notify/messages?to=<sha256 of the phone>.',
  request: { body: { required: true, content: { 'application/json': { schema: SmsCodeBody } } } },
  responses: {
    202: {
      description: 'Sent if the phone may use the purpose',
      content: { 'application/json': { schema: Accepted } },
    },
    400: { description: 'Invalid fields' },
    429: { description: 'A code was sent to this phone under a minute ago, or too many requests' },
    503: { description: 'The SMS gateway is unavailable; retry later' },
  },
});

/** Whether the phone may receive a code for the purpose; looked up by blind index only. */
async function phoneMayUse(deps: ApiDeps, subject: SmsCodeSubject): Promise<boolean> {
  const phoneHash = blindIndex(deps.keyring, 'phone', subject.phone);
  if (subject.purpose === 'REGISTER') {
    const [user] = await deps.sql`select 1 from users where phone_hash = ${phoneHash}`;
    return !user;
  }
  if (subject.purpose === 'CLAIM_ACCOUNT') {
    const [user] = await deps.sql`
      select 1 from users where phone_hash = ${phoneHash} and role = 'BORROWER' and password_hash = '!'`;
    return !!user;
  }
  const [loan] = await deps.sql`
    select 1 from loans l join users u on u.id = l.borrower_id
    where l.id = ${subject.loanId ?? ''} and u.phone_hash = ${phoneHash}`;
  return !!loan;
}

function smsGatewayDown(): ApiError {
  return new ApiError(503, 'SMS_UNAVAILABLE', {
    zh: '短信服务暂时不可用，请稍后重试',
    en: 'The SMS service is temporarily unavailable; please retry in a minute',
  });
}

/** Mounted at /v1/auth. */
export const smsCodeRoutes: RouteModule = (deps) => {
  const router = newRouter();
  const notify: NotifyClient | null = deps.config.NOTIFY_URL
    ? createNotifyClient({ baseUrl: deps.config.NOTIFY_URL, log: deps.log, timeoutMs: 10_000 })
    : null;
  router.use('/sms-codes', rateLimit({ limit: Number(process.env.SMS_CODE_RATE_LIMIT ?? 600), windowMs: 60_000 }));

  router.openapi(sendCode, async (c) => {
    const body = c.req.valid('json' as never) as z.output<typeof SmsCodeBody>;
    const problems: FieldProblem[] = [];
    const phone = take(validatePhone(body.phone, 'phone'), problems);
    const needsLoan = LOAN_PURPOSES.includes(body.purpose);
    if (needsLoan && !body.loanId)
      problems.push(problem('loanId', 'REQUIRED', '此用途须指明贷款编号', 'loanId is required for this purpose'));
    if (!needsLoan && body.loanId)
      problems.push(problem('loanId', 'NOT_ALLOWED', '此用途不涉及贷款', 'loanId is only for a loan purpose'));
    if (problems.length > 0) throw ApiError.validation(problems);
    const subject: SmsCodeSubject = {
      phone: phone!,
      purpose: body.purpose,
      ...(body.loanId ? { loanId: body.loanId } : {}),
    };
    if (!notify) throw smsGatewayDown();

    const eligible = await phoneMayUse(deps, subject);
    let result;
    try {
      result = eligible
        ? await issueSmsCode({ sql: deps.sql, keyring: deps.keyring, notify }, subject)
        : await withholdSmsCode(deps, subject);
    } catch (err) {
      if (isPartnerError(err)) throw smsGatewayDown();
      throw err;
    }
    await auditRequest(c, deps.sql, {
      action: 'SMS_CODE_SEND',
      result: result.ok ? (eligible ? 'SUCCESS' : 'DENIED') : 'DENIED',
      resourceType: 'sms_code',
      loanId: body.loanId ?? null,
      detail: { purpose: body.purpose, phone: maskPhone(subject.phone), ...(result.ok ? {} : { reason: 'THROTTLED' }) },
      at: deps.now(),
    });
    if (!result.ok) {
      c.header('Retry-After', String(result.retryAfterSeconds));
      throw new ApiError(429, 'SMS_CODE_TOO_SOON', {
        zh: `验证码发送过于频繁，请 ${result.retryAfterSeconds} 秒后再试`,
        en: `A code was sent too recently; retry in ${result.retryAfterSeconds} seconds`,
      });
    }
    return c.json({ expiresInSeconds: 300, resendAfterSeconds: 60 }, 202);
  });

  return router;
};
