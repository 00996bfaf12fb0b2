import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { ConfigError } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { createLogger } from '../lib/logger.js';
import { exitWhenParentDies } from '../lib/managed-process.js';
import { createSimulatorApp } from './app.js';
import { loadSimulatorSettings } from './settings.js';

export { createSimulatorApp, type SimulatorApp, type SimulatorDeps } from './app.js';

const SHUTDOWN_GRACE_MS = 5_000;

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSimulatorSettings();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`partner simulators: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const log = createLogger('partner-simulators', settings.logLevel);
  const sql = connectDb(settings.databaseUrl, { max: 10, applicationName: 'partner-simulators' });
  const simulators = createSimulatorApp({
    sql,
    log,
    callbackSecret: settings.callbackSecret,
    gatewayCallbackSecret: settings.gatewayCallbackSecret,
    faults: settings.faults,
    seed: settings.seed,
    allowReset: settings.allowReset,
    settleDelayMs: settings.settleDelayMs,
    deliveryDelayMs: settings.deliveryDelayMs,
    gatewayLateDeliveryMs: settings.gatewayLateDeliveryMs,
    ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    faultHangMs: settings.faultHangMs,
  });
  try {
    await simulators.start();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    console.error(`partner simulators: cannot prepare the database at PARTNER_DATABASE_URL: ${reason}`);
    await sql.end({ timeout: 1 }).catch(() => {});
    process.exit(1);
  }

  const server = serve({ fetch: simulators.app.fetch, port: settings.port, hostname: settings.host }) as Server;
  server.once('error', (err: NodeJS.ErrnoException) => {
    console.error(`partner simulators: cannot listen on ${settings.host}:${settings.port}: ${err.code ?? err.message}`);
    process.exit(1);
  });
  server.once('listening', () => {
    log.info(
      { port: settings.port, host: settings.host, faults: settings.faults, seed: settings.seed },
      'partner simulators listening',
    );
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await simulators.stop();
    server.closeIdleConnections();
    const forced = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(forced);
    await sql.end({ timeout: 5 });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  exitWhenParentDies();
  void main();
}
