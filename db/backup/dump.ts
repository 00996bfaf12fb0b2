// Dumps the system database table by table with COPY, from one consistent snapshot. No pg_dump:
// the machine's pg_dump is older than the embedded PostgreSQL 17 and refuses to talk to it.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Sql, TransactionSql } from '../../lib/db-client.js';
import { verifyAuditChain } from '../../security/audit-verify.js';
import { sha256File, type Manifest, type SequenceEntry, type TableEntry } from './manifest.js';
import { ledgerTotals, rowCount, tablesInDependencyOrder } from './totals.js';

/** Recorded in the manifest instead; a restore recreates it by running the same migrations. */
export const MIGRATIONS_TABLE = 'schema_migrations';

export async function sequenceStates(tx: Sql | TransactionSql): Promise<SequenceEntry[]> {
  const names = await tx<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname`;
  const states: SequenceEntry[] = [];
  for (const { name } of names) {
    const [state] = await tx<
      { last_value: string; is_called: boolean }[]
    >`select last_value::text, is_called from ${tx(name)}`;
    states.push({ name, lastValue: state!.last_value, isCalled: state!.is_called });
  }
  return states;
}

/** COPY's text format for one value: \N for null, backslash escapes for the separators. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Writes a table as `COPY … FROM stdin` reads it (text format), by cursor in the dump's snapshot:
 * each column cast to text gives the type's output form, which is what COPY writes. (Streaming
 * `COPY … TO STDOUT` through the driver stalled now and then under load.)
 */
async function writeCopyText(tx: TransactionSql, table: string, path: string): Promise<void> {
  const columns = await tx<{ name: string }[]>`
    select a.attname as name from pg_attribute a
    where a.attrelid = ${table}::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`;
  const out = createWriteStream(path);
  const selectList = columns.map((c) => `"${c.name.replace(/"/g, '""')}"::text`).join(', ');
  for await (const rows of tx
    .unsafe(`select ${selectList} from "${table.replace(/"/g, '""')}"`)
    .values()
    .cursor(500)) {
    await write(out, rows.map((row) => (row as Array<string | null>).map(copyField).join('\t') + '\n').join(''));
  }
  out.end();
  await once(out, 'finish');
}

/** `chainKey`: the audit chain key (security/audit.ts), to record whether the chain held when dumped. */
export async function dumpDatabase(
  sql: Sql,
  dir: string,
  chainKey: Buffer,
): Promise<Pick<Manifest, 'database' | 'ledger' | 'audit'>> {
  mkdirSync(join(dir, 'db'), { recursive: true });
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [version] = await tx<{ server_version: string }[]>`show server_version`;
    const migrations = await tx<
      { version: string; checksum: string }[]
    >`select version, checksum from schema_migrations order by version`;
    const tables: TableEntry[] = [];
    const names = (await tablesInDependencyOrder(tx)).filter((t) => t !== MIGRATIONS_TABLE);
    for (const [index, name] of names.entries()) {
      const file = `db/${String(index + 1).padStart(2, '0')}_${name}.copy`;
      const path = join(dir, file);
      await writeCopyText(tx, name, path);
      tables.push({ name, file, rows: await rowCount(tx, name), sha256: await sha256File(path) });
    }
    const sequences = await sequenceStates(tx);
    const ledger = await ledgerTotals(tx);
    const chain = await verifyAuditChain(tx, chainKey);
    const [head] = await tx<
      { last_id: string; last_hash: string }[]
    >`select last_id::text, last_hash from audit_chain_head where singleton`;
    return {
      database: {
        serverVersion: version!.server_version,
        migrations: migrations.map((m) => ({ version: m.version, checksum: m.checksum })),
        tables,
        sequences,
      },
      ledger,
      audit: { rows: chain.rows, lastId: head!.last_id, lastHash: head!.last_hash, chainOk: chain.ok },
    };
  });
}
