// The `temporal` CLI against the stack's Temporal, as someone with direct access would run it:
// nothing from the environment or a config file, and no codec unless one is given.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TOOLS } from '../../../lib/tools.js';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `temporal workflow <command> --workflow-id <loanId> …`, optionally through the API's codec endpoint. */
export async function temporalWorkflowCommand(
  target: { temporalAddress: string; apiUrl: string },
  command: string[],
  loanId: string,
  codec?: { token: string },
): Promise<CliResult> {
  const args = [
    'workflow',
    ...command,
    '--workflow-id',
    loanId,
    '--address',
    target.temporalAddress,
    '--namespace',
    'default',
    '--disable-config-file',
    '--disable-config-env',
  ];
  if (codec) args.push('--codec-endpoint', `${target.apiUrl}/codec`, '--codec-auth', `Bearer ${codec.token}`);
  try {
    const { stdout, stderr } = await run(TOOLS.temporalCli, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
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
