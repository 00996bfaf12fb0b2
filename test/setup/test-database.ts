// A fresh, migrated database per test file on the suite's embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { migrate } from '../../db/migrate.js';

export interface TestDatabase {
  sql: Sql;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(adminUrl: string, prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const sql = connectDb(url, { max: 10, applicationName: name });
  await migrate(sql);
  return {
    sql,
    url,
    async drop() {
      await sql.end({ timeout: 5 });
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}
