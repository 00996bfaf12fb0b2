// `npm run capture:histories` against the running stack: a loan's whole history, decoded through
// the API's codec endpoint with an OPS token (or with the stack's own keys), written as a corpus
// scenario that replays against the current workflow bundle; the temporal CLI's own JSON replays too.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { corpusHistories, readManifests } from '../../ops/history-corpus.js';
import { ROOT, TOOLS } from '../../lib/tools.js';
import { writeWorkflowBundle } from '../../worker/workflow-bundle.js';
import '../setup/provided.js';
import { ApiClient } from '../../drivers/api-client.js';
import { disbursedLoan } from '../../drivers/loan-journeys.js';

const run = promisify(execFile);
const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const work = mkdtempSync(join(tmpdir(), 'microloan-capture-'));
const bundlePath = join(work, 'workflow-bundle.js');
let loanId: string;
let opsToken: string;

/** The script as an operator runs it, with nothing from this process's environment but PATH. */
async function capture(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'scripts/capture-histories.ts'), '--address', stack.temporalAddress, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
        timeout: 120_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

async function replay(histories: Array<{ workflowId: string; history: unknown }>): Promise<string[]> {
  const errors: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: bundlePath }, replayName: 'captured' },
    histories.map((h) => ({ workflowId: h.workflowId, history: historyFromJSON(h.history) })),
  )) {
    if (result.error) errors.push(`${result.runId}: ${result.error.message}`);
  }
  return errors;
}

const encodings = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/"encoding":"([^"]+)"/g)].map((m) =>
    Buffer.from(m[1]!, 'base64').toString('utf8'),
  );

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [loan, ops] = await Promise.all([disbursedLoan(api), api.login('ops'), writeWorkflowBundle(bundlePath)]);
  loanId = loan.loanId;
  opsToken = ops.token;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run capture:histories', () => {
  it('captures a loan through the codec endpoint with an OPS token, decoded, and it replays', async () => {
    const out = join(work, 'by-endpoint');
    const captured = await capture([
      '--workflow-id',
      loanId,
      '--scenario',
      'active-loan',
      '--phases',
      'disbursement',
      '--out',
      out,
      '--codec-endpoint',
      `${stack.apiUrl}/codec`,
      '--codec-auth',
      `Bearer ${opsToken}`,
    ]);
    expect(captured.code, captured.stderr).toBe(0);
    expect(captured.stdout).toContain(`✔ ${loanId}: 1 run(s)`);

    const [manifest] = readManifests(out);
    expect(manifest).toMatchObject({
      scenario: 'active-loan',
      workflowId: loanId,
      phases: ['disbursement'],
      source: `${stack.temporalAddress}/default`,
    });
    const [history] = corpusHistories(out);
    const used = new Set(encodings(history!.path));
    expect(used.has('binary/encrypted')).toBe(false);
    expect(used.has('json/plain')).toBe(true);
    const parsed = historyFromJSON(JSON.parse(readFileSync(history!.path, 'utf8')));
    const input = JSON.parse(
      Buffer.from(parsed.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!).toString(
        'utf8',
      ),
    );
    expect(input.input.loanId).toBe(loanId);
    expect(
      parsed.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startDisbursement'),
    ).toBe(true);

    expect(await replay([{ workflowId: loanId, history: JSON.parse(readFileSync(history!.path, 'utf8')) }])).toEqual(
      [],
    );
  });

  it("finds loans by a visibility query and decodes them with the stack's keys", async () => {
    const out = join(work, 'by-query');
    const query = `WorkflowType="loanWorkflow" AND LoanStatus="ACTIVE" AND WorkflowId="${loanId}"`;
    const captured = await capture(['--query', query, '--limit', '1', '--out', out], {
      DATA_KEY_FILE: stack.dataKeyFile,
    });
    expect(captured.code, captured.stderr).toBe(0);
    const [manifest] = readManifests(out);
    expect(manifest).toMatchObject({ scenario: loanId, workflowId: loanId });
    const [history] = corpusHistories(out);
    expect(new Set(encodings(history!.path)).has('binary/encrypted')).toBe(false);
    expect(await replay([{ workflowId: loanId, history: JSON.parse(readFileSync(history!.path, 'utf8')) }])).toEqual(
      [],
    );
  });

  it('writes nothing when the codec endpoint refuses (no token)', async () => {
    const out = join(work, 'refused');
    const captured = await capture([
      '--workflow-id',
      loanId,
      '--out',
      out,
      '--codec-endpoint',
      `${stack.apiUrl}/codec`,
    ]);
    expect(captured.code).toBe(1);
    expect(captured.stderr).toMatch(/codec endpoint .* answered 401/);
    expect(readManifests(out)).toEqual([]);
  });

  it('replays the JSON `temporal workflow show --output json` prints through the codec', async () => {
    const { stdout } = await run(
      TOOLS.temporalCli,
      [
        'workflow',
        'show',
        '--workflow-id',
        loanId,
        '--address',
        stack.temporalAddress,
        '--namespace',
        'default',
        '--output',
        'json',
        '--codec-endpoint',
        `${stack.apiUrl}/codec`,
        '--codec-auth',
        `Bearer ${opsToken}`,
        '--disable-config-file',
        '--disable-config-env',
      ],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 60_000,
      },
    );
    expect(await replay([{ workflowId: loanId, history: JSON.parse(stdout) }])).toEqual([]);
  });
});
