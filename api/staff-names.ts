// The names staff read for the people who acted on a loan or hold a task: a staff user's name
// (decrypted), or their username when they have none. Borrowers are never named here: their name
// is personal data shown only through the masked applicant.
import type { Role } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { USER_FIELDS } from '../security/encryption-contexts.js';

export interface StaffPerson {
  name: string;
  role: Role;
}

/** The staff among `ids`, by id; unknown ids and borrowers are left out. */
export async function staffNames(
  sql: Sql,
  cipher: FieldCipher,
  ids: Iterable<string | null | undefined>,
): Promise<Record<string, StaffPerson>> {
  const wanted = [...new Set([...ids].filter((id): id is string => typeof id === 'string' && UUID.test(id)))];
  if (wanted.length === 0) return {};
  const rows = await sql<{ id: string; role: Role; username: string | null; name_enc: string | null }[]>`
    select id, role, username, name_enc from users where id in ${sql(wanted)} and role <> 'BORROWER'`;
  return Object.fromEntries(
    rows.map((r) => [
      r.id,
      { name: r.name_enc ? cipher.decrypt(r.name_enc, USER_FIELDS.name) : (r.username ?? r.id), role: r.role },
    ]),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
