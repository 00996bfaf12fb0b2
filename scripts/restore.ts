// `npm run restore -- --from <backup folder> [--database-url <url>] [--temporal-db <file>]
//                    [--skip-temporal] [--replace]`
// Checks every file of the backup against SHA256SUMS and the manifest before touching anything,
// and refuses a backup that does not match. Then it migrates the (empty) target database to the
// backup's migrations, loads every table, resets the sequences, and verifies row counts, ledger
// totals and the audit chain against the manifest. The Temporal file goes back only while the
// dev server is stopped.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { checkRestored, isEmptyDatabase, loadDatabase, migrationProblems } from '../db/backup/load.js';
import { sha256File, verifyBackup } from '../db/backup/manifest.js';
import { restoreTemporalFile, temporalServerRunning } from '../db/backup/temporal-file.js';
import { ROOT } from '../lib/tools.js';
import { localDatabaseUrl } from './database-url.js';
import { auditChainKey } from '../security/audit.js';
import { loadKeyring } from '../security/keyring.js';

function refuse(problems: string[], what: string): number {
  console.error(`拒绝恢复 / Restore refused: ${what}`);
  for (const problem of problems) console.error(`  - ${problem}`);
  return 1;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      'database-url': { type: 'string' },
      'temporal-db': { type: 'string' },
      'skip-temporal': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
    },
  });
  if (!values.from) throw new ConfigError('--from', 'must name the backup folder');
  const config = loadConfig();
  const dataDir = resolve(ROOT, config.DATA_DIR);
  const from = resolve(values.from);

  const { manifest, problems } = await verifyBackup(from);
  if (!manifest || problems.length > 0)
    return refuse(problems, 'the backup does not match its checksums; nothing was changed');
  const migrations = await migrationProblems(manifest);
  if (migrations.length > 0)
    return refuse(migrations, 'this checkout cannot rebuild the backup’s schema; nothing was changed');

  const temporalTarget =
    manifest.temporal && !values['skip-temporal']
      ? resolve(values['temporal-db'] ?? join(dataDir, 'temporal.db'))
      : null;
  if (temporalTarget) {
    if (temporalServerRunning(dataDir))
      return refuse(
        ['stop the stack (Ctrl-C on npm start) first'],
        'the Temporal dev server is running; nothing was changed',
      );
    if (existsSync(temporalTarget) && !values.replace)
      return refuse([`${temporalTarget} exists; pass --replace to overwrite it`], 'nothing was changed');
  }

  const sql = connectDb(values['database-url'] ?? localDatabaseUrl(config), {
    max: 1,
    applicationName: 'microloan-restore',
  });
  try {
    if (!(await isEmptyDatabase(sql))) {
      if (!values.replace)
        return refuse(
          ['the target database already has tables; restore into a new, empty database or pass --replace'],
          'nothing was changed',
        );
      await sql`drop schema public cascade`;
      await sql`create schema public`;
    }
    await loadDatabase(sql, from, manifest);
    const differences = await checkRestored(sql, manifest, auditChainKey(loadKeyring(config)));
    if (differences.length > 0) return refuse(differences, 'the restored database differs from the backup');
  } finally {
    await sql.end();
  }

  if (temporalTarget && manifest.temporal) {
    restoreTemporalFile(join(from, manifest.temporal.file), temporalTarget);
    if ((await sha256File(temporalTarget)) !== manifest.temporal.sha256)
      return refuse(
        [`${temporalTarget} does not match the backup's sha256`],
        'the Temporal file was not copied intact',
      );
  }

  const rows = manifest.database.tables.reduce((n, t) => n + t.rows, 0);
  console.log(`恢复完成并已核对 / Restored and verified from ${from}`);
  console.log(`  database   ${manifest.database.tables.length} tables, ${rows} rows match the manifest`);
  console.log(
    `  ledger     ${manifest.ledger.entries} entries, debits ${manifest.ledger.debits} = credits ${manifest.ledger.credits}`,
  );
  console.log(`  audit      chain intact, ${manifest.audit.rows} rows, head ${manifest.audit.lastHash}`);
  console.log(`  temporal   ${temporalTarget ? temporalTarget : 'not restored'}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `restore failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
