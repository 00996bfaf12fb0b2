// The role the API and the worker connect as (migration 0024 creates it): no superuser, data
// rights only, and on the audit log SELECT and INSERT alone. The database owner applies the
// migrations and gives the role its password; the password never lives in the database's files
// in clear (PostgreSQL keeps a SCRAM verifier).
import type { Sql } from '../lib/db-client.js';

export const APP_ROLE = 'microloan_app';

const PASSWORD = /^[A-Za-z0-9_-]{24,128}$/;

/** Sets the app role's password; run on a connection of the database owner. */
export async function setAppRolePassword(owner: Sql, password: string): Promise<void> {
  // ALTER ROLE takes no bind parameters; the password's alphabet leaves nothing to quote.
  if (!PASSWORD.test(password)) throw new Error('the app role password must be 24-128 characters of A-Z a-z 0-9 _ -');
  await owner.unsafe(`alter role ${APP_ROLE} with login password '${password}'`);
}

/** The owner's connection URL with the app role's name and password in its place. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}
