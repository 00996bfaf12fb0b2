// Unique, valid applicants by index: thousands per run without a collision, so every one is a
// new borrower (one loan in flight per borrower is a business rule).
import { randomInt } from 'node:crypto';
import { addDays } from '../../domain/dates.js';
import { luhnCheckDigit } from '../../domain/validation/bank-card.js';
import { idNumberCheckChar } from '../../domain/validation/id-number.js';

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
    const seq = String((Math.floor(index / BIRTH_DAYS) + salt) % 100).padStart(2, '0');
    const first17 = `110105${birth}${seq}${profileDigit}`;
    const serial = String(salt * 1_000_000 + index).padStart(8, '0').slice(-8);
    // The bank simulator refuses payouts to cards ending 4444 and debits from cards ending 5555.
    const cardOf = (prefix: string) => `${prefix}${serial.slice(1)}` + luhnCheckDigit(`${prefix}${serial.slice(1)}`);
    const card = [cardOf('62220210'), cardOf('62220211')].find((c) => !/(4444|5555)$/.test(c))!;
    return {
      name: `${SURNAMES[index % 10]}${GIVEN[Math.floor(index / 10) % 10]}`,
      idNumber: first17 + idNumberCheckChar(first17),
      phone: `137${serial}`,
      cardNumber: card,
      password: `Bench${serial}x`,
    };
  };
}
