// The keyed audit chain, its signed anchor and checkpoints, against a database superuser who
// deletes rows and recomputes the chain without the key (as keyless scheme-1 rows, moving the
// head's anchor), or cuts rows off its end: the database alone can be made to look intact, the
// signed files outside it and `npm run audit:verify` cannot.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../../lib/db-client.js';
import { auditChainKey, auditRowHashV1, GENESIS_HASH, recordAudit, toAuditRecord } from '../../../security/audit.js';
import {
  auditCheckpointKey,
  checkAgainstAnchor,
  checkAgainstCheckpoints,
  readAuditAnchor,
  readAuditCheckpoints,
  writeAuditAnchor,
  writeAuditCheckpoint,
} from '../../../security/audit-checkpoints.js';
import { verifyAuditChain } from '../../../security/audit-verify.js';
import { startHarness, type Harness } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../../..');

let h: Harness;
let dir: string;
let key: Buffer;
let chainKey: Buffer;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'audit-checkpoints-'));
  key = auditCheckpointKey(h.security.keyring);
  chainKey = auditChainKey(h.security.keyring);
});
afterAll(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npm run audit:verify` with the harness's keys (its DATA_DIR) and the given checkpoint folder. */
function runCli(checkpointDir: string, env: Record<string, string> = {}): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/audit-verify.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: h.databaseUrl,
      APP_MODE: 'local',
      DATA_DIR: h.config.DATA_DIR,
      AUDIT_CHECKPOINT_DIR: checkpointDir,
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const events = (action: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ action, result: 'FAILURE' as const, detail: { i } }));

async function append(list: ReturnType<typeof events>) {
  for (const event of list) await recordAudit(h.sql, event);
}

/**
 * What a superuser without the chain key can do: triggers off, change rows, recompute every hash
 * with the keyless scheme, mark every row scheme 1 and move the head (and its anchor) to the end.
 */
async function keylessRechain(sql: Sql, change: (tx: Sql) => Promise<void>) {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`set local session_replication_role = replica`;
    await change(t);
    let prev = GENESIS_HASH;
    let lastId = '0';
    for (const raw of await t`select * from audit_log order by id`) {
      const row = toAuditRecord(raw);
      const hash = auditRowHashV1(prev, row);
      await t`update audit_log set prev_hash = ${prev}, hash = ${hash}, chain_version = 1 where id = ${row.id}`;
      prev = hash;
      lastId = row.id;
    }
    await t`update audit_chain_head set last_id = ${lastId}, last_hash = ${prev}, v1_last_id = ${lastId} where singleton`;
  });
}

/** Runs `attack`, then puts the audit table and head back as they were, so each test starts intact. */
async function thenRestore(attack: () => Promise<void>) {
  const rows = await h.sql`select * from audit_log order by id`;
  const [head] = await h.sql`select * from audit_chain_head`;
  try {
    await attack();
  } finally {
    await h.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from audit_log`;
      for (const row of rows) await tx`insert into audit_log ${tx(row)}`;
      await tx`update audit_chain_head set ${tx(head!)} where singleton`;
    });
  }
}

