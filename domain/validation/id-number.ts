import { fail, ok, problem, type FieldProblem, type Result } from '../errors.js';
import type { LocalDate } from '../types.js';
import { completedYears, formatLocalDate, isRealDate } from '../dates.js';

/**
 * Province-level codes of GB/T 2260 (the first two digits of an 18-digit resident ID), plus
 * 83 used by residence permits of Taiwan residents (81 Hong Kong and 82 Macao also appear there).
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const ID_SHAPE = /^\d{17}[\dX]$/;
const EARLIEST_BIRTH_YEAR = 1900;

export type Gender = 'MALE' | 'FEMALE';

export interface IdNumberInfo {
  /** Normalized: trimmed, a lowercase check letter made uppercase. */
  idNumber: string;
  regionCode: string;
  birthDate: LocalDate;
  gender: Gender;
  /** Completed years on the `asOf` date the number was validated against. */
  age: number;
  /** Completed years on any other date. */
  ageOn(asOf: LocalDate): number;
}

/** ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idNumberCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function normalizeIdNumber(value: string): string {
  return value.trim().toUpperCase();
}

/**
 * Validates an 18-digit resident identity number (GB 11643-1999): shape, province code, a real
 * birth date not after `asOf`, and the check character. Reports every problem it finds.
 */
export function validateIdNumber(value: unknown, asOf: LocalDate, field = 'idNumber'): Result<IdNumberInfo> {
  if (value === undefined || value === null || value === '') {
    return fail(problem(field, 'REQUIRED', '请填写身份证号码', 'ID number is required'));
  }
  if (typeof value !== 'string') {
    return fail(problem(field, 'NOT_A_STRING', '身份证号码须为文本', 'ID number must be a string'));
  }
  const idNumber = normalizeIdNumber(value);
  if (idNumber.length !== 18) {
    return fail(problem(field, 'INVALID_LENGTH', '身份证号码应为18位', 'ID number must have 18 characters'));
  }
  if (!ID_SHAPE.test(idNumber)) {
    return fail(
      problem(
        field,
        'INVALID_FORMAT',
        '身份证号码前17位须为数字，最后一位为数字或X',
        'ID number must be 17 digits followed by a digit or X',
      ),
    );
  }

  const problems: FieldProblem[] = [];
  const regionCode = idNumber.slice(0, 6);
  if (!PROVINCE_CODES.has(idNumber.slice(0, 2))) {
    problems.push(problem(field, 'INVALID_REGION', '身份证号码的地区码无效', 'ID number has an unknown region code'));
  }

  const year = Number(idNumber.slice(6, 10));
  const month = Number(idNumber.slice(10, 12));
  const day = Number(idNumber.slice(12, 14));
  const birthDate =
    isRealDate(year, month, day) && year >= EARLIEST_BIRTH_YEAR ? formatLocalDate({ year, month, day }) : null;
  if (birthDate === null) {
    problems.push(
      problem(field, 'INVALID_BIRTH_DATE', '身份证号码中的出生日期无效', 'ID number contains an impossible birth date'),
    );
  } else if (birthDate > asOf) {
    problems.push(
      problem(
        field,
        'BIRTH_DATE_IN_FUTURE',
        '身份证号码中的出生日期晚于今天',
        'ID number has a birth date in the future',
      ),
    );
  }

  if (idNumberCheckChar(idNumber.slice(0, 17)) !== idNumber[17]) {
    problems.push(
      problem(
        field,
        'INVALID_CHECKSUM',
        '身份证号码校验位不正确，请核对',
        'ID number check digit is wrong; please check the number',
      ),
    );
  }

  if (problems.length > 0 || birthDate === null) return fail(...problems);
  const gender: Gender = Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
  return ok({
    idNumber,
    regionCode,
    birthDate,
    gender,
    age: completedYears(birthDate, asOf),
    ageOn: (date: LocalDate) => completedYears(birthDate, date),
  });
}
