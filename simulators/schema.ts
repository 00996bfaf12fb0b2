import { readFile } from 'node:fs/promises';
import type { Sql } from '../lib/db-client.js';

const SCHEMA_FILE = new URL('./schema.sql', import.meta.url);
// Two simulator processes booting on one database would otherwise race on `create table if not exists`.
const SCHEMA_LOCK = 74_201_001;

export const SIMULATOR_TABLES = [
  'bank_payments',
  'bank_incoming_payments',
  'bureau_enquiries',
  'bureau_report_submissions',
  'bureau_report_records',
  'bureau_report_rejection_rules',
  'notify_messages',
  'gateway_orders',
  'partner_callbacks',
] as const;

export async function ensureSimulatorSchema(sql: Sql): Promise<void> {
  const ddl = await readFile(SCHEMA_FILE, 'utf8');
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SCHEMA_LOCK})`;
    await tx.unsafe(ddl);
  });
}

export async function truncateSimulatorTables(sql: Sql): Promise<void> {
  await sql.unsafe(`truncate ${SIMULATOR_TABLES.join(', ')} restart identity`);
}
