import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from '../lib/db-client.js';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(dir, file), 'utf8');
      return {
        version: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    }),
  );
}

/** True when every migration is applied as it stands; reads only, so the app role may ask. */
async function upToDate(sql: Sql, migrations: readonly Migration[]): Promise<boolean> {
  const [table] = await sql<{ exists: boolean }[]>`select to_regclass('schema_migrations') is not null as exists`;
  if (!table?.exists) return false;
  const done = new Map(
    (await sql`select version, checksum from schema_migrations`).map((r) => [
      r.version as string,
      r.checksum as string,
    ]),
  );
  return migrations.every((m) => done.get(m.version) === m.checksum);
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * that an API and a worker starting together do not race. Safe to run any number of times. With
 * nothing pending it changes nothing, so a process connected as the app role (which may not
 * create tables) can call it: the database owner applies the migrations (ops/stack.ts, deploy).
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  if (await upToDate(sql, migrations)) return [];
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(727274001)`;
    await tx`create table if not exists schema_migrations (
      version text primary key, checksum text not null, applied_at timestamptz not null default now())`;
    const done = new Map(
      (await tx`select version, checksum from schema_migrations`).map((r) => [
        r.version as string,
        r.checksum as string,
      ]),
    );
    for (const m of migrations) {
      const known = done.get(m.version);
      if (known !== undefined) {
        if (known !== m.checksum) throw new Error(`Migration ${m.version} was changed after it was applied`);
        continue;
      }
      await tx.unsafe(m.sql);
      await tx`insert into schema_migrations (version, checksum) values (${m.version}, ${m.checksum})`;
      applied.push(m.version);
    }
  });
  return applied;
}