describe('keyed audit chain with signed anchor and checkpoints', () => {
  it('writes the anchor and the head once per row, signed, readable only by the owner; the CLI agrees while nothing changed', async () => {
    await append(events('LOGIN', 10));
    const anchor = await writeAuditAnchor(h.sql, dir, key, new Date('2026-03-02T02:30:00Z'));
    // A fresh installation: no keyless rows at all.
    expect(anchor).toMatchObject({ v1LastId: '0', v1LastHash: GENESIS_HASH });
    expect(await h.sql`select count(*)::int as n from audit_log where chain_version <> 2`).toEqual([{ n: 0 }]);
    const first = await writeAuditCheckpoint(h.sql, dir, key, new Date('2026-03-02T03:00:00Z'));
    const again = await writeAuditCheckpoint(h.sql, dir, key, new Date('2026-03-02T03:10:00Z'));
    expect(again).toEqual(first);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);

    const [head] = await h.sql`select last_id::text, last_hash from audit_chain_head`;
    expect(first).toMatchObject({ lastId: head!.last_id, lastHash: head!.last_hash });
    expect(readAuditCheckpoints(dir, key)).toEqual({ checkpoints: [first], problems: [] });

    await append(events('LOGIN', 5));
    await writeAuditCheckpoint(h.sql, dir, key, new Date('2026-03-02T03:20:00Z'));
    const cli = runCli(dir);
    expect(cli.output).toContain('2 signed checkpoints agree');
    expect(cli.status).toBe(0);
  });

  it('a deletion followed by a keyless rechain fools the database alone, not the anchor, the checkpoints or the CLI', async () => {
    await thenRestore(async () => {
      await keylessRechain(h.sql, async (tx) => {
        await tx`delete from audit_log where id in (select id from audit_log where action = 'LOGIN' order by id limit 3)`;
      });
      // The database's own anchor was moved with the rows, so on its own the chain looks whole…
      expect((await verifyAuditChain(h.sql, chainKey)).ok).toBe(true);
      // …but the signed anchor says no row after 0 may be keyless.
      const { anchor } = readAuditAnchor(dir, key);
      const report = await verifyAuditChain(h.sql, chainKey, { v1LastId: anchor!.v1LastId });
      expect(report).toMatchObject({ ok: false, brokenAt: expect.any(String) });
      expect(report.reason).toMatch(/keyless \(scheme 1\) row after the anchor/);
      expect(await checkAgainstAnchor(h.sql, anchor)).toEqual([
        {
          file: 'audit-anchor.json',
          reason: expect.stringMatching(/scheme 1 ends at row \d+, the signed anchor at row 0/),
        },
      ]);
      const found = await checkAgainstCheckpoints(h.sql, readAuditCheckpoints(dir, key).checkpoints);
      expect(found).toHaveLength(2);
      expect(found[0]!.reason).toMatch(/no longer has the hash/);

      const cli = runCli(dir);
      expect(cli.status).toBe(1);
      expect(cli.output).toMatch(/Audit chain BROKEN at \d+: a keyless \(scheme 1\) row after the anchor/);

      // Without the anchor file (say it was never written) the keyless rows still fail the CLI.
      const bare = mkdtempSync(join(tmpdir(), 'audit-checkpoints-bare-'));
      try {
        const noAnchor = runCli(bare);
        expect(noAnchor.status).toBe(1);
        expect(noAnchor.output).toMatch(/keyless \(scheme 1\) rows but no signed anchor/);
      } finally {
        rmSync(bare, { recursive: true, force: true });
      }
    });
    expect((await verifyAuditChain(h.sql, chainKey, { v1LastId: '0' })).ok).toBe(true);
    expect(runCli(dir).status).toBe(0);
  });

  it('rows recomputed under another key do not verify', async () => {
    await thenRestore(async () => {
      const wrongKey = randomBytes(32);
      await h.sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update audit_log set detail = ${tx.json({ i: 999 })} where id = (select max(id) from audit_log)`;
      });
      const report = await verifyAuditChain(h.sql, chainKey);
      expect(report.reason).toMatch(/keyed hash does not match/);
      expect((await verifyAuditChain(h.sql, wrongKey)).ok).toBe(false);
    });
  });

  it('cutting rows off the end (and moving the head back) is caught by the last checkpoint', async () => {
    const tail = mkdtempSync(join(tmpdir(), 'audit-checkpoints-tail-'));
    try {
      await append(events('PII_READ', 4));
      await writeAuditCheckpoint(h.sql, tail, key, new Date('2026-03-02T04:00:00Z'));
      await thenRestore(async () => {
        await h.sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx`delete from audit_log where id in (select id from audit_log order by id desc limit 2)`;
          await tx`update audit_chain_head set (last_id, last_hash) = (select id, hash from audit_log order by id desc limit 1)`;
        });
        expect((await verifyAuditChain(h.sql, chainKey)).ok).toBe(true);
        const found = await checkAgainstCheckpoints(h.sql, readAuditCheckpoints(tail, key).checkpoints);
        expect(found.map((p) => p.reason)).toEqual([expect.stringMatching(/is gone/)]);
        expect(runCli(tail).status).toBe(1);
      });
      expect(runCli(tail).status).toBe(0);
    } finally {
      rmSync(tail, { recursive: true, force: true });
    }
  });

  it('fails when no checkpoint covers a row older than two checkpoint intervals', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'audit-checkpoints-missing-'));
    try {
      await recordAudit(h.sql, { action: 'LOGIN', result: 'SUCCESS', at: new Date(Date.now() - 5 * 60_000) });
      const missing = runCli(empty, { AUDIT_CHECKPOINT_MINUTES: '1' });
      expect(missing.status).toBe(1);
      expect(missing.output).toMatch(/Audit checkpoint MISSING .*covered by no signed checkpoint/);
      // Fresh rows are not yet due a checkpoint, and with the default interval none is late.
      expect(runCli(empty).status).toBe(0);
      await writeAuditCheckpoint(h.sql, empty, key, new Date());
      expect(runCli(empty, { AUDIT_CHECKPOINT_MINUTES: '1' }).status).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a checkpoint or anchor edited to fit a rewritten chain, or signed with another key, is refused', async () => {
    const forged = mkdtempSync(join(tmpdir(), 'audit-checkpoints-forged-'));
    try {
      const checkpoint = await writeAuditCheckpoint(h.sql, forged, key, new Date('2026-03-02T05:00:00Z'));
      const [file] = readdirSync(forged);
      const body = JSON.parse(readFileSync(join(forged, file!), 'utf8')) as Record<string, string>;
      writeFileSync(join(forged, file!), JSON.stringify({ ...body, lastHash: 'f'.repeat(64) }));
      expect(readAuditCheckpoints(forged, key).problems).toEqual([
        { file, reason: expect.stringMatching(/signature does not hold/) },
      ]);
      writeFileSync(join(forged, file!), JSON.stringify(body));
      expect(readAuditCheckpoints(forged, key).checkpoints).toEqual([checkpoint]);
      expect(readAuditCheckpoints(forged, randomBytes(32)).problems).toHaveLength(1);
      expect(runCli(forged).status).toBe(0);

      await writeAuditAnchor(h.sql, forged, key, new Date('2026-03-02T05:00:00Z'));
      const anchorFile = join(forged, 'audit-anchor.json');
      const anchor = JSON.parse(readFileSync(anchorFile, 'utf8')) as Record<string, string>;
      writeFileSync(anchorFile, JSON.stringify({ ...anchor, v1LastId: '99' }));
      expect(readAuditAnchor(forged, key).problem).toMatch(/signature does not hold/);
      const cli = runCli(forged);
      expect(cli.status).toBe(1);
      expect(cli.output).toMatch(/audit-anchor\.json: the anchor’s signature does not hold/);
    } finally {
      rmSync(forged, { recursive: true, force: true });
    }
  });
});
