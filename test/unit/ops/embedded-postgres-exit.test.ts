// A process that loaded ops/embedded-postgres.ts (vitest's, under the stack's global set-up)
// keeps the exit code it set when it runs out of work: a failing suite must not exit 0.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../../ops/embedded-postgres.ts', import.meta.url));

function exitCodeOf(script: string): number | null {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  }).status;
}

describe('a process that loaded embedded PostgreSQL', () => {
  it('exits with the code it set, not 0, when it runs out of work', () => {
    expect(exitCodeOf(`await import(${JSON.stringify(MODULE)}); process.exitCode = 3;`)).toBe(3);
  });

  it('still exits 0 when nothing failed, and with an explicit code when it calls exit', () => {
    expect(exitCodeOf(`await import(${JSON.stringify(MODULE)});`)).toBe(0);
    expect(exitCodeOf(`await import(${JSON.stringify(MODULE)}); process.exit(4);`)).toBe(4);
  });
});
