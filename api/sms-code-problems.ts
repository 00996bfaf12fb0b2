// The problems with an SMS code: not six digits, or (a 400) it did not verify, naming the smsCode field with why.
import { problem, type FieldProblem } from '../domain/errors.js';
import type { VerifyResult } from '../security/sms-codes.js';
import { ApiError } from './errors.js';

type Refusal = Extract<VerifyResult, { ok: false }>['reason'];

const TEXT: Record<Refusal, { zh: string; en: string }> = {
  WRONG: { zh: '短信验证码错误', en: 'The SMS code is wrong' },
  EXPIRED: { zh: '短信验证码已过期，请重新获取', en: 'The SMS code has expired; ask for a new one' },
  TOO_MANY_ATTEMPTS: {
    zh: '短信验证码错误次数过多，请重新获取',
    en: 'Too many wrong tries for this SMS code; ask for a new one',
  },
  NOT_FOUND: {
    zh: '没有可用的短信验证码，请先获取',
    en: 'No usable SMS code for this phone and purpose; ask for one first',
  },
};

export function smsCodeRefused(reason: Refusal): ApiError {
  const text = TEXT[reason];
  return new ApiError(400, 'SMS_CODE_INVALID', text, [problem('smsCode', `SMS_CODE_${reason}`, text.zh, text.en)]);
}

/** The field problem for a code that is not six digits, or null. */
export function smsCodeFormatProblem(smsCode: string): FieldProblem | null {
  return /^\d{6}$/.test(smsCode)
    ? null
    : problem('smsCode', 'INVALID_FORMAT', '短信验证码为6位数字', 'smsCode must be 6 digits');
}
