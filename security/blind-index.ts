import { createHmac } from 'node:crypto';
import type { Keyring } from './keyring.js';

export type BlindIndexKind = 'idNumber' | 'phone' | 'name';

/**
 * ID numbers: trimmed and uppercased (a lowercase check letter x). Phones: digits only, without a
 * +86 prefix. Names: NFKC (full-width letters and the middle dot's variants alike), without spaces.
 */
export function normalizeForIndex(kind: BlindIndexKind, value: string): string {
  if (kind === 'idNumber') return value.replace(/\s/g, '').toUpperCase();
  if (kind === 'name') return value.normalize('NFKC').replace(/\s/g, '');
  const digits = value.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** Deterministic HMAC-SHA256 (hex) of a normalized value: equality lookups on encrypted columns (`*_hash`). */
export function blindIndex(keyring: Keyring, kind: BlindIndexKind, value: string): string {
  return createHmac('sha256', keyring.hmacKey)
    .update(`blind-index/v1/${kind}:${normalizeForIndex(kind, value)}`)
    .digest('hex');
}

const searchAttributeKeys = new WeakMap<Keyring, Buffer>();

/**
 * The borrower's key for the Temporal search attribute. It uses its own derived key, so it can
 * never be matched against the database's blind index.
 */
export function borrowerHash(keyring: Keyring, idNumber: string): string {
  let key = searchAttributeKeys.get(keyring);
  if (!key) {
    key = keyring.derive('search-attribute/borrower/v1');
    searchAttributeKeys.set(keyring, key);
  }
  return createHmac('sha256', key).update(normalizeForIndex('idNumber', idNumber)).digest('hex');
}
