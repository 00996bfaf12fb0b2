// scripts/scan-plaintext.ts over artifact folders laid out like stack-global.ts writes them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { idNumberCheckChar } from '../../../domain/validation/id-number.js';
import { ROOT } from '../../../lib/tools.js';

const ID = (() => {
  const first17 = '32010619881111201';
  return first17 + idNumberCheckChar(first17);
})();
const b64 = (text: string) => Buffer.from(text).toString('base64');

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function artifacts(
  suite: string,
  files: { logs?: Record<string, string>; histories?: Record<string, unknown> | null },
): string {
  const root = mkdtempSync(join(tmpdir(), 'scan-plaintext-'));
  folders.push(root);
  if (files.logs) {
    mkdirSync(join(root, 'logs', suite), { recursive: true });
    for (const [name, text] of Object.entries(files.logs)) writeFileSync(join(root, 'logs', suite, name), text);
  }
  if (files.histories !== null) {
    const dir = join(root, 'histories', suite);
    mkdirSync(dir, { recursive: true });
    const histories = files.histories ?? {};
    for (const [name, history] of Object.entries(histories)) writeFileSync(join(dir, name), JSON.stringify(history));
    writeFileSync(
      join(dir, '_export.json'),
      JSON.stringify({
        namespace: 'default',
        executions: Object.keys(histories).length,
        events: 0,
        exportedAt: new Date().toISOString(),
      }),
    );
  }
  return root;
}

function scan(root: string, suite: string) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'scripts/scan-plaintext.ts'), '--artifacts', root, '--suite', suite],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

const cleanHistory = {
  events: [
    {
      eventId: '1',
      workflowExecutionStartedEventAttributes: {
        input: { payloads: [{ metadata: { encoding: b64('binary/encrypted') }, data: b64('\u0001\u0002') }] },
      },
    },
  ],
};

describe('scan-plaintext script', { timeout: 60_000 }, () => {
  it('passes clean logs and histories', () => {
    const root = artifacts('it', {
      logs: {
        'api.log': '{"level":30,"msg":"request","path":"/v1/loans/loan-20260101-0a1b2c3d4e","phone":"139****5678"}\n',
      },
      histories: { 'a.json': cleanHistory },
    });
    const { code, out } = scan(root, 'it');
    expect(out).toContain('0 plaintext finding(s)');
    expect(code).toBe(0);
  });

  it('fails on an ID number in a log line and on a phone inside a payload, and reports them masked', () => {
    const leaky = {
      events: [
        {
          eventId: '5',
          activityTaskCompletedEventAttributes: {
            result: { payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64('{"phone":"13712345678"}') }] },
          },
        },
      ],
    };
    const root = artifacts('it', {
      logs: { 'worker.log': `{"msg":"bureau","idNumber":"${ID}"}\n` },
      histories: { 'a.json': cleanHistory, 'b.json': leaky },
    });
    const { code, out } = scan(root, 'it');
    expect(code).toBe(1);
    expect(out).toContain('2 plaintext finding(s)');
    expect(out).toMatch(/ID_NUMBER\s+320106\*{8}\S{4}\s+.*worker\.log:1/);
    expect(out).toMatch(
      /PHONE\s+137\*{4}5678\s+.*b\.json at events\[0\]\.activityTaskCompletedEventAttributes\.result\.payloads\[0\]\.data~base64/,
    );
    expect(out).not.toContain(ID);
    expect(out).not.toContain('13712345678');
  });

  it('fails when a suite left no logs or no history export, so a run that wrote nothing cannot pass', () => {
    expect(scan(artifacts('it', { histories: {} }), 'it').code).toBe(1);
    const noExport = scan(artifacts('it', { logs: { 'api.log': '{}\n' }, histories: null }), 'it');
    expect(noExport.code).toBe(1);
    expect(noExport.out).toContain('no history export');
  });
});
