import { fail, ok, problem, type Result } from '../errors.js';

const CARD_DIGITS = /^\d{12,19}$/;
const SEPARATORS = /[\s-]/g;

/** Luhn (mod 10) check digit to append to `partial`. */
export function luhnCheckDigit(partial: string): string {
  if (!/^\d+$/.test(partial)) throw new RangeError('luhnCheckDigit needs digits');
  let sum = 0;
  // Doubling starts from the rightmost digit of the partial number, which sits next to the check digit.
  for (let i = 0; i < partial.length; i += 1) {
    let digit = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

export function normalizeCardNumber(value: string): string {
  return value.replace(SEPARATORS, '');
}

/** A debit card number: 12–19 digits (spaces and dashes ignored) passing the Luhn check. Returns the bare digits. */
export function validateBankCard(value: unknown, field = 'cardNumber'): Result<string> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '请填写银行卡号', 'card number is required'));
  }
  if (typeof value !== 'string') {
    return fail(problem(field, 'NOT_A_STRING', '银行卡号须为文本', 'card number must be a string'));
  }
  const digits = normalizeCardNumber(value);
  if (!CARD_DIGITS.test(digits)) {
    return fail(
      problem(field, 'INVALID_CARD_FORMAT', '银行卡号应为12至19位数字', 'card number must have 12 to 19 digits'),
    );
  }
  if (!isLuhnValid(digits)) {
    return fail(
      problem(
        field,
        'INVALID_CARD_CHECKSUM',
        '银行卡号校验失败，请核对',
        'card number fails the check digit; please check it',
      ),
    );
  }
  return ok(digits);
}
