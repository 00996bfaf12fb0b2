// API fuzzing: schemathesis (installed into .tools/venv by scripts/ensure-setup.mjs) generates
// requests from /openapi.json, valid and invalid, for each role in turn, with a loan of theirs to
// aim at; every answer must be other than 5xx and match the schema the document declares for it.
// It runs against its own stack: failed logins are throttled per source address, and fuzzing
// them must not lock the shared suite's clients out. Bounded by FUZZ_EXAMPLES per operation.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/tools.js';
import { applicants } from '../../drivers/identities.js';
import { originate } from '../../drivers/origination.js';
import { startDrillStack, type DrillStack } from '../drills/harness.js';

const SCHEMATHESIS = resolve(ROOT, '.tools/venv/bin/schemathesis');
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 8);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUN_TIMEOUT_MS = 300_000;
// Logging out would end the run's own session half-way.
const EXCLUDED_PATHS = ['/v1/auth/logout'];

interface Role {
  username: string;
  token: string;
  loanId: string;
}

let d: DrillStack;
let dir: string;
const roles: Role[] = [];

beforeAll(async () => {
  d = await startDrillStack();
  dir = mkdtempSync(join(tmpdir(), 'microloan-fuzz-'));
  const person = applicants();
  const active = await originate(d.api, d.watcher, person(0));
  const inReview = await originate(d.api, d.watcher, person(1), {
    amount: '50000.00',
    until: 'AWAITING_SIGNATURE',
  }).catch(async () => {
    // 50,000.00 is above auto-approval: the loan waits in initial review, which is what reviewers need.
    const [row] = await d.sql<
      { id: string }[]
    >`select id from loans where status = 'INITIAL_REVIEW' order by created_at desc limit 1`;
    return { loanId: row!.id };
  });
  roles.push({ username: 'borrower', token: active.token, loanId: active.loanId });
  for (const username of ['finance', 'collector', 'ops', 'risk_manager', 'admin']) {
    const session = await d.api.login(username);
    roles.push({
      username,
      token: session.token,
      loanId: username === 'risk_manager' ? inReview.loanId : active.loanId,
    });
  }
}, 300_000);

afterAll(async () => {
  await d?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function schemathesis(role: Role): Promise<{ code: number | null; output: string }> {
  const config = join(dir, `${role.username}.toml`);
  writeFileSync(config, `[parameters]\n"path.loanId" = "${role.loanId}"\n`);
  const args = [
    '--config-file',
    config,
    'run',
    `${d.stack.apiUrl}/openapi.json`,
    '--header',
    `Authorization: Bearer ${role.token}`,
    '--checks',
    'not_a_server_error,response_schema_conformance',
    '--max-examples',
    String(EXAMPLES),
    '--seed',
    String(SEED),
    '--generation-database',
    'none',
    '--request-timeout',
    '30',
    '--no-color',
    ...EXCLUDED_PATHS.flatMap((p) => ['--exclude-path', p]),
  ];
  return new Promise((resolvePromise) => {
    const child = spawn(SCHEMATHESIS, args, { cwd: dir, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

/** The failures section of the report, with each case's curl line to reproduce it. */
function failures(output: string): string {
  const start = output.indexOf('FAILURES');
  const end = output.indexOf('WARNINGS', start);
  return start < 0 ? output.slice(-3000) : output.slice(start, end < 0 ? undefined : end);
}

describe('schemathesis against /openapi.json', () => {
  it.each(['borrower', 'finance', 'collector', 'ops', 'risk_manager', 'admin'])(
    'as %s: no 5xx, every answer as documented',
    async (username) => {
      const role = roles.find((r) => r.username === username)!;
      const { code, output } = await schemathesis(role);
      expect(output, 'schemathesis did not run to its summary').toMatch(/generated/);
      expect(code, failures(output)).toBe(0);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
