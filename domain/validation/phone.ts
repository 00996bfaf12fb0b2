import { fail, ok, problem, type Result } from '../errors.js';

const MOBILE = /^1[3-9]\d{9}$/;
const SEPARATORS = /[\s-]/g;

/** Strips spaces, dashes and a +86 / 86 country prefix; null when what is left is not a mainland mobile number. */
export function normalizePhone(value: string): string | null {
  let digits = value.replace(SEPARATORS, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  return MOBILE.test(digits) ? digits : null;
}

/** A mainland China mobile number: 11 digits starting 13–19. Returns the bare 11 digits. */
export function validatePhone(value: unknown, field = 'phone'): Result<string> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '请填写手机号码', 'mobile number is required'));
  }
  if (typeof value !== 'string') {
    return fail(problem(field, 'NOT_A_STRING', '手机号码须为文本', 'mobile number must be a string'));
  }
  const phone = normalizePhone(value);
  return phone === null
    ? fail(
        problem(
          field,
          'INVALID_PHONE',
          '请填写有效的11位中国大陆手机号码',
          'must be a valid 11-digit mainland China mobile number',
        ),
      )
    : ok(phone);
}
