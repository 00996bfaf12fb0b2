// The backup and restore drill: real traffic (a loan paid out, so the ledger has entries), then
// `npm run backup` of the stack's database and of a Temporal dev server's SQLite file; a tampered
// copy is refused; the backup is restored into a scratch database on the same server (never the
// shared one other test files use), wiped, restored again and checked: row counts, ledger totals,
// the audit chain, a loan's encrypted application still opening; the Temporal file still holds
// the workflow it had.
import { Client, Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkRestored } from '../../db/backup/load.js';
import type { Manifest } from '../../db/backup/manifest.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { APPLICATION_CONTEXT } from '../../security/encryption-contexts.js';
import { freePort } from '../../lib/ports.js';
import { startTemporalDevServer, type DevServerHandle } from '../../ops/temporal-server.js';
import { ROOT } from '../../lib/tools.js';
import { auditChainKey } from '../../security/audit.js';
import { verifyAuditChain } from '../../security/audit-verify.js';
import { createFieldCipher } from '../../security/field-crypto.js';
import { readKeyFile } from '../../security/keyring.js';
import '../setup/provided.js';
import { ApiClient } from '../../drivers/api-client.js';
import { disbursedLoan } from '../../drivers/loan-journeys.js';

const stack = inject('stack');
const chainKey = auditChainKey(readKeyFile(stack.dataKeyFile));
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const work = mkdtempSync(join(tmpdir(), 'backup-drill-'));
const scratchName = `restore_drill_${randomBytes(5).toString('hex')}`;
const adminUrl = stack.databaseUrl.replace(/\/[^/]*$/, '/postgres');
const scratchUrl = stack.databaseUrl.replace(/\/[^/]*$/, `/${scratchName}`);
const temporalDb = join(work, 'temporal-source', 'temporal.db');
const drillWorkflowId = `backup-drill-${randomUUID()}`;

let temporal: DevServerHandle | undefined;
let restoredTemporal: DevServerHandle | undefined;
let loanId: string;
let applicantName: string;

const SCRIPT_TIMEOUT_MS = 150_000;

