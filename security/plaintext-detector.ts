// Finds personal identifiers written in clear: resident ID numbers, mainland mobile numbers and
// bank card numbers. Pure; used by scripts/scan-plaintext.ts on logs and Temporal histories.
// Masked forms ("110105********0021", "138****1234", "**** **** **** 1234") never match,
// because a match needs the whole number, with a valid check digit where the number has one.
import { idNumberCheckChar, PROVINCE_CODES } from '../domain/validation/id-number.js';
import { isLuhnValid } from '../domain/validation/bank-card.js';
import { maskCard, maskIdNumber, maskPhone } from '../domain/masking.js';

export type PlaintextKind = 'ID_NUMBER' | 'PHONE' | 'CARD';

export interface PlaintextFinding {
  kind: PlaintextKind;
  /** Character offset in the scanned text. */
  offset: number;
  /** The value masked, so a report can point at it without repeating it. */
  masked: string;
}

// A number counts only when it stands alone: no letter or digit right before or after it, so
// digit runs inside hex digests, base64 or longer numbers are not taken for identifiers.
const EDGE_BEFORE = '(?<![0-9A-Za-z])';
const EDGE_AFTER = '(?![0-9A-Za-z])';
const COMPACT = new RegExp(`${EDGE_BEFORE}\\+?\\d{11,19}[Xx]?${EDGE_AFTER}`, 'g');
const SPACED_PHONE = new RegExp(`${EDGE_BEFORE}(?:\\+?86[ -]?)?1[3-9]\\d[ -]\\d{4}[ -]\\d{4}${EDGE_AFTER}`, 'g');
const GROUPED_CARD = new RegExp(`${EDGE_BEFORE}\\d{4}(?:[ -]\\d{4}){3}(?:[ -]\\d{1,3})?${EDGE_AFTER}`, 'g');

const MOBILE = /^1[3-9]\d{9}$/;

/** GB 11643: 17 digits and a check character, a known province, a real birth date from 1900 on. */
export function isResidentIdNumber(value: string): boolean {
  const id = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id) || !PROVINCE_CODES.has(id.slice(0, 2))) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  const realDate = year >= 1900 && year <= 2100 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return realDate && idNumberCheckChar(id.slice(0, 17)) === id[17];
}

export function isMobileNumber(digits: string): boolean {
  return MOBILE.test(digits);
}

/**
 * 16–19 digits, Luhn-valid, from an issuer range of payment cards (ISO/IEC 7812 major industry
 * identifiers 3–6, and Mastercard's 2221–2720). The issuer rule keeps nanosecond timestamps
 * (which start with 1) from counting as cards.
 */
export function isCardNumber(digits: string): boolean {
  if (!/^\d{16,19}$/.test(digits) || !isLuhnValid(digits)) return false;
  const first = digits[0]!;
  if (first >= '3' && first <= '6') return true;
  const six = Number(digits.slice(0, 6));
  return six >= 222100 && six <= 272099;
}

function classifyCompact(token: string): PlaintextFinding['kind'] | null {
  const plus = token.startsWith('+');
  const value = plus ? token.slice(1) : token;
  if (/[Xx]$/.test(value)) return value.length === 18 && isResidentIdNumber(value) ? 'ID_NUMBER' : null;
  if (value.length === 13 && value.startsWith('86') && isMobileNumber(value.slice(2))) return 'PHONE';
  if (plus) return null;
  if (value.length === 11 && isMobileNumber(value)) return 'PHONE';
  if (value.length === 18 && isResidentIdNumber(value)) return 'ID_NUMBER';
  if (isCardNumber(value)) return 'CARD';
  return null;
}

function mask(kind: PlaintextKind, value: string): string {
  if (kind === 'ID_NUMBER') return maskIdNumber(value);
  if (kind === 'PHONE') return maskPhone(value.replace(/[^\d]/g, '').slice(-11));
  return maskCard(value);
}

/** Every clear identifier in `text`, in order of appearance. */
export function findPlaintext(text: string): PlaintextFinding[] {
  const found = new Map<number, PlaintextFinding>();
  const add = (kind: PlaintextKind, offset: number, value: string) => {
    if (!found.has(offset)) found.set(offset, { kind, offset, masked: mask(kind, value) });
  };
  for (const match of text.matchAll(COMPACT)) {
    const kind = classifyCompact(match[0]);
    if (kind) add(kind, match.index, match[0]);
  }
  for (const match of text.matchAll(SPACED_PHONE)) {
    if (isMobileNumber(match[0].replace(/\D/g, '').slice(-11))) add('PHONE', match.index, match[0]);
  }
  for (const match of text.matchAll(GROUPED_CARD)) {
    if (isCardNumber(match[0].replace(/\D/g, ''))) add('CARD', match.index, match[0]);
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}

const BASE64_TOKEN = /^[A-Za-z0-9+/_-]{8,}={0,2}$/;
const BASE64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

/** The text a base64 (or base64url) string stands for; bytes read as Latin-1, so digits survive any binary around them. */
export function decodeBase64Text(value: string): string | null {
  if (value.replace(/=+$/, '').length % 4 === 1 || !BASE64_TOKEN.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length > 0 ? bytes.toString('latin1') : null;
}

export interface LocatedFinding extends PlaintextFinding {
  /** Where: a dotted JSON path (or "" for plain text), with "~base64" for each decoding step. */
  path: string;
}

const MAX_DECODE_DEPTH = 3;

function scanText(text: string, path: string, depth: number, out: LocatedFinding[]): void {
  for (const finding of findPlaintext(text)) out.push({ ...finding, path });
  if (depth >= MAX_DECODE_DEPTH) return;
  // Payload bytes travel as base64; what they decode to may be JSON or protobuf holding more base64.
  for (const match of text.matchAll(BASE64_RUN)) {
    const decoded = decodeBase64Text(match[0]);
    if (decoded !== null) scanText(decoded, `${path}~base64`, depth + 1, out);
  }
}

/** Clear identifiers in `text` and in whatever its base64 runs decode to, a few levels deep. */
export function findPlaintextDeep(text: string, path = ''): LocatedFinding[] {
  const out: LocatedFinding[] = [];
  scanText(text, path, 0, out);
  return out;
}

/** Clear identifiers anywhere in a parsed JSON document: keys, values, and decoded base64 (payload bytes). */
export function findPlaintextInJson(document: unknown): LocatedFinding[] {
  const out: LocatedFinding[] = [];
  const walk = (value: unknown, path: string, depth: number) => {
    if (depth > 200) return;
    if (typeof value === 'string') scanText(value, path, 0, out);
    else if (typeof value === 'number' || typeof value === 'bigint')
      scanText(String(value), path, MAX_DECODE_DEPTH, out);
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const at = path ? `${path}.${key}` : key;
        scanText(key, `${at}<key>`, MAX_DECODE_DEPTH, out);
        walk(item, at, depth + 1);
      }
    }
  };
  walk(document, '', 0);
  return out;
}
