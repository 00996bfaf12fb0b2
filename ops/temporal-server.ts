import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ConfigError } from '../config/index.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { LOAN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import { resolve } from 'node:path';
import { spawnManaged, type ManagedProcess } from '../lib/managed-process.js';
import { freePort, isPortFree, waitForPort } from '../lib/ports.js';
import { startTemporalWeb, type TemporalWebHandle } from './temporal-web.js';
import { requireTool, TOOLS } from '../lib/tools.js';

/** The loan's custom search attributes as the dev server's flags want them (`LoanStatus=Keyword`). */
const SEARCH_ATTRIBUTES: Record<string, string> = Object.fromEntries(
  LOAN_SEARCH_ATTRIBUTES.map((key) => [key.name, key.type.charAt(0) + key.type.slice(1).toLowerCase()]),
);

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file for persistence; in memory when absent. */
  dbFile?: string;
  codecEndpoint?: string;
  /** How long closed workflows stay in the `default` namespace (the dev server's own default is a day). */
  retentionDays?: number;
  runDir: string;
  headless?: boolean;
  onOutput?: (line: string) => void;
}

export interface DevServerHandle {
  address: string;
  /** Temporal Web, when started with a UI. */
  webUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready: ${String(lastError)}`);
}

/**
 * Sets how long Temporal keeps closed workflows of a namespace (`temporal operator namespace update
 * --retention <days>d <namespace>` does the same on any cluster). Takes effect for workflows closing from now on.
 */
export async function setNamespaceRetention(address: string, namespace: string, days: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(`${days} days`) },
    });
  } finally {
    await connection.close();
  }
}

/** The retention a namespace has now, in days. */
export async function namespaceRetentionDays(address: string, namespace: string): Promise<number> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    return Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / (24 * 60 * 60);
  } finally {
    await connection.close();
  }
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServerHandle> {
  const cli = requireTool(TOOLS.temporalCli, 'The Temporal CLI');
  if (!(await isPortFree(options.port)))
    throw new ConfigError('TEMPORAL_PORT', `${options.port} is already in use; choose another or set TEMPORAL_ADDRESS`);
  if (options.uiPort && !(await isPortFree(options.uiPort)))
    throw new ConfigError('TEMPORAL_UI_PORT', `${options.uiPort} is already in use`);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'error',
    '--namespace',
    'default',
  ];
  if (options.dbFile) args.push('--db-filename', resolve(options.dbFile));
  // With a UI, the dev server serves it on a private port and Temporal Web (ops/temporal-web.ts)
  // answers on uiPort with the codec's credentials setting on.
  const withUi = !options.headless && !!options.uiPort;
  const privateUiPort = withUi ? await freePort() : undefined;
  if (!withUi) args.push('--headless');
  else args.push('--ui-port', String(privateUiPort), '--ui-disable-news-fetch');
  if (options.codecEndpoint && withUi) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  // Keep workflow histories searchable for ops long after loans close.
  args.push('--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=10000');
  const proc = await spawnManaged({
    name: 'temporal',
    command: cli,
    args,
    pidFile: resolve(options.runDir, 'temporal.pid'),
    onOutput: options.onOutput,
  });
  const address = `127.0.0.1:${options.port}`;
  const failedEarly = proc.exited.then((code) => {
    throw new Error(`The Temporal dev server exited during start-up (code ${code})`);
  });
  await Promise.race([waitForPort(options.port, 60_000).then(() => waitForTemporal(address, 60_000)), failedEarly]);
  failedEarly.catch(() => {});
  if (options.retentionDays !== undefined) await setNamespaceRetention(address, 'default', options.retentionDays);
  let web: TemporalWebHandle | undefined;
  try {
    if (withUi)
      web = await startTemporalWeb({ host: '127.0.0.1', port: options.uiPort!, upstreamPort: privateUiPort! });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    address,
    webUrl: web?.url,
    process: proc,
    stop: async () => {
      await web?.close();
      await proc.stop();
    },
  };
}

export async function startTimeSkippingServer(port: number, runDir: string): Promise<ManagedProcess> {
  const binary = requireTool(TOOLS.timeSkippingServer, 'The Temporal time-skipping test server');
  const proc = await spawnManaged({
    name: 'temporal-test-server',
    command: binary,
    args: [String(port)],
    pidFile: resolve(runDir, `temporal-test-server-${port}.pid`),
  });
  await waitForPort(port, 60_000);
  // The test server knows no custom search attributes until told.
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    await connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(
        LOAN_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    });
  } finally {
    await connection.close();
  }
  return proc;
}
