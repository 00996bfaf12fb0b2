// Valid-looking identities: real GB 11643 check characters and Luhn card numbers. makeIdNumber and
// friends give one-off people for a test; applicants() gives thousands of distinct ones by index.
import { randomInt } from 'node:crypto';
import { addDays } from '../domain/dates.js';
import { luhnCheckDigit } from '../domain/validation/bank-card.js';
import { idNumberCheckChar } from '../domain/validation/id-number.js';

let counter = 0;

/** The name ID numbers are made for when a test names nobody. */
export const DEFAULT_NAME = '张伟';

/**
 * The simulated identity register's code of a name (simulators/identity/rules.ts): the sum of its
 * code points mod 99, plus 1. The register holds the name whose code is the ID number's 15th and
 * 16th digits.
 */
export function identityNameCode(name: string): number {
  let sum = 0;
  for (const ch of name.normalize('NFC').trim()) sum += ch.codePointAt(0)!;
  return (sum % 99) + 1;
}

/**
 * An 18-character resident ID registered to `name` (张伟 unless given) in the simulated identity
 * register. `profileDigit` is the 17th digit, which picks the simulated bureau profile: 0–5 CLEAN,
 * 6 THIN_FILE, 7 DELINQUENT, 8 MULTI_LENDER, 9 BLACKLISTED. The region code varies, so one run's
 * people do not share ID numbers.
 */
export function makeIdNumber(
  options: { birthDate?: string; profileDigit?: number; region?: string; name?: string } = {},
): string {
  counter += 1;
  const birth = (options.birthDate ?? '1990-05-17').replace(/-/g, '');
  const region =
    options.region ??
    `11${String((counter * 7919 + process.pid * 31 + randomInt(0, 10_000)) % 10_000).padStart(4, '0')}`;
  const seq = String(identityNameCode(options.name ?? DEFAULT_NAME)).padStart(2, '0');
  const first17 = `${region}${birth}${seq}${options.profileDigit ?? 1}`;
  return first17 + idNumberCheckChar(first17);
}

export function makePhone(): string {
  counter += 1;
  const tail = String((Date.now() + counter * 7919 + process.pid * 13) % 100_000_000).padStart(8, '0');
  return `139${tail}`;
}

/** A 16-digit card; `ending` picks the bank simulator's behaviour (4444 transfer fails, 5555 debit fails). */
export function makeCardNumber(ending?: string): string {
  counter += 1;
  const body = `622202${String((counter * 104729 + process.pid) % 1_000_000_000).padStart(9, '0')}`;
  if (!ending) return body + luhnCheckDigit(body);
  // One digit before the ending can always be chosen so that the whole number passes the Luhn check.
  for (let d = 0; d <= 9; d++) {
    const candidate = `${body.slice(0, 15 - ending.length)}${d}${ending}`.slice(0, 16);
    if (luhnCheckDigit(candidate.slice(0, 15)) === candidate[15]) return candidate;
  }
  throw new Error(`no Luhn-valid card ends in ${ending}`);
}

// Unique, valid applicants by index: thousands per run without a collision, so every one is a
// new borrower (one loan in flight per borrower is a business rule).
export interface Applicant {
  name: string;
  idNumber: string;
  phone: string;
  cardNumber: string;
  password: string;
}

const BIRTH_DAYS = 9_000; // 1975-01-01 plus up to ~24 years: ages 27 to 51 in 2026
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋'];

/** Distinct runs against one database get distinct people through the salt. */
export function applicants(salt = randomInt(0, 90)) {
  return (index: number, profileDigit = 1): Applicant => {
    const birth = addDays('1975-01-01', index % BIRTH_DAYS).replace(/-/g, '');
    const name = `${SURNAMES[index % 10]}${GIVEN[Math.floor(index / 10) % 10]}`;
    // The sequence code is the name's in the identity register; the salt and the index beyond the
    // birth days pick the region code.
    const seq = String(identityNameCode(name)).padStart(2, '0');
    const region = `11${String((Math.floor(index / BIRTH_DAYS) * 97 + salt * 101) % 10_000).padStart(4, '0')}`;
    const first17 = `${region}${birth}${seq}${profileDigit}`;
    const serial = String(salt * 1_000_000 + index)
      .padStart(8, '0')
      .slice(-8);
    // The bank simulator refuses payouts to cards ending 4444 and debits from cards ending 5555, and
    // reports a card ending 0000 as not matching its holder (index 0 under some salts).
    const cardOf = (prefix: string) => `${prefix}${serial.slice(1)}` + luhnCheckDigit(`${prefix}${serial.slice(1)}`);
    const card = [cardOf('62220210'), cardOf('62220211')].find((c) => !/(4444|5555|0000)$/.test(c))!;
    return {
      name,
      idNumber: first17 + idNumberCheckChar(first17),
      phone: `137${serial}`,
      cardNumber: card,
      password: `Bench${serial}x`,
    };
  };
}
