// Valid-looking identities for tests: real GB 11643 check characters and Luhn card numbers.
import { idNumberCheckChar } from '../../domain/validation/id-number.js';
import { luhnCheckDigit } from '../../domain/validation/bank-card.js';

let counter = 0;

/**
 * An 18-character resident ID. `profileDigit` is the 17th digit, which picks the simulated
 * bureau profile: 0–5 CLEAN, 6 THIN_FILE, 7 DELINQUENT, 8 MULTI_LENDER, 9 BLACKLISTED.
 */
export function makeIdNumber(options: { birthDate?: string; profileDigit?: number; region?: string } = {}): string {
  counter += 1;
  const birth = (options.birthDate ?? '1990-05-17').replace(/-/g, '');
  const region = options.region ?? '110105';
  const seq = String((counter * 7 + process.pid) % 100).padStart(2, '0');
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
