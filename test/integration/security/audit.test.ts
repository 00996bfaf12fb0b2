import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChainKey, recordAudit } from '../../../security/audit.js';
import { verifyAuditChain } from '../../../security/audit-verify.js';
import { auditCheckpointDir, auditCheckpointKey, writeAuditCheckpoint } from '../../../security/audit-checkpoints.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const ROOT = resolve(import.meta.dirname, '../../..');
function runCli(databaseUrl: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/audit-verify.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, APP_MODE: 'local', DATA_DIR: h.config.DATA_DIR },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('audit log', () => {
  it('appends a linear hash chain, also under concurrency, and verifies it', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        recordAudit(h.sql, {
          action: 'TEST_EVENT',
          result: 'SUCCESS',
          actorId: `u${i % 3}`,
          actorRole: 'OPS',
          loanId: i % 2 ? 'L-ODD' : 'L-EVEN',
          detail: { i, nested: { b: 2, a: [1, 'x'] } },
        }),
      ),
    );
    await h.sql.begin((tx) => recordAudit(tx, { action: 'IN_TRANSACTION', result: 'SUCCESS', detail: {} }));
    await h.sql
      .begin(async (tx) => {
        await recordAudit(tx, { action: 'ROLLED_BACK', result: 'SUCCESS' });
        throw new Error('roll back');
      })
      .catch(() => undefined);

    const report = await verifyAuditChain(h.sql, auditChainKey(h.security.keyring));
    expect(report).toMatchObject({ ok: true });
    const [count] = await h.sql`select count(*)::int as n from audit_log`;
    expect(report.rows).toBe(count!.n);
    expect(report.rows).toBeGreaterThanOrEqual(41);
    const [rolled] = await h.sql`select count(*)::int as n from audit_log where action = 'ROLLED_BACK'`;
    expect(rolled!.n).toBe(0);
  });

  it('lets auditors search by loan, user and time, newest first with paging; others are refused', async () => {
    const token = await h.login('auditor');
    const res = await h.request('GET', '/v1/audit?loanId=L-ODD&limit=5', { token });
    expect(res.status).toBe(200);
    const page = (await res.json()) as {
      items: Array<{ id: string; loanId: string; hash: string }>;
      nextBefore: string | null;
    };
    expect(page.items).toHaveLength(5);
    expect(page.items.every((e) => e.loanId === 'L-ODD')).toBe(true);
    expect(Number(page.items[0]!.id)).toBeGreaterThan(Number(page.items[4]!.id));
    const next = (await (
      await h.request('GET', `/v1/audit?loanId=L-ODD&limit=100&before=${page.nextBefore}`, { token })
    ).json()) as { items: unknown[]; nextBefore: null };
    expect(next.items).toHaveLength(15);
    expect(next.nextBefore).toBeNull();

    const byUser = (await (await h.request('GET', '/v1/audit?userId=u1&limit=1000', { token })).json()) as {
      items: Array<{ actorId: string }>;
    };
    expect(byUser.items.length).toBeGreaterThan(0);
    expect(byUser.items.every((e) => e.actorId === 'u1')).toBe(true);

    const future = (await (
      await h.request('GET', `/v1/audit?from=${encodeURIComponent('2999-01-01T00:00:00+08:00')}`, { token })
    ).json()) as { items: unknown[] };
    expect(future.items).toHaveLength(0);
    const bad = await h.request('GET', '/v1/audit?from=yesterday', { token });
    expect(bad.status).toBe(400);

    const [queried] =
      await h.sql`select actor_role, detail from audit_log where action = 'AUDIT_QUERY' order by id limit 1`;
    expect(queried).toMatchObject({ actor_role: 'AUDITOR' });

    const officer = await h.login('loan_officer');
    expect((await h.request('GET', '/v1/audit', { token: officer })).status).toBe(403);
    expect((await h.request('GET', '/v1/audit')).status).toBe(401);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database', async () => {
    await expect(h.sql`update audit_log set result = 'FAILURE' where id = 1`).rejects.toThrow(/append-only/);
    await expect(h.sql`delete from audit_log where id = 1`).rejects.toThrow(/append-only/);
    await expect(h.sql`truncate audit_log`).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(h.sql, auditChainKey(h.security.keyring))).ok).toBe(true);
  });

  it('the app role may read and append, and PostgreSQL refuses its UPDATE, DELETE and TRUNCATE of the audit log', async () => {
    const [role] = await h.appSql<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
      select rolsuper, rolbypassrls from pg_roles where rolname = current_user`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const appended = await recordAudit(h.appSql, { action: 'APP_ROLE_EVENT', result: 'SUCCESS' });
    expect(await h.appSql`select action from audit_log where id = ${appended.id}`).toEqual([
      { action: 'APP_ROLE_EVENT' },
    ]);
    // Refused by the privilege check, before the append-only trigger is even reached.
    await expect(h.appSql`update audit_log set result = 'FAILURE' where id = ${appended.id}`).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(h.appSql`delete from audit_log where id = ${appended.id}`).rejects.toThrow(
      /permission denied for table audit_log/,
    );
    await expect(h.appSql`truncate audit_log`).rejects.toThrow(/permission denied for table audit_log/);
    await expect(h.appSql`alter table audit_log disable trigger audit_log_no_update_delete`).rejects.toThrow(
      /must be owner/,
    );
    await expect(h.appSql`set session_replication_role = replica`).rejects.toThrow(/permission denied/);
    // The head moves with each append, but where the keyless rows end is not the app's to change.
    await expect(h.appSql`update audit_chain_head set v1_last_id = 999`).rejects.toThrow(/permission denied/);
    // Only keyed rows go in, whoever inserts.
    await expect(
      h.appSql`insert into audit_log (id, at, action, result, prev_hash, hash, chain_version)
               values (nextval('audit_log_id_seq'), now(), 'FORGED', 'SUCCESS', 'x', 'y', 1)`,
    ).rejects.toThrow(/keyed \(scheme 2\) rows only/);
    expect(await h.appSql`select action from audit_log where id = ${appended.id}`).toHaveLength(1);
    expect((await verifyAuditChain(h.sql, auditChainKey(h.security.keyring))).ok).toBe(true);
  });

  it('the CLI reports an intact chain with exit code 0 once a signed checkpoint covers it', async () => {
    // The harness's clock is in the past, so its rows are overdue a checkpoint: the CLI says so.
    const missing = runCli(h.databaseUrl);
    expect(missing.output).toMatch(/Audit checkpoint MISSING/);
    expect(missing.status).toBe(1);
    await writeAuditCheckpoint(h.sql, auditCheckpointDir(h.config), auditCheckpointKey(h.security.keyring), new Date());
    const { status, output } = runCli(h.databaseUrl);
    expect(output).toMatch(/Audit chain intact/);
    expect(status).toBe(0);
  });

  it('detects rows cut from the end of the chain', async () => {
    const [last] = await h.sql`select * from audit_log order by id desc limit 1`;
    await h.sql.begin(async (tx) => {
      await tx`alter table audit_log disable trigger audit_log_no_update_delete`;
      await tx`delete from audit_log where id = ${last!.id}`;
      await tx`alter table audit_log enable trigger audit_log_no_update_delete`;
    });
    expect(await verifyAuditChain(h.sql, auditChainKey(h.security.keyring))).toMatchObject({
      ok: false,
      brokenAt: 'head',
    });
    await h.sql`insert into audit_log ${h.sql(last!)}`;
    expect((await verifyAuditChain(h.sql, auditChainKey(h.security.keyring))).ok).toBe(true);
  });

  it('detects a row altered behind the trigger’s back, and the CLI exits 1', async () => {
    const [target] = await h.sql`select id from audit_log where action = 'TEST_EVENT' order by id offset 5 limit 1`;
    await h.sql.begin(async (tx) => {
      await tx`alter table audit_log disable trigger audit_log_no_update_delete`;
      await tx`update audit_log set detail = ${tx.json({ i: 999 })} where id = ${target!.id}`;
      await tx`alter table audit_log enable trigger audit_log_no_update_delete`;
    });
    await expect(h.sql`update audit_log set result = 'FAILURE' where id = 1`).rejects.toThrow(/append-only/);

    const report = await verifyAuditChain(h.sql, auditChainKey(h.security.keyring));
    expect(report.ok).toBe(false);
    expect(report.brokenAt).toBe(String(target!.id));
    expect(report.reason).toMatch(/altered/);

    const { status, output } = runCli(h.databaseUrl);
    expect(output).toMatch(new RegExp(`BROKEN at ${target!.id}`));
    expect(status).toBe(1);
  });
});
