import { z } from 'zod';

/** A setting that is wrong or missing. Entry points print `message` as one line and exit non-zero. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`Configuration error: ${setting} ${detail}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const url = z.string().url();

const schema = z.object({
  APP_MODE: z.enum(['local', 'production']).default('local'),
  PORT: port.default(3000),
  /**
   * The address the API listens on. Unset: 127.0.0.1 in local mode (the demo is not reachable from
   * the network unless told so), 0.0.0.0 in production (behind a proxy or a container's port).
   */
  HOST: z.string().min(1).optional(),
  DATABASE_URL: url.optional(),
  TEMPORAL_ADDRESS: z.string().min(3).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('loans'),
  TEMPORAL_UI_PORT: port.default(8233),
  /**
   * Days Temporal keeps a closed loan's workflow history (applied to the embedded dev server's
   * namespace; an external cluster's namespace is set by its operators). Only ops tools read closed
   * histories: every read of a loan is served from PostgreSQL, so the loan outlives this.
   */
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  /** How long the API waits for Temporal on a start, signal or describe (ms); it reads loans from PostgreSQL. */
  TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  /** How long the API waits for an update, which waits for the workflow's answer (ms). */
  TEMPORAL_UPDATE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(15_000),
  /**
   * Workflows the worker keeps in memory between tasks. Loans sleep for weeks between wake-ups, so a
   * small cache costs a short replay on each wake-up and keeps the worker's memory flat however
   * many loans are active (bench/RESULTS.md, 1c).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(100),
  /**
   * Local debugging only: the worker decodes payloads its codec did not encrypt (a workflow started
   * by hand with the temporal CLI). Messages still need the API's seal. Refused in production mode.
   */
  TEMPORAL_ACCEPT_UNSEALED_PAYLOADS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** A workflow bundle built beforehand (`npm run build:workflows`); without it the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  BANK_URL: url.optional(),
  BUREAU_URL: url.optional(),
  NOTIFY_URL: url.optional(),
  IDENTITY_URL: url.optional(),
  /** The payment gateway's merchant API, e.g. "http://127.0.0.1:4010/gateway". */
  GATEWAY_URL: url.optional(),
  /** How long a borrower's online payment order stays payable; unconfirmed orders expire after it. */
  ONLINE_PAYMENT_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(1_800),
  SIMULATOR_PORT: port.default(4010),
  PUBLIC_API_URL: url.optional(),
  BUSINESS_TIME_ZONE: z.string().default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  /**
   * Where the API writes signed checkpoints of the audit chain's head; default `<DATA_DIR>/audit-checkpoints`.
   * Put it outside the database host (a mounted volume or synced folder) so a database superuser cannot reach it.
   */
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  /** How often the API writes an audit checkpoint (when the chain grew). */
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(1_440).default(10),
  /** Comma-separated `keyId:base64key` pairs for field and payload encryption; the first is current. */
  DATA_KEYS: z.string().optional(),
  DATA_KEY_FILE: z.string().optional(),
  /** Secret for signing access tokens (≥ 32 bytes). */
  TOKEN_SECRET: z.string().min(32).optional(),
  /** Shared secret the bank uses to sign callbacks. */
  BANK_CALLBACK_SECRET: z.string().min(16).optional(),
  /** Shared secret the payment gateway uses to sign payment confirmations (never the bank's). */
  GATEWAY_CALLBACK_SECRET: z.string().min(16).optional(),
  BOOTSTRAP_ADMIN_USERNAME: z.string().min(3).optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12).optional(),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  CORS_ORIGINS: z.string().default(''),
  COMPANY_NAME: z.string().default('示范小额贷款有限公司'),
});

export type Config = Omit<z.infer<typeof schema>, 'HOST'> & { HOST: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), `is invalid: ${issue.message}`);
  }
  const config: Config = {
    ...parsed.data,
    HOST: parsed.data.HOST ?? (parsed.data.APP_MODE === 'local' ? '127.0.0.1' : '0.0.0.0'),
  };
  if (config.APP_MODE === 'production') {
    for (const setting of [
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'TOKEN_SECRET',
      'BANK_CALLBACK_SECRET',
      'GATEWAY_CALLBACK_SECRET',
    ] as const) {
      if (!config[setting]) throw new ConfigError(setting, 'must be set in production mode');
    }
    if (config.TEMPORAL_ACCEPT_UNSEALED_PAYLOADS) {
      throw new ConfigError(
        'TEMPORAL_ACCEPT_UNSEALED_PAYLOADS',
        'is a local debugging switch; it is refused in production mode',
      );
    }
    if (!config.DATA_KEYS && !config.DATA_KEY_FILE) {
      throw new ConfigError('DATA_KEYS', 'or DATA_KEY_FILE must be set in production mode');
    }
  }
  return config;
}
