// `npm run backfill:loan-views`: once, after the first deploy of workers that hand the view fields
// over (loans.view_fields): each loan's fields are taken from its workflow's view, for loans closed
// or asleep since before, while Temporal still has them. A field the workflow has written since is
// newer and stays; running it again refreshes only what it wrote. Prints the loans Temporal no
// longer has: their detail lacks the fields only the workflow knew.
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { AT_ONCE, backfillLoanViews } from '../ops/loan-view-backfill.js';
import { loadKeyring } from '../security/keyring.js';
import { temporalDataConverter } from '../security/payload-codec.js';
import { localDatabaseUrl } from './database-url.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.TEMPORAL_ADDRESS && config.APP_MODE !== 'local') throw new ConfigError('TEMPORAL_ADDRESS', 'must be set');
  const sql = connectDb(localDatabaseUrl(config), { max: AT_ONCE, applicationName: 'microloan-backfill' });
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS ?? `127.0.0.1:${process.env.TEMPORAL_PORT ?? 7233}`,
  });
  try {
    const client = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(loadKeyring(config)),
    });
    const report = await backfillLoanViews(sql, client);
    console.log(`已补齐 ${report.filled.length} 笔贷款 / ${report.filled.length} loans filled from their workflows`);
    for (const id of report.gone) console.log(`- ${id}: Temporal 中已无此流程 / no longer in Temporal`);
    return 0;
  } finally {
    await connection.close();
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `backfill failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
