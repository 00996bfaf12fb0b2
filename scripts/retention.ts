// `npm run retention [-- --dry-run] [--limit 1000] [--database-url <url>]`: removes the personal
// data of loans closed more than RETENTION_YEARS (default 5) ago — application, documents,
// contract and certificate bodies — keeping the ledger and the audit log, and audits each purge.
// Run it daily (cron or a Temporal schedule); it is idempotent. See security/retention.ts.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { createFieldCipher } from '../security/field-crypto.js';
import { loadKeyring } from '../security/keyring.js';
import { useAuditChainKey } from '../security/audit.js';
import { purgeExpiredPersonalData, retentionYears } from '../security/retention.js';
import { localDatabaseUrl } from './database-url.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'dry-run': { type: 'boolean', default: false },
      limit: { type: 'string', default: '1000' },
      'database-url': { type: 'string' },
    },
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ConfigError('--limit', 'must be a whole number from 1 to 100000');
  const config = loadConfig();
  const years = retentionYears();
  const keyring = loadKeyring(config);
  const cipher = createFieldCipher(keyring);
  useAuditChainKey(keyring);
  const sql = connectDb(values['database-url'] ?? localDatabaseUrl(config), {
    max: 2,
    applicationName: 'microloan-retention',
  });
  try {
    const run = await purgeExpiredPersonalData(sql, cipher, {
      now: new Date(),
      years,
      dryRun: values['dry-run'],
      limit,
    });
    const verb = values['dry-run'] ? 'would purge' : 'purged';
    console.log(`保存期限 ${years} 年 / Retention ${years} years: loans closed before ${run.cutoff}`);
    console.log(
      `  ${verb} ${run.purged.length} loan(s)${run.remaining > 0 ? `; ${run.remaining}+ more left for the next run` : ''}`,
    );
    for (const loan of run.purged) {
      console.log(
        `  ${loan.loanId}  closed ${loan.closedAt.slice(0, 10)}${values['dry-run'] ? '' : `  documents ${loan.documents}, contracts ${loan.contracts}, certificate ${loan.certificate ? 'yes' : 'no'}`}`,
      );
    }
    return 0;
  } finally {
    await sql.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `retention failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
