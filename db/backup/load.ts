// Loads a verified backup into an empty database: the same migrations first, then every table's
// rows in one transaction with triggers off (the ledger and audit log refuse changes otherwise),
// then the sequences where they were. Afterwards `checkRestored` compares it with the manifest.
import { copyFileSync, createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Sql } from '../../lib/db-client.js';
import { migrate, readMigrations } from '../migrate.js';
import { verifyAuditChain } from '../../security/audit-verify.js';
import { MIGRATIONS_TABLE, sequenceStates } from './dump.js';
import type { Manifest } from './manifest.js';
import { ledgerTotals, rowCount, tablesInDependencyOrder } from './totals.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/** Problems with applying the backup's migrations from this checkout; empty when it can. */
export async function migrationProblems(manifest: Manifest): Promise<string[]> {
  const known = new Map((await readMigrations(MIGRATIONS_DIR)).map((m) => [m.version, m.checksum]));
  return manifest.database.migrations.flatMap((m) => {
    const checksum = known.get(m.version);
    if (checksum === undefined) return [`migration ${m.version} of the backup is not in db/migrations`];
    return checksum === m.checksum ? [] : [`migration ${m.version} differs from the one the backup was made with`];
  });
}

export async function isEmptyDatabase(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v', 'm')`;
  return row!.n === 0;
}

/** Runs exactly the migrations the backup had; later ones are left to the next start of the API. */
async function migrateToBackup(sql: Sql, manifest: Manifest): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'microloan-restore-migrations-'));
  try {
    for (const m of manifest.database.migrations)
      copyFileSync(join(MIGRATIONS_DIR, `${m.version}.sql`), join(dir, `${m.version}.sql`));
    await migrate(sql, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Needs a superuser (or the tables' owner with replication rights) for session_replication_role. */
export async function loadDatabase(sql: Sql, dir: string, manifest: Manifest): Promise<void> {
  await migrateToBackup(sql, manifest);
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    const present = (await tablesInDependencyOrder(tx)).filter((t) => t !== MIGRATIONS_TABLE);
    const listed = manifest.database.tables.map((t) => t.name);
    if ([...present].sort().join() !== [...listed].sort().join()) {
      throw new Error(`the migrated schema has tables ${present.join(', ')}; the backup has ${listed.join(', ')}`);
    }
    // Rows the migrations seeded (accounts, the chain head, flags) give way to the backup's.
    await tx`truncate ${tx(present)}`;
    for (const table of manifest.database.tables) {
      await pipeline(createReadStream(join(dir, table.file)), await tx`copy ${tx(table.name)} from stdin`.writable());
    }
    for (const s of manifest.database.sequences) {
      await tx`select setval(quote_ident(${s.name})::regclass, ${s.lastValue}::bigint, ${s.isCalled})`;
    }
  });
}

/** Differences between a restored database and the manifest; empty when it is the same. */
export async function checkRestored(sql: Sql, manifest: Manifest, chainKey: Buffer): Promise<string[]> {
  const problems: string[] = [];
  for (const table of manifest.database.tables) {
    const rows = await rowCount(sql, table.name);
    if (rows !== table.rows) problems.push(`${table.name}: ${rows} rows, the backup has ${table.rows}`);
  }
  const ledger = await ledgerTotals(sql);
  if (JSON.stringify(ledger) !== JSON.stringify(manifest.ledger)) {
    problems.push(
      `ledger totals differ: debits ${ledger.debits} / credits ${ledger.credits} over ${ledger.lines} lines, the backup has ${manifest.ledger.debits} / ${manifest.ledger.credits} over ${manifest.ledger.lines}`,
    );
  }
  const chain = await verifyAuditChain(sql, chainKey);
  if (!chain.ok) problems.push(`audit chain broken at ${chain.brokenAt}: ${chain.reason}`);
  if (chain.lastHash !== manifest.audit.lastHash || chain.rows !== manifest.audit.rows) {
    problems.push(
      `audit chain ends at ${chain.lastHash.slice(0, 12)}… after ${chain.rows} rows; the backup's ends at ${manifest.audit.lastHash.slice(0, 12)}… after ${manifest.audit.rows}`,
    );
  }
  const sequences = JSON.stringify(await sequenceStates(sql));
  if (sequences !== JSON.stringify(manifest.database.sequences)) problems.push('sequences differ from the backup');
  return problems;
}
