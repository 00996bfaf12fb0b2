// Integration and browser suites: the whole stack once per run, on free ports, with nothing
// kept afterwards: embedded PostgreSQL, the Temporal dev server, the partner simulators, the
// worker, the API and Temporal Web, each the same code `npm start` runs. The cluster suite
// (`npm run test:cluster`) runs the production shape instead, as `npm run start:cluster` does: the
// full Temporal server on PostgreSQL, two worker processes and two API processes behind one port.
// Every line a service writes goes to test-artifacts/logs/<suite>/<service>.log, and before the
// stack stops every workflow history is exported, as stored, to test-artifacts/histories/<suite>/:
// scripts/scan-plaintext.ts checks both for personal data in clear.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { exportHistories } from '../../ops/history-export.js';
import { freePort } from '../../lib/ports.js';
import { startStack } from '../../ops/stack.js';
import { localKeyFilePath } from '../../security/keyring.js';
import { ROOT } from '../../lib/tools.js';
import './provided.js';

function artifactDir(kind: 'logs' | 'histories', suite: string): string {
  const dir = join(ROOT, 'test-artifacts', kind, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export default async function setup(project: TestProject) {
  const cluster = project.name === 'cluster';
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-stack-'));
  const logDir = artifactDir('logs', project.name);
  const historyDir = artifactDir('histories', project.name);
  const logFiles = new Map<string, WriteStream>();
  const logFile = (service: string) => {
    let file = logFiles.get(service);
    if (!file) logFiles.set(service, (file = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' })));
    return file;
  };
  const closeLogs = () => Promise.all([...logFiles.values()].map((file) => new Promise((done) => file.end(done))));
  const logs: string[] = [];
  const stack = await startStack({
    dataDir,
    apiPort: await freePort(),
    simulatorPort: await freePort(),
    embeddedPgPort: await freePort(),
    temporalPort: await freePort(),
    temporalUiPort: await freePort(),
    ...(cluster ? { temporal: 'cluster' as const, workers: 2, apis: 2 } : {}),
    persistent: false,
    env: {
      ...process.env,
      APP_MODE: 'local',
      // Production's level, so the plaintext scan sees what production would write.
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      PASSWORD_HASH_COST: 'test',
      SIM_ALLOW_RESET: '1',
      SIM_SETTLE_DELAY_MS: '50',
      // Short enough that a test can watch an unconfirmed online payment expire; the gateway holds a LATE confirmation 5 s.
      ONLINE_PAYMENT_TTL_SECONDS: '20',
      QUOTE_RATE_LIMIT: '100000',
    },
    output: (service, line) => {
      logFile(service).write(`${line}\n`);
      logs.push(`[${service}] ${line}`);
      if (logs.length > 200) logs.shift();
      if (process.env.TEST_STACK_LOGS) process.stderr.write(`[${service}] ${line}\n`);
    },
  }).catch(async (err: Error) => {
    process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
    await closeLogs();
    throw err;
  });

  project.provide('stack', {
    apiUrl: stack.apiUrl,
    simulatorUrl: stack.simulatorUrl,
    temporalAddress: stack.temporalAddress,
    temporalWebUrl: stack.temporalWebUrl!,
    databaseUrl: stack.databaseUrl,
    appDatabaseUrl: stack.appDatabaseUrl,
    bankCallbackSecret: stack.env.BANK_CALLBACK_SECRET!,
    gatewayCallbackSecret: stack.env.GATEWAY_CALLBACK_SECRET!,
    partnerDatabaseUrl: stack.partnerDatabaseUrl,
    dataDir,
    dataKeyFile: localKeyFilePath({ DATA_DIR: dataDir }),
    taskQueue: 'loans',
    apiProcessUrls: stack.apiProcessUrls,
    workerNames: stack.workerNames,
  });

  return async () => {
    try {
      await exportHistories(stack.temporalAddress, 'default', historyDir);
    } finally {
      await stack.stop();
      await closeLogs();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
