// Key rotation's second step: after a new key is put first in DATA_KEYS (new data uses it, old
// data stays readable with the old key), this re-encrypts every stored value still under an
// older key, so the old key can eventually be retired. Idempotent and resumable: each row is
// re-encrypted in its own statement, and rows already under the current key are skipped.
import type { Sql } from '../lib/db-client.js';
import {
  APPLICATION_CONTEXT,
  CERTIFICATE_CONTEXT,
  CONTRACT_CONTEXT,
  DOCUMENT_CONTEXT,
  SCHEDULE_CONFIRMATION_CONTEXT,
  USER_FIELDS,
  WEBHOOK_SECRET_CONTEXT,
} from './encryption-contexts.js';
import type { FieldCipher } from './field-crypto.js';

/** Every encrypted text column: table, its key columns, the column and its encryption context. */
export const ENCRYPTED_TEXT_COLUMNS = [
  { table: 'users', key: ['id'], column: 'phone_enc', context: USER_FIELDS.phone },
  { table: 'users', key: ['id'], column: 'name_enc', context: USER_FIELDS.name },
  { table: 'users', key: ['id'], column: 'id_number_enc', context: USER_FIELDS.idNumber },
  { table: 'loans', key: ['id'], column: 'application_enc', context: APPLICATION_CONTEXT },
  { table: 'contracts', key: ['loan_id', 'version'], column: 'html_enc', context: CONTRACT_CONTEXT },
  { table: 'settlement_certificates', key: ['loan_id'], column: 'html_enc', context: CERTIFICATE_CONTEXT },
  { table: 'schedule_confirmations', key: ['loan_id'], column: 'html_enc', context: SCHEDULE_CONFIRMATION_CONTEXT },
  { table: 'webhook_subscriptions', key: ['id'], column: 'secret_enc', context: WEBHOOK_SECRET_CONTEXT },
] as const;

export interface ReencryptionReport {
  currentKeyId: string;
  /** "table.column" → rows re-encrypted. */
  rewritten: Record<string, number>;
}

const BATCH = 200;

export async function reencryptAll(sql: Sql, cipher: FieldCipher, currentKeyId: string): Promise<ReencryptionReport> {
  const current = `v1:${currentKeyId}:%`;
  const report: ReencryptionReport = { currentKeyId, rewritten: {} };

  for (const spec of ENCRYPTED_TEXT_COLUMNS) {
    let count = 0;
    for (;;) {
      const rows = await sql<Array<Record<string, unknown>>>`
        select ${sql(spec.key as unknown as string[])}, ${sql(spec.column)} as value from ${sql(spec.table)}
        where ${sql(spec.column)} is not null and ${sql(spec.column)} not like ${current}
        limit ${BATCH}`;
      if (rows.length === 0) break;
      for (const row of rows) {
        const value = row.value as string;
        const match = spec.key.map((k) => sql`${sql(k)} = ${row[k] as string}`).reduce((a, b) => sql`${a} and ${b}`);
        // Only if nobody changed it meanwhile; a changed value is picked up by the next pass.
        await sql`update ${sql(spec.table)} set ${sql(spec.column)} = ${cipher.reencrypt(value, spec.context)}
                  where ${match} and ${sql(spec.column)} = ${value}`;
      }
      count += rows.length;
    }
    report.rewritten[`${spec.table}.${spec.column}`] = count;
  }

  let documents = 0;
  for (;;) {
    const rows = await sql<{ id: string; key_id: string; content_enc: Buffer }[]>`
      select id, key_id, content_enc from documents where key_id <> ${currentKeyId} limit ${BATCH / 10}`;
    if (rows.length === 0) break;
    for (const row of rows) {
      const sealed = cipher.seal(
        cipher.open({ keyId: row.key_id, bytes: row.content_enc }, DOCUMENT_CONTEXT),
        DOCUMENT_CONTEXT,
      );
      await sql`update documents set content_enc = ${sealed.bytes}, key_id = ${sealed.keyId} where id = ${row.id} and key_id = ${row.key_id}`;
    }
    documents += rows.length;
  }
  report.rewritten['documents.content_enc'] = documents;
  return report;
}
