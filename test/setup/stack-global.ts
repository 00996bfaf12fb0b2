// Integration and browser suites: the whole stack once per run, on free ports, with nothing
// kept afterwards: embedded PostgreSQL, the Temporal dev server, the partner simulators, the
// worker and the API, each the same code `npm start` runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../lib/ports.js';
import { startStack } from '../../lib/stack.js';
import { localKeyFilePath } from '../../security/keyring.js';
import './provided.js';

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-stack-'));
  const logs: string[] = [];
  const stack = await startStack({
    dataDir,
    apiPort: await freePort(),
    simulatorPort: await freePort(),
    embeddedPgPort: await freePort(),
    temporalPort: await freePort(),
    persistent: false,
    env: {
      ...process.env,
      APP_MODE: 'local',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      PASSWORD_HASH_COST: 'test',
      SIM_ALLOW_RESET: '1',
      SIM_SETTLE_DELAY_MS: '50',
      QUOTE_RATE_LIMIT: '100000',
    },
    output: (service, line) => {
      logs.push(`[${service}] ${line}`);
      if (process.env.TEST_STACK_LOGS) process.stderr.write(`[${service}] ${line}\n`);
    },
  }).catch((err: Error) => {
    process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
    throw err;
  });

  project.provide('stack', {
    apiUrl: stack.apiUrl,
    simulatorUrl: stack.simulatorUrl,
    temporalAddress: stack.temporalAddress,
    databaseUrl: stack.databaseUrl,
    partnerDatabaseUrl: stack.partnerDatabaseUrl,
    dataDir,
    dataKeyFile: localKeyFilePath({ DATA_DIR: dataDir }),
    taskQueue: 'loans',
  });

  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
