// `npm run migrate [-- --database-url <url>]`: applies the pending migrations (db/migrations) as the
// owner of the application's database. The API and the worker connect as microloan_app, which may
// not change the schema: deployments run this first (docker-compose's app-migrate job).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { migrate } from '../db/migrate.js';
import { localDatabaseUrl } from './database-url.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } });
  const config = loadConfig();
  const sql = connectDb(values['database-url'] ?? localDatabaseUrl(config), {
    max: 1,
    applicationName: 'microloan-migrate',
  });
  try {
    const applied = await migrate(sql);
    console.log(applied.length === 0 ? 'migrations: up to date' : `migrations applied: ${applied.join(', ')}`);
    return 0;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `migrate failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
