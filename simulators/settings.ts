import { ConfigError, loadConfig } from '../config/index.js';
import { DEFAULT_DELIVERY_DELAY_MS, DEFAULT_GATEWAY_LATE_DELIVERY_MS, DEFAULT_SETTLE_DELAY_MS } from './app.js';
import { DEFAULT_HANG_MS, faultSettingsFromEnv, type FaultSettings } from './faults.js';

export interface SimulatorSettings {
  port: number;
  host: string;
  databaseUrl: string;
  callbackSecret: string;
  gatewayCallbackSecret: string;
  logLevel: string;
  faults: FaultSettings;
  seed: number;
  allowReset: boolean;
  settleDelayMs: number;
  deliveryDelayMs: number;
  gatewayLateDeliveryMs: number;
  publicUrl: string | undefined;
  faultHangMs: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new ConfigError(name, `must be a whole number from 0 to ${max}, got "${raw}"`);
  return value;
}

function postgresUrl(env: NodeJS.ProcessEnv, name: string): string {
  const raw = env[name];
  if (!raw)
    throw new ConfigError(
      name,
      "must be set to the simulators' own postgres database, e.g. postgres://user:pass@127.0.0.1:5432/partners",
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new ConfigError(name, 'must be a postgres:// URL');
  return raw;
}

function publicUrl(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
}

/**
 * Shared settings from config/ (APP_MODE, SIMULATOR_PORT, BANK_CALLBACK_SECRET, GATEWAY_CALLBACK_SECRET, LOG_LEVEL) plus the
 * simulators' own: PARTNER_DATABASE_URL, SIMULATOR_HOST, SIM_SEED, SIM_ALLOW_RESET, SIM_SETTLE_DELAY_MS,
 * SIM_DELIVERY_DELAY_MS, SIM_GATEWAY_LATE_DELIVERY_MS, SIM_PUBLIC_URL, SIM_HANG_MS and the
 * SIM_<BANK|BUREAU|NOTIFY|GATEWAY>_<FAILURE_RATE|TIMEOUT_RATE|LATENCY_MS> faults.
 * Throws ConfigError on the first bad setting.
 */
export function loadSimulatorSettings(env: NodeJS.ProcessEnv = process.env): SimulatorSettings {
  const mode = env.APP_MODE || 'local';
  if (mode !== 'local' && mode !== 'production')
    throw new ConfigError('APP_MODE', `must be local or production, got "${mode}"`);
  // The shared schema checks the shared settings; its production rules are the API's and worker's
  // (DATABASE_URL, TEMPORAL_ADDRESS, …), not the simulators', so they are not applied here.
  const config = loadConfig({ ...env, APP_MODE: 'local' });
  // In local mode the stack generates both per installation and hands them over (ops/stack.ts).
  const callbackSecret = config.BANK_CALLBACK_SECRET;
  if (!callbackSecret) throw new ConfigError('BANK_CALLBACK_SECRET', 'must be set (npm start generates it locally)');
  const gatewayCallbackSecret = config.GATEWAY_CALLBACK_SECRET;
  if (!gatewayCallbackSecret)
    throw new ConfigError('GATEWAY_CALLBACK_SECRET', 'must be set (npm start generates it locally)');
  if (gatewayCallbackSecret === callbackSecret)
    throw new ConfigError('GATEWAY_CALLBACK_SECRET', 'must differ from BANK_CALLBACK_SECRET');
  const allowReset = env.SIM_ALLOW_RESET ?? '0';
  if (allowReset !== '0' && allowReset !== '1')
    throw new ConfigError('SIM_ALLOW_RESET', `must be 0 or 1, got "${allowReset}"`);
  return {
    port: config.SIMULATOR_PORT,
    host: env.SIMULATOR_HOST || '127.0.0.1',
    databaseUrl: postgresUrl(env, 'PARTNER_DATABASE_URL'),
    callbackSecret,
    gatewayCallbackSecret,
    logLevel: config.LOG_LEVEL,
    faults: faultSettingsFromEnv(env),
    seed: wholeNumber(env, 'SIM_SEED', 1, 0xffffffff),
    allowReset: allowReset === '1',
    settleDelayMs: wholeNumber(env, 'SIM_SETTLE_DELAY_MS', DEFAULT_SETTLE_DELAY_MS, 3_600_000),
    deliveryDelayMs: wholeNumber(env, 'SIM_DELIVERY_DELAY_MS', DEFAULT_DELIVERY_DELAY_MS, 3_600_000),
    gatewayLateDeliveryMs: wholeNumber(
      env,
      'SIM_GATEWAY_LATE_DELIVERY_MS',
      DEFAULT_GATEWAY_LATE_DELIVERY_MS,
      3_600_000,
    ),
    publicUrl: publicUrl(env, 'SIM_PUBLIC_URL'),
    faultHangMs: wholeNumber(env, 'SIM_HANG_MS', DEFAULT_HANG_MS, 600_000),
  };
}
