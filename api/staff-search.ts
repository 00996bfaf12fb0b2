// Staff search: a loan by its id, or a borrower's loans by phone, ID number or name. Personal
// values are looked up by their blind index (security/blind-index.ts), so no SQL text or
// parameter ever carries them in clear; the caller's scope (api/loan-access.ts) limits the loans.
import type { SearchKind } from '../domain/staff-search-query.js';
import type { Sql } from '../lib/db-client.js';
import type { AuthUser } from '../security/authenticator.js';
import { blindIndex } from '../security/blind-index.js';
import type { Keyring } from '../security/keyring.js';
import { loanScope } from './loan-access.js';
import type { BorrowerIdentityRow } from './staff-borrower-presenter.js';

export const SEARCH_LIMIT = 50;

export interface SearchRow extends BorrowerIdentityRow {
  id: string;
  status: string;
  loan_type: string;
  product_code: string;
  amount: string;
  created_at: Date;
}

function matching(sql: Sql, keyring: Keyring, kind: SearchKind, value: string) {
  switch (kind) {
    case 'loanId':
      return sql`l.id = ${value}`;
    case 'idNumber':
      return sql`u.id_number_hash = ${blindIndex(keyring, 'idNumber', value)}`;
    case 'phone':
      return sql`u.phone_hash = ${blindIndex(keyring, 'phone', value)}`;
    case 'name':
      return sql`u.name_hash = ${blindIndex(keyring, 'name', value)}`;
  }
}

/** Newest first, at most SEARCH_LIMIT, within the user's scope. */
export async function searchLoans(
  sql: Sql,
  keyring: Keyring,
  user: AuthUser,
  query: { kind: SearchKind; value: string },
): Promise<SearchRow[]> {
  return sql<SearchRow[]>`
    select l.id, l.status, l.loan_type, l.product_code, l.amount, l.created_at,
           u.id as borrower_id, u.name_enc, u.phone_enc, u.id_number_enc
    from loans l join users u on u.id = l.borrower_id
    where ${matching(sql, keyring, query.kind, query.value)} and ${loanScope(sql, user)}
    order by l.created_at desc, l.id
    limit ${SEARCH_LIMIT}`;
}
