import type { Sql } from '../../lib/db-client.js';

/** The bureau keeps a durable record of every report request: who was looked up, under which consent. */
export async function recordEnquiry(
  sql: Sql,
  enquiry: { idNumberHash: string; consentId: string; purpose: string },
): Promise<void> {
  await sql`
    insert into bureau_enquiries (id_number_hash, consent_id, purpose)
    values (${enquiry.idNumberHash}, ${enquiry.consentId}, ${enquiry.purpose})`;
}

export async function enquiryCount(sql: Sql, idNumberHash: string): Promise<number> {
  const [row] = await sql<
    { count: number }[]
  >`select count(*)::int as count from bureau_enquiries where id_number_hash = ${idNumberHash}`;
  return row?.count ?? 0;
}
