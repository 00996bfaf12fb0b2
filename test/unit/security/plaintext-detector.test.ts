import { describe, expect, it } from 'vitest';
import { maskCard, maskIdNumber, maskPhone } from '../../../domain/masking.js';
import { luhnCheckDigit } from '../../../domain/validation/bank-card.js';
import { idNumberCheckChar } from '../../../domain/validation/id-number.js';
import {
  decodeBase64Text,
  findPlaintext,
  findPlaintextDeep,
  findPlaintextInJson,
  isCardNumber,
  isResidentIdNumber,
} from '../../../security/plaintext-detector.js';

const ID = (() => {
  const first17 = '11010519900307123';
  return first17 + idNumberCheckChar(first17);
})();
const ID_X = (() => {
  // Search for a birth sequence whose check character is X, to cover the letter.
  for (let seq = 100; seq < 999; seq++) {
    const first17 = `44030619851224${seq}`;
    if (idNumberCheckChar(first17) === 'X') return `${first17}X`;
  }
  throw new Error('no X check character found');
})();
const CARD = (() => {
  const body = '622202123456789';
  return body + luhnCheckDigit(body);
})();
const CARD19 = (() => {
  const body = '621700123456789012';
  return body + luhnCheckDigit(body);
})();
const PHONE = '13912345678';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('plaintext detector', () => {
  it('recognises a resident ID number only with a valid GB 11643 check character, region and birth date', () => {
    expect(isResidentIdNumber(ID)).toBe(true);
    expect(isResidentIdNumber(ID_X)).toBe(true);
    expect(isResidentIdNumber(ID_X.toLowerCase())).toBe(true);
    const wrongCheck = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0');
    expect(isResidentIdNumber(wrongCheck)).toBe(false);
    const noRegion = `99${ID.slice(2, 17)}`;
    expect(isResidentIdNumber(noRegion + idNumberCheckChar(noRegion))).toBe(false);
    const badDate = '11010519901345123';
    expect(isResidentIdNumber(badDate + idNumberCheckChar(badDate))).toBe(false);
  });

  it('recognises card numbers by length, Luhn check and issuer range', () => {
    expect(isCardNumber(CARD)).toBe(true);
    expect(isCardNumber(CARD19)).toBe(true);
    expect(isCardNumber(CARD.slice(0, 15) + ((Number(CARD[15]) + 1) % 10))).toBe(false);
    const nanos = '176722560000000000';
    expect(isCardNumber(nanos + luhnCheckDigit(nanos))).toBe(false);
    const short = '62220212345678';
    expect(isCardNumber(short + luhnCheckDigit(short))).toBe(false);
  });

  it('finds each kind in free text and JSON log lines, masked in the report', () => {
    const line = JSON.stringify({ level: 30, msg: 'oops', idNumber: ID, phone: PHONE, card: CARD });
    const found = findPlaintext(line);
    expect(found.map((f) => f.kind)).toEqual(['ID_NUMBER', 'PHONE', 'CARD']);
    expect(found.map((f) => f.masked)).toEqual([maskIdNumber(ID), maskPhone(PHONE), maskCard(CARD)]);
    expect(JSON.stringify(found)).not.toContain(ID);
    expect(findPlaintext(`联系电话${PHONE}，身份证${ID_X}`).map((f) => f.kind)).toEqual(['PHONE', 'ID_NUMBER']);
  });

  it('finds phones with a country prefix or separators, and cards in groups of four', () => {
    expect(findPlaintext('+86 139-1234-5678').map((f) => f.kind)).toEqual(['PHONE']);
    expect(findPlaintext('tel +8613912345678.').map((f) => f.kind)).toEqual(['PHONE']);
    expect(findPlaintext('139 1234 5678').map((f) => f.kind)).toEqual(['PHONE']);
    const grouped = CARD.replace(/(\d{4})(?=\d)/g, '$1 ');
    expect(findPlaintext(`card ${grouped} end`).map((f) => f.kind)).toEqual(['CARD']);
  });

  it('ignores masked forms', () => {
    const masked = [
      maskIdNumber(ID),
      maskPhone(PHONE),
      maskCard(CARD),
      '139****5678',
      '110105********1234',
      '**** **** **** 7890',
    ].join(' ');
    expect(findPlaintext(masked)).toEqual([]);
  });

  it('ignores numbers that are parts of longer tokens: hex digests, longer digit runs, ids', () => {
    expect(findPlaintext(`a${PHONE}`)).toEqual([]);
    expect(findPlaintext(`${PHONE}f`)).toEqual([]);
    expect(findPlaintext(`9${ID}`)).toEqual([]);
    expect(findPlaintext(`sha256 0f${PHONE}e3${CARD}ab`)).toEqual([]);
    expect(findPlaintext('loan-20260131-0a1b2c3d4e amount 60000.00 at 2026-01-31T08:00:00.000Z pid 12345')).toEqual([]);
    expect(findPlaintext('12345678901')).toEqual([]); // 11 digits but not a mobile prefix
  });

  it('decodes base64 and base64url, and finds identifiers in what it decodes to', () => {
    expect(decodeBase64Text(b64(PHONE))).toBe(PHONE);
    expect(decodeBase64Text('not base64!')).toBeNull();
    const payload = b64(JSON.stringify({ applicant: { idNumber: ID } }));
    expect(findPlaintextDeep(`data=${payload}`).map((f) => [f.kind, f.path])).toEqual([['ID_NUMBER', '~base64']]);
    const url = Buffer.from(`"${PHONE}"`).toString('base64url');
    expect(findPlaintextDeep(url).map((f) => f.kind)).toEqual(['PHONE']);
  });

  it('walks a history-shaped JSON document: values, nested payload bytes, twice-encoded data', () => {
    const inner = b64(JSON.stringify({ cardNumber: CARD }));
    const history = {
      events: [
        {
          eventId: '1',
          attributes: {
            input: {
              payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ phone: PHONE })) }],
            },
          },
        },
        {
          eventId: '2',
          attributes: {
            result: {
              payloads: [{ metadata: { encoding: b64('binary/encrypted') }, data: b64(`\u0012\u0004${inner}`) }],
            },
          },
        },
        { eventId: '3', attributes: { failure: { message: `no ${ID_X}` } } },
      ],
    };
    const found = findPlaintextInJson(history);
    expect(found.map((f) => [f.kind, f.path])).toEqual([
      ['PHONE', 'events[0].attributes.input.payloads[0].data~base64'],
      ['CARD', 'events[1].attributes.result.payloads[0].data~base64~base64'],
      ['ID_NUMBER', 'events[2].attributes.failure.message'],
    ]);
  });

  it('finds nothing in encrypted payload bytes', () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)).toString('base64');
    expect(findPlaintextInJson({ payloads: [{ data: random }] })).toEqual([]);
  });
});
