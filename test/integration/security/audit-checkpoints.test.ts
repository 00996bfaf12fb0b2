// Signed checkpoints of the audit chain's head, against a database superuser who deletes rows and
// recomputes the (keyless) chain, or cuts rows off its end: the chain alone says intact, the
// checkpoints and `npm run audit:verify` do not.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../../lib/db-client.js';
import { auditRowHash, GENESIS_HASH, recordAudit, toAuditRecord } from '../../../security/audit.js';
import {
  auditCheckpointKey,
  checkAgainstCheckpoints,
  readAuditCheckpoints,
  writeAuditCheckpoint,
} from '../../../security/audit-checkpoints.js';
import { verifyAuditChain } from '../../../security/audit-verify.js';
import { parseDataKeys } from '../../../security/keyring.js';
import { startHarness, type Harness } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const DATA_KEYS = `k1:${randomBytes(32).toString('base64')}`;
const HMAC_KEY = randomBytes(32).toString('base64');
const key = auditCheckpointKey(parseDataKeys(DATA_KEYS, HMAC_KEY));

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'audit-checkpoints-'));
});
afterAll(async () => {
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runCli(checkpointDir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/audit-verify.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: h.databaseUrl,
      APP_MODE: 'local',
      DATA_KEYS,
      DATA_HMAC_KEY: HMAC_KEY,
      AUDIT_CHECKPOINT_DIR: checkpointDir,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const events = (action: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ action, result: 'FAILURE' as const, detail: { i } }));

async function append(list: ReturnType<typeof events>) {
  for (const event of list) await recordAudit(h.sql, event);
}

/** What a superuser without any key can do: triggers off, rewrite, recompute every hash and the head. */
async function superuserRewrite(sql: Sql, change: (tx: Sql) => Promise<void>) {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`set local session_replication_role = replica`;
    await change(t);
    let prev = GENESIS_HASH;
    let lastId = '0';
    for (const raw of await t`select * from audit_log order by id`) {
      const row = toAuditRecord(raw);
      const hash = auditRowHash(prev, row);
      await t`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${row.id}`;
      prev = hash;
      lastId = row.id;
    }
    await t`update audit_chain_head set last_id = ${lastId}, last_hash = ${prev} where singleton`;
  });
}

describe('signed audit checkpoints', () => {
  it('writes the head once per row, signed, readable only by the owner; the CLI agrees while nothing changed', async () => {
    await append(events('LOGIN', 10));
    const first = await writeAuditCheckpoint(h.sql, dir, key, new Date('2026-03-02T03:00:00Z'));
    const again = await writeAuditCheckpoint(h.sql, dir, key, new Date('2026-03-02T03:10:00Z'));
    expect(again).toEqual(first);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0]!)).mode & 0o777).toBe(0o600);

    const [head] = await h.sql`select last_id::text, last_hash from audit_chain_head`;
    expect(first).toMatchObject({ lastId: head!.last_id, lastHash: head!.last_hash });
    expect(readAuditCheckpoints(dir, key)).toEqual({ checkpoints: [first], problems: [] });

    await append(events('LOGIN', 5));
    await writeAuditCheckpoint(h.sql, dir, key, new Date('2026-03-02T03:20:00Z'));
    const cli = runCli(dir);
    expect(cli.output).toContain('2 signed checkpoints agree');
    expect(cli.status).toBe(0);
  });

  it('a deletion followed by a rechain passes the chain check but not the checkpoints', async () => {
    await superuserRewrite(h.sql, async (tx) => {
      await tx`delete from audit_log where id in (select id from audit_log where action = 'LOGIN' order by id limit 3)`;
    });
    expect((await verifyAuditChain(h.sql)).ok).toBe(true);

    const { checkpoints, problems } = readAuditCheckpoints(dir, key);
    expect(problems).toEqual([]);
    const found = await checkAgainstCheckpoints(h.sql, checkpoints);
    expect(found).toHaveLength(2);
    expect(found[0]!.reason).toMatch(/no longer has the hash/);

    const cli = runCli(dir);
    expect(cli.status).toBe(1);
    expect(cli.output).toMatch(/Audit checkpoint MISMATCH/);
  });

  it('cutting rows off the end is caught by the last checkpoint', async () => {
    const tail = mkdtempSync(join(tmpdir(), 'audit-checkpoints-tail-'));
    try {
      await append(events('PII_READ', 4));
      await writeAuditCheckpoint(h.sql, tail, key, new Date('2026-03-02T04:00:00Z'));
      await superuserRewrite(h.sql, async (tx) => {
        await tx`delete from audit_log where id in (select id from audit_log order by id desc limit 2)`;
      });
      expect((await verifyAuditChain(h.sql)).ok).toBe(true);
      const found = await checkAgainstCheckpoints(h.sql, readAuditCheckpoints(tail, key).checkpoints);
      expect(found.map((p) => p.reason)).toEqual([expect.stringMatching(/is gone/)]);
      expect(runCli(tail).status).toBe(1);
    } finally {
      rmSync(tail, { recursive: true, force: true });
    }
  });

  it('a checkpoint edited to fit a rewritten chain, or signed with another key, is refused', async () => {
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
    } finally {
      rmSync(forged, { recursive: true, force: true });
    }
  });
});
