// `npm start`: the whole system on embedded defaults, or on external services where the
// environment names them (DATABASE_URL, TEMPORAL_ADDRESS, BANK_URL, BUREAU_URL, NOTIFY_URL).
// `npm run start:cluster` (--cluster): the production shape instead: the full Temporal server on
// PostgreSQL with its own Temporal Web, two worker processes and two API processes behind one
// port, its data in <DATA_DIR>/cluster.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/index.js';
import { startStack } from '../ops/stack.js';
import { ROOT } from '../lib/tools.js';

const DEMO_USERS = [
  'loan_officer',
  'initial_reviewer',
  'final_reviewer',
  'finance',
  'finance_checker',
  'collector',
  'risk_manager',
  'auditor',
  'ops',
  'admin',
  'collection_supervisor',
  'compliance',
];

function fatal(message: string): never {
  process.stderr.write(`\x1b[31m✖ ${message}\x1b[0m\n`);
  process.exit(1);
}

function numberSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) fatal(`${name} must be a port number, got "${raw}"`);
  return value;
}

const CLUSTER = process.argv.includes('--cluster');

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    fatal(err instanceof ConfigError ? err.message : String(err));
  }
  const dataDir = CLUSTER ? resolve(ROOT, config.DATA_DIR, 'cluster') : resolve(ROOT, config.DATA_DIR);
  const logDir = resolve(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFiles = new Map<string, WriteStream>();
  const output = (service: string, line: string) => {
    if (!logFiles.has(service))
      logFiles.set(service, createWriteStream(resolve(logDir, `${service}.log`), { flags: 'a' }));
    logFiles.get(service)!.write(line + '\n');
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (level && Number(level) >= 50) process.stderr.write(`[${service}] ${line}\n`);
  };
  const started = Date.now();
  const step = (text: string) => process.stdout.write(`\x1b[36m▸\x1b[0m ${text}\n`);

  const stack = await startStack({
    dataDir,
    apiPort: config.PORT,
    simulatorPort: config.SIMULATOR_PORT,
    embeddedPgPort: numberSetting('EMBEDDED_PG_PORT', 5433),
    temporalPort: numberSetting('TEMPORAL_PORT', 7233),
    temporalUiPort: config.TEMPORAL_UI_PORT,
    ...(CLUSTER ? { temporal: 'cluster' as const, workers: 2, apis: 2 } : {}),
    persistent: true,
    env: { ...process.env, APP_MODE: config.APP_MODE },
    progress: step,
    output,
  }).catch((err: Error) => fatal(err.message.split('\n')[0]!));

  const usingEmbeddedTemporal = !process.env.TEMPORAL_ADDRESS;
  const topology = stack.temporalCluster
    ? `
  Topology              Temporal server on PostgreSQL (${stack.temporalCluster.historyShards} history shards) at ${stack.temporalAddress};
                        workers: ${stack.workerNames.join(', ')}; APIs: ${stack.apiNames.join(', ')} behind port ${config.PORT}
`
    : '';
  process.stdout.write(`
\x1b[32m✔ 小额贷款信息系统 is running\x1b[0m (${((Date.now() - started) / 1000).toFixed(1)} s)

  Approver UI and API   http://localhost:${config.PORT}/
  API docs (OpenAPI)    http://localhost:${config.PORT}/docs
  Readiness             http://localhost:${config.PORT}/readyz
  Temporal Web          ${usingEmbeddedTemporal ? `http://localhost:${config.TEMPORAL_UI_PORT} (payloads decrypted after signing in above as ops)` : '(external Temporal: ' + stack.temporalAddress + ')'}
  Partner simulators    ${stack.simulatorUrl}
  Logs                  ${logDir}
${topology}
  Demo users (local mode only), password Demo@2026:
    ${DEMO_USERS.join(', ')}

  Ctrl-C stops everything; starting again resumes every loan in flight.
`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    step(`${signal}: stopping…`);
    await stack.stop();
    for (const file of logFiles.values()) file.end();
    step('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