/** Runs one of the npm scripts' entry points the way `npm run` does, with its own DATA_DIR and the stack's keys. */
function runScript(script: 'backup' | 'restore', args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', `${script}.ts`), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        APP_MODE: 'local',
        DATA_DIR: join(work, 'data'),
        DATA_KEY_FILE: stack.dataKeyFile,
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Killed before the test's own timeout, so a hang shows how far the script got.
    const timer = setTimeout(() => {
      out += `\n(killed after ${SCRIPT_TIMEOUT_MS} ms)`;
      child.kill('SIGKILL');
    }, SCRIPT_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function admin<T>(use: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await use(sql);
  } finally {
    await sql.end();
  }
}

const createScratch = () => admin((sql) => sql.unsafe(`create database ${scratchName}`));
const dropScratch = () => admin((sql) => sql.unsafe(`drop database if exists ${scratchName} with (force)`));

async function withScratch<T>(use: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connectDb(scratchUrl, { max: 2, applicationName: 'backup-drill' });
  try {
    return await use(sql);
  } finally {
    await sql.end();
  }
}

const tableCount = () =>
  withScratch(
    async (sql) =>
      (await sql<{ n: number }[]>`select count(*)::int as n from pg_tables where schemaname = 'public'`)[0]!.n,
  );

beforeAll(async () => {
  mkdirSync(join(temporalDb, '..'), { recursive: true });
  mkdirSync(join(work, 'data'), { recursive: true });
  temporal = await startTemporalDevServer({
    port: await freePort(),
    dbFile: temporalDb,
    runDir: join(work, 'run-source'),
    headless: true,
  });
  const connection = await Connection.connect({ address: temporal.address });
  try {
    // Nobody polls this queue: the workflow just waits, which is enough to find it again after the restore.
    await new Client({ connection }).workflow.start('backupDrill', {
      workflowId: drillWorkflowId,
      taskQueue: 'backup-drill',
      args: [],
    });
  } finally {
    await connection.close();
  }
  const paidOut = await disbursedLoan(api, { name: '钱多多' });
  loanId = paidOut.loanId;
  applicantName = paidOut.borrower.name;
});

afterAll(async () => {
  await temporal?.stop();
  await restoredTemporal?.stop();
  await dropScratch().catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

describe('backup and restore drill', () => {
  const backupDir = join(work, 'backup');
  let manifest: Manifest;

  it('npm run backup writes every table, the ledger totals, the audit head and the Temporal file, with checksums', async () => {
    const { code, out } = await runScript('backup', [
      '--database-url',
      stack.databaseUrl,
      '--out',
      backupDir,
      '--temporal-db',
      temporalDb,
    ]);
    expect(code, out).toBe(0);
    manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as Manifest;
    const tables = manifest.database.tables.map((t) => t.name);
    for (const table of [
      'users',
      'loans',
      'documents',
      'journal_entries',
      'journal_lines',
      'audit_log',
      'audit_chain_head',
    ])
      expect(tables).toContain(table);
    expect(tables.indexOf('users')).toBeLessThan(tables.indexOf('loans'));
    expect(tables.indexOf('journal_entries')).toBeLessThan(tables.indexOf('journal_lines'));
    expect(manifest.database.tables.find((t) => t.name === 'loans')!.rows).toBeGreaterThan(0);
    expect(manifest.ledger.entries).toBeGreaterThan(0);
    expect(manifest.ledger.debits).toBe(manifest.ledger.credits);
    expect(manifest.audit.chainOk).toBe(true);
    expect(manifest.audit.rows).toBeGreaterThan(0);
    expect(manifest.temporal).toMatchObject({ file: 'temporal/temporal.db', method: 'sqlite3 VACUUM INTO' });
    const sums = readFileSync(join(backupDir, 'SHA256SUMS'), 'utf8');
    expect(sums).toContain('  manifest.json\n');
    expect(sums.split('\n').filter(Boolean)).toHaveLength(manifest.database.tables.length + 2);
    // Personal data stays encrypted in the dump.
    const users = readFileSync(join(backupDir, manifest.database.tables.find((t) => t.name === 'users')!.file), 'utf8');
    expect(users).not.toContain(applicantName);
  });

  it('a restore into a scratch database reproduces it', async () => {
    await createScratch();
    const { code, out } = await runScript('restore', [
      '--from',
      backupDir,
      '--database-url',
      scratchUrl,
      '--skip-temporal',
    ]);
    expect(code, out).toBe(0);
    expect(await withScratch((sql) => checkRestored(sql, manifest, chainKey))).toEqual([]);
  });

  it('after a wipe, a tampered backup is refused before anything is touched', async () => {
    await dropScratch();
    await createScratch();
    expect(await tableCount()).toBe(0);
    const tampered = join(work, 'tampered');
    cpSync(backupDir, tampered, { recursive: true });
    const loans = join(tampered, manifest.database.tables.find((t) => t.name === 'loans')!.file);
    const original = readFileSync(loans, 'utf8');
    expect(original).toContain('\t8000.00\t');
    writeFileSync(loans, original.replace('\t8000.00\t', '\t9000.00\t'));
    const { code, out } = await runScript('restore', [
      '--from',
      tampered,
      '--database-url',
      scratchUrl,
      '--skip-temporal',
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/Restore refused/);
    expect(out).toContain('does not match its sha256');
    expect(await tableCount()).toBe(0);
  });

  it('the wiped database comes back: row counts, ledger totals, audit chain, and data that still decrypts', async () => {
    const temporalTarget = join(work, 'temporal-restored', 'temporal.db');
    mkdirSync(join(temporalTarget, '..'), { recursive: true });
    const { code, out } = await runScript('restore', [
      '--from',
      backupDir,
      '--database-url',
      scratchUrl,
      '--temporal-db',
      temporalTarget,
    ]);
    expect(code, out).toBe(0);
    expect(out).toContain('Restored and verified');

    await withScratch(async (sql) => {
      expect(await checkRestored(sql, manifest, chainKey)).toEqual([]);
      for (const table of manifest.database.tables) {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table.name)}`;
        expect(row!.n, table.name).toBe(table.rows);
      }
      const [totals] = await sql<{ debits: string; credits: string }[]>`
        select sum(debit)::numeric(18, 2)::text as debits, sum(credit)::numeric(18, 2)::text as credits from journal_lines`;
      expect(totals).toEqual({ debits: manifest.ledger.debits, credits: manifest.ledger.credits });
      const [disbursed] =
        await sql`select kind from journal_entries where business_key = ${`loan:${loanId}:disbursement`}`;
      expect(disbursed).toEqual({ kind: 'DISBURSEMENT' });

      const chain = await verifyAuditChain(sql, chainKey);
      expect(chain).toMatchObject({ ok: true, rows: manifest.audit.rows, lastHash: manifest.audit.lastHash });
      // New audit rows continue the chain from the restored head.
      const [next] = await sql<{ id: string }[]>`select nextval('audit_log_id_seq')::text as id`;
      expect(BigInt(next!.id)).toBeGreaterThan(BigInt(manifest.audit.lastId));

      const cipher = createFieldCipher(readKeyFile(stack.dataKeyFile));
      const [loan] = await sql<
        { application_enc: string; status: string }[]
      >`select application_enc, status from loans where id = ${loanId}`;
      expect(loan!.status).toBe('ACTIVE');
      const application = JSON.parse(cipher.decrypt(loan!.application_enc, APPLICATION_CONTEXT)) as {
        applicant: { name: string };
      };
      expect(application.applicant.name).toBe(applicantName);
    });

    restoredTemporal = await startTemporalDevServer({
      port: await freePort(),
      dbFile: temporalTarget,
      runDir: join(work, 'run-restored'),
      headless: true,
    });
    const connection = await Connection.connect({ address: restoredTemporal.address });
    try {
      const described = await new Client({ connection }).workflow.getHandle(drillWorkflowId).describe();
      expect(described.type).toBe('backupDrill');
    } finally {
      await connection.close();
    }
  });

  it('refuses to restore over a database that already has tables', async () => {
    const { code, out } = await runScript('restore', [
      '--from',
      backupDir,
      '--database-url',
      scratchUrl,
      '--skip-temporal',
    ]);
    expect(code).toBe(1);
    expect(out).toContain('already has tables');
    expect(readdirSync(backupDir)).toContain('manifest.json');
  });
});
