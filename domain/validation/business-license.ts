import { fail, ok, problem, type Result } from '../errors.js';

// Unified social credit code (统一社会信用代码, GB 32100-2015), printed on every business
// licence since 2018, sole proprietors (个体工商户, prefix 92) included.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** Check character for the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) throw new RangeError('creditCodeCheckChar needs 17 code characters');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** An 18-character unified social credit code with a valid check character; returned uppercase. */
export function validateLicenseNumber(value: unknown, field = 'licenseNumber'): Result<string> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '请填写统一社会信用代码', 'the unified social credit code is required'));
  }
  if (typeof value !== 'string') return fail(problem(field, 'NOT_A_STRING', '应为文本', 'must be a string'));
  const code = value.trim().toUpperCase();
  if (!SHAPE.test(code)) {
    return fail(
      problem(
        field,
        'INVALID_LICENSE_NUMBER',
        '统一社会信用代码应为18位（不含I、O、S、V、Z）',
        'must be an 18-character unified social credit code (no I, O, S, V, Z)',
      ),
    );
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) {
    return fail(
      problem(
        field,
        'INVALID_LICENSE_CHECKSUM',
        '统一社会信用代码校验位不正确',
        'the unified social credit code check character is wrong',
      ),
    );
  }
  return ok(code);
}
