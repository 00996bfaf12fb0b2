// A borrower's row in `users`: the phone, name and ID number sealed, and each also blind-indexed
// for look-up (the name for staff search, api/staff-search.ts). Both ways a borrower comes to exist use it: registering themself, and
// a loan officer's application for someone not yet registered.
import type { Sql } from '../lib/db-client.js';
import { blindIndex } from '../security/blind-index.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { USER_FIELDS } from '../security/encryption-contexts.js';
import type { Keyring } from '../security/keyring.js';

export interface NewBorrower {
  phone: string;
  name: string;
  idNumber: string;
  /** An argon2 hash, or '!' for a borrower who has not chosen a password (no password matches it). */
  passwordHash: string;
  /** When the row is created; the database's clock if not given. */
  createdAt?: Date;
}

/**
 * Inserts the borrower and returns the new user id, or null when the phone number or ID number is
 * already registered.
 */
export async function insertBorrower(
  sql: Sql,
  keys: { keyring: Keyring; cipher: FieldCipher },
  borrower: NewBorrower,
): Promise<string | null> {
  const { keyring, cipher } = keys;
  const [row] = await sql<{ id: string }[]>`
    insert into users (role, phone_hash, phone_enc, name_hash, name_enc, id_number_hash, id_number_enc, password_hash, created_at)
    values ('BORROWER',
            ${blindIndex(keyring, 'phone', borrower.phone)}, ${cipher.encrypt(borrower.phone, USER_FIELDS.phone)},
            ${blindIndex(keyring, 'name', borrower.name)}, ${cipher.encrypt(borrower.name, USER_FIELDS.name)},
            ${blindIndex(keyring, 'idNumber', borrower.idNumber)}, ${cipher.encrypt(borrower.idNumber, USER_FIELDS.idNumber)},
            ${borrower.passwordHash}, coalesce(${borrower.createdAt ?? null}::timestamptz, now()))
    on conflict do nothing
    returning id`;
  return row?.id ?? null;
}
