// postgres.js 3.4.9 defers small writes with setImmediate; when the server closes the connection
// first, the deferred write ran on a null socket and the uncaught TypeError killed the process
// (the API, the worker or the simulators, in about one PostgreSQL restart in three). The driver
// is patched (patches/postgres+3.4.9.patch, applied by patch-package on every npm install and
// in the image): a write to a closed connection is dropped and the queries waiting on it fail
// with CONNECTION_CLOSED, which callers can catch.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../ops/embedded-postgres.js';
import { freePort } from '../../lib/ports.js';
import { ROOT } from '../../lib/tools.js';

const GUARD = 'patched: the connection closed before this write ran';

let pg: EmbeddedPostgresHandle | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'microloan-driver-'));
  pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), port: await freePort(), persistent: false });
});

afterAll(async () => {
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('postgres.js when the server closes its connections', () => {
  it('every copy of the driver a service can load carries the guard', () => {
    // Where Node itself resolves `import 'postgres'` (what the services use) and `require('postgres')`.
    const resolved = (kind: 'import' | 'require') =>
      fileURLToPath(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            kind === 'import'
              ? "console.log(import.meta.resolve('postgres'))"
              : "import { createRequire } from 'node:module'; console.log('file://' + createRequire(process.cwd() + '/').resolve('postgres'))",
          ],
          { cwd: ROOT, encoding: 'utf8' },
        ).trim(),
      );
    const esm = resolved('import');
    const cjs = resolved('require');
    const pkgDir = resolve(dirname(esm), '..');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      version: string;
      exports: Record<string, string>;
    };
    expect(pkg.exports.import).toBe('./src/index.js');
    // Plus the workerd build, which nothing here loads, so the patch leaves no copy unguarded.
    for (const connection of [
      join(dirname(esm), 'connection.js'),
      join(dirname(cjs), 'connection.js'),
      join(pkgDir, dirname(pkg.exports.workerd!), 'connection.js'),
    ]) {
      const text = readFileSync(connection, 'utf8');
      expect(text, `${connection} lacks the nextWrite guard; run npm install (postinstall: patch-package)`).toContain(
        GUARD,
      );
      expect(text).toMatch(/function nextWrite\(fn\) \{\n\s+if \(!socket\)/);
    }
    expect(
      pkg.version,
      'postgres.js changed version: check whether the release fixes the null-socket write, then drop or regenerate patches/postgres+*.patch',
    ).toBe('3.4.9');
  });

  it('a process whose backends are terminated under it keeps running, and its queries fail catchably', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/drills/support/driver-under-termination.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: pg!.urlFor('postgres') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr, stderr).not.toContain("Cannot read properties of null (reading 'write')");
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number | boolean>;
    expect(outcome).toMatchObject({ transactionRolledBack: true, reservedRejected: true, afterwards: true });
    expect(outcome.loopOk as number, JSON.stringify(outcome)).toBeGreaterThan(0);
  }, 120_000);
});
