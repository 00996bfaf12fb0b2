// Fills the name blind index (users.name_hash, migration 0023) of borrowers written before it
// existed. The API runs it at start, after the migrations: the HMAC key lives outside the
// database, so SQL alone cannot. Idempotent and resumable: each row is set in its own statement,
// only where it is still empty, so a second API starting at the same time does no harm.
import type { Sql } from '../lib/db-client.js';
import { blindIndex } from './blind-index.js';
import { USER_FIELDS } from './encryption-contexts.js';
import type { FieldCipher } from './field-crypto.js';
import type { Keyring } from './keyring.js';

const BATCH = 200;

/** Returns how many rows got their index. */
export async function backfillNameIndex(sql: Sql, keys: { keyring: Keyring; cipher: FieldCipher }): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await sql<{ id: string; name_enc: string }[]>`
      select id, name_enc from users
      where role = 'BORROWER' and name_enc is not null and name_hash is null
      order by id limit ${BATCH}`;
    if (rows.length === 0) return filled;
    for (const row of rows) {
      const name = keys.cipher.decrypt(row.name_enc, USER_FIELDS.name);
      await sql`update users set name_hash = ${blindIndex(keys.keyring, 'name', name)}
                where id = ${row.id} and name_hash is null and name_enc = ${row.name_enc}`;
    }
    filled += rows.length;
  }
}
