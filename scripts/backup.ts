// `npm run backup [-- --out <folder>] [--temporal-db <file>]`: the system database (every table
// by COPY from one snapshot) and the Temporal dev server's SQLite file, with a manifest and sha256
// of every file. See db/backup/manifest.ts for the layout; `npm run restore` brings it back.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { dumpDatabase } from '../db/backup/dump.js';
import {
  BACKUP_FORMAT,
  CHECKSUM_FILE,
  checksumLines,
  MANIFEST_FILE,
  sha256File,
  type Manifest,
  type TemporalEntry,
} from '../db/backup/manifest.js';
import { backupTemporalFile, temporalServerRunning } from '../db/backup/temporal-file.js';
import { ROOT } from '../lib/tools.js';
import { localDatabaseUrl } from './database-url.js';
import { auditChainKey } from '../security/audit.js';
import { loadKeyring } from '../security/keyring.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'database-url': { type: 'string' },
      'temporal-db': { type: 'string' },
      'no-temporal': { type: 'boolean', default: false },
    },
  });
  const config = loadConfig();
  const dataDir = resolve(ROOT, config.DATA_DIR);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = resolve(values.out ?? join(dataDir, 'backups', stamp));
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new ConfigError('--out', `${out} is not empty; back up into a new folder`);
  mkdirSync(out, { recursive: true, mode: 0o700 });

  const progress = (line: string) => process.stderr.write(`▸ ${line}\n`);
  progress('dumping the system database…');
  const sql = connectDb(values['database-url'] ?? localDatabaseUrl(config), {
    max: 1,
    applicationName: 'microloan-backup',
  });
  let dumped: Awaited<ReturnType<typeof dumpDatabase>>;
  try {
    dumped = await dumpDatabase(sql, out, auditChainKey(loadKeyring(config)));
  } finally {
    await sql.end();
  }

  // The embedded dev server's file, unless Temporal runs elsewhere (then it has its own backups).
  const temporalSource = values['no-temporal']
    ? null
    : (values['temporal-db'] ?? (config.TEMPORAL_ADDRESS ? null : join(dataDir, 'temporal.db')));
  let temporal: TemporalEntry | null = null;
  if (temporalSource) {
    if (!existsSync(temporalSource))
      throw new ConfigError(
        '--temporal-db',
        `${temporalSource} does not exist (pass --no-temporal when Temporal is external)`,
      );
    progress(`copying the Temporal database ${temporalSource}…`);
    mkdirSync(join(out, 'temporal'), { recursive: true });
    const file = 'temporal/temporal.db';
    const method = backupTemporalFile(resolve(temporalSource), join(out, file), temporalServerRunning(dataDir));
    temporal = { file, sha256: await sha256File(join(out, file)), bytes: statSync(join(out, file)).size, method };
  }

  const manifest: Manifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), ...dumped, temporal };
  writeFileSync(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  const files = [
    ...manifest.database.tables,
    ...(temporal ? [temporal] : []),
    { file: MANIFEST_FILE, sha256: await sha256File(join(out, MANIFEST_FILE)) },
  ];
  writeFileSync(join(out, CHECKSUM_FILE), checksumLines(files), { mode: 0o600 });

  const rows = manifest.database.tables.reduce((n, t) => n + t.rows, 0);
  console.log(`备份完成 / Backup written to ${relative(process.cwd(), out) || out}`);
  console.log(
    `  database   ${manifest.database.tables.length} tables, ${rows} rows, migrations up to ${manifest.database.migrations.at(-1)?.version ?? '(none)'}`,
  );
  console.log(
    `  ledger     ${manifest.ledger.entries} entries, debits ${manifest.ledger.debits}, credits ${manifest.ledger.credits}`,
  );
  console.log(`  audit      ${manifest.audit.rows} rows, head ${manifest.audit.lastHash}`);
  console.log(
    `  temporal   ${temporal ? `${temporal.file} (${temporal.bytes} bytes, ${temporal.method})` : 'not included (external Temporal or --no-temporal)'}`,
  );
  console.log(`  checksums  ${CHECKSUM_FILE} (sha256sum -c ${CHECKSUM_FILE})`);
  console.log(
    '  The backup holds encrypted personal data but not the keys: keep DATA_KEYS / the key file in a separate safe place.',
  );
  if (!manifest.audit.chainOk) {
    console.error(
      '审计日志链已断裂 / The audit chain was already broken when this backup was taken; run `npm run audit:verify`.',
    );
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `backup failed: ${(err as Error).message}`);
    process.exit(2);
  },
);
