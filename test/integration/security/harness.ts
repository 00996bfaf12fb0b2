import { inject } from 'vitest';
import '../../setup/provided.js';
// A small world for the security integration tests: an embedded Postgres on a free port with
// the core and security migrations, and the API app with the security routes, driven through
// app.request() — no sockets besides Postgres.
import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiKeyRoutes } from '../../../api/routes/api-keys.js';
import { auditRoutes } from '../../../api/routes/audit.js';
import { authRoutes } from '../../../api/routes/auth.js';
import { smsCodeRoutes } from '../../../api/routes/sms-codes.js';
import { codecRoutes } from '../../../api/routes/codec.js';
import { staffUserRoutes } from '../../../api/routes/staff-users.js';
import { createApp, type App } from '../../../api/app.js';
import type { ApiDeps } from '../../../api/env.js';
import { loadConfig, type Config } from '../../../config/index.js';
import { connectDb, type Sql } from '../../../lib/db-client.js';
import { migrate } from '../../../db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../../ops/embedded-postgres.js';
import { createLogger } from '../../../lib/logger.js';
import { freePort } from '../../../lib/ports.js';
import { createSecurity, type Security } from '../../../security/authenticator.js';
import { DEMO_PASSWORD, seedDemoUsers } from '../../../security/demo-users.js';
import { loadKeyring } from '../../../security/keyring.js';
import { appRoleUrl, setAppRolePassword } from '../../../db/app-role.js';

process.env.PASSWORD_HASH_COST = 'test';

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), '../../../db/migrations');

export interface Harness {
  app: App;
  /** The database owner (a superuser, as on the embedded database). */
  sql: Sql;
  /** The same database as the app role (db/app-role.ts), which the API and the worker use. */
  appSql: Sql;
  config: Config;
  security: Security;
  databaseUrl: string;
  /** The injected clock; tests move it forward. */
  clock: { now: number };
  request(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; ip?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Logs in and returns the token; fails the test on anything but 200. */
  login(username: string, password?: string, ip?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'security-it-'));
  // Only the migrations this suite needs, so a migration in progress elsewhere cannot break it.
  const migrations = join(root, 'migrations');
  mkdirSync(migrations);
  for (const file of [
    '0001_core.sql',
    '0003_security.sql',
    '0018_sms_codes.sql',
    '0021_staff_lifecycle.sql',
    '0023_name_blind_index.sql',
    '0024_audit_keyed_chain.sql',
  ])
    copyFileSync(join(MIGRATIONS, file), join(migrations, file));

  let pg: EmbeddedPostgresHandle | undefined;
  let sql: Sql | undefined;
  try {
    // Not under `root`: when tests run as root, Postgres runs as its own user and needs a folder it can create.
    pg = await startEmbeddedPostgres({
      dataDir: join(tmpdir(), `security-it-pg-${randomUUID()}`),
      port: await freePort(),
      persistent: false,
    });
    await pg.ensureDatabase('security');
    const databaseUrl = pg.urlFor('security');
    sql = connectDb(databaseUrl, { max: 5, applicationName: 'security-it' });
    await migrate(sql, migrations);

    // Codes go out through the stack's SMS simulator, and names are checked with its identity register.
    const { simulatorUrl } = inject('stack');
    const config = loadConfig({
      APP_MODE: 'local',
      DATA_DIR: join(root, 'data'),
      LOG_LEVEL: 'silent',
      NOTIFY_URL: `${simulatorUrl}/notify`,
      IDENTITY_URL: `${simulatorUrl}/identity`,
    });
    const clock = { now: Date.parse('2026-03-02T02:00:00.000Z') };
    const now = () => new Date(clock.now);
    const security = createSecurity({ config, sql, now, keyring: loadKeyring(config, {}), env: {} });
    const deps: ApiDeps = {
      config,
      sql,
      temporal: {} as Client,
      log: createLogger('security-it', 'silent'),
      auth: security.auth,
      keyring: security.keyring,
      cipher: security.cipher,
      now,
    };
    const app = createApp(deps, [
      ['/v1/auth', authRoutes(security)],
      ['/v1/auth', staffUserRoutes(security)],
      ['/v1/auth', smsCodeRoutes],
      ['/v1/audit', auditRoutes],
      ['/v1/api-keys', apiKeyRoutes(security)],
      ['/codec', codecRoutes(security)],
    ]);
    await seedDemoUsers(sql, config);

    const request: Harness['request'] = (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.body !== undefined) headers['content-type'] ??= 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const init: RequestInit = {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      };
      return Promise.resolve(
        app.request(path, init, { incoming: { socket: { remoteAddress: options.ip ?? '192.0.2.1' } } }),
      );
    };
    const pgHandle = pg;
    const db = sql;
    const appPassword = randomUUID().replace(/-/g, '');
    await setAppRolePassword(sql, appPassword);
    const appSql = connectDb(appRoleUrl(databaseUrl, appPassword), { max: 2, applicationName: 'security-it-app' });
    return {
      app,
      sql,
      appSql,
      config,
      security,
      databaseUrl,
      clock,
      request,
      async login(username, password = DEMO_PASSWORD, ip) {
        const res = await request('POST', '/v1/auth/login', { body: { username, password }, ip });
        const body = (await res.json()) as { token?: string };
        if (res.status !== 200 || !body.token)
          throw new Error(`login ${username} answered ${res.status}: ${JSON.stringify(body)}`);
        return body.token;
      },
      async stop() {
        await appSql.end({ timeout: 5 });
        await db.end({ timeout: 5 });
        await pgHandle.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await sql?.end({ timeout: 5 });
    await pg?.stop();
    throw err;
  }
}
