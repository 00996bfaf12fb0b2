// docker-compose.yml is the production topology. No Docker engine runs here, so the file is
// checked with docker-compose itself: it must parse, name every service, and refuse to start
// without its secrets.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/tools.js';

const SECRETS = {
  POSTGRES_PASSWORD: 'pw',
  LOANS_APP_PASSWORD: 'app-pw',
  MICROLOAN_APP_PASSWORD: 'microloan-pw',
  TEMPORAL_DB_PASSWORD: 'temporal-pw',
  TOKEN_SECRET: 't'.repeat(40),
  BANK_CALLBACK_SECRET: 'b'.repeat(32),
  GATEWAY_CALLBACK_SECRET: 'g'.repeat(32),
  DATA_KEYS: 'k1:AAAA',
  DATA_HMAC_KEY: 'AAAA',
};
const compose = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });

/** One service's part of `docker-compose config`'s output. */
function serviceBlock(resolved: string, name: string): string {
  const lines = resolved.split('\n');
  const start = lines.findIndex((line) => line === `  ${name}:`);
  if (start < 0) throw new Error(`no service ${name}`);
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('docker-compose.yml', () => {
  it('is a valid compose file with the production services', () => {
    const check = compose(['config', '-q'], SECRETS);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const services = compose(['config', '--services'], SECRETS).stdout.trim().split('\n').sort();
    expect(services).toEqual([
      'api',
      'app-db-setup',
      'app-migrate',
      'postgres',
      'simulators',
      'temporal',
      'temporal-postgres',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
    const resolved = compose(['config'], SECRETS).stdout;
    // The simulators run only when their profile is asked for.
    expect(resolved).toMatch(/simulators:[\s\S]*?profiles:\s*\n\s*- simulators/);
  });

  it('runs the production entry points, replicates the worker and points Temporal Web at the codec endpoint with credentials', () => {
    const resolved = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...SECRETS },
    });
    expect(resolved).toMatch(/api\/main\.ts/);
    expect(resolved).toMatch(/worker\/main\.ts/);
    expect(resolved).toMatch(/replicas: 2/);
    expect(resolved).toMatch(/TEMPORAL_CODEC_ENDPOINT: http:\/\/localhost:3000\/codec/);
    // Temporal Web sends the OPS user's codec session cookie with each codec call.
    expect(resolved).toMatch(/TEMPORAL_CODEC_INCLUDE_CREDENTIALS: "true"/);
    // Temporal Web only looks; nothing outside the host reaches it, and Temporal's own ports are not published.
    expect(resolved).toMatch(/TEMPORAL_DISABLE_WRITE_ACTIONS: "true"/);
    expect(resolved).toMatch(/- 127\.0\.0\.1:8233:8080/);
    expect(resolved).not.toMatch(/:7233\/tcp|- "?7233|:7233:|:7243/);
    expect(resolved).not.toMatch(/APP_MODE: local/);
  });

  it('runs the Temporal cluster npm run test:cluster tests: same server version and config files, a schema job, separate databases, no published server port', () => {
    const resolved = compose(['config'], SECRETS).stdout;
    const temporal = serviceBlock(resolved, 'temporal');
    const build = readFileSync(`${ROOT}/scripts/build-temporal-server.mjs`, 'utf8');
    const serverVersion = /TEMPORAL_SERVER_VERSION = 'v([\d.]+)'/.exec(build)![1];
    const uiVersion = /TEMPORAL_UI_SERVER_VERSION = 'v([\d.]+)'/.exec(build)![1];
    expect(temporal).toContain(`image: temporalio/server:${serverVersion}`);
    expect(resolved).not.toMatch(/auto-setup/);
    expect(serviceBlock(resolved, 'temporal-ui')).toContain(`image: temporalio/ui:${uiVersion}`);
    // The same server settings and dynamic config files the local cluster runs.
    expect(temporal).toMatch(/config\/temporal\/cluster\.yaml:\/etc\/temporal\/config\/cluster\.yaml/);
    expect(temporal).toMatch(/config\/temporal\/dynamic-config\.yaml:\/etc\/temporal\/config\/dynamic-config\.yaml/);
    expect(temporal).toMatch(/--config-file \/etc\/temporal\/config\/cluster\.yaml/);
    expect(temporal).toMatch(/TEMPORAL_HISTORY_SHARDS: '?\d+'?/);
    expect(temporal).toMatch(/TEMPORAL_DB_HOST: temporal-postgres/);
    expect(temporal).not.toMatch(/^\s{4}ports:/m);
    // Health on 1.32: the temporal CLI (tctl is retired).
    expect(temporal).toMatch(/- operator\s+- cluster\s+- health/);
    expect(resolved).not.toMatch(/tctl/);
    // Schemas set up and upgraded by the server's own SQL tool, before the server starts.
    const schema = serviceBlock(resolved, 'temporal-schema');
    expect(schema).toContain(`image: temporalio/admin-tools:${serverVersion}`);
    expect(schema).toMatch(/temporal-sql-tool[\s\S]*update-schema --schema-name/);
    expect(schema).toMatch(/temporal_visibility:postgresql\/v12\/visibility/);
    expect(temporal).toMatch(/temporal-schema:\s+condition: service_completed_successfully/);
  });

  it('keeps Temporal Web read only with the codec, and the app on a role that is not a superuser', () => {
    const resolved = compose(['config'], SECRETS).stdout;
    const ui = serviceBlock(resolved, 'temporal-ui');
    expect(ui).toMatch(/TEMPORAL_DISABLE_WRITE_ACTIONS: "true"/);
    expect(ui).toMatch(/TEMPORAL_CODEC_ENDPOINT: http:\/\/localhost:3000\/codec/);
    expect(ui).toMatch(/published: 8233[\s\S]*host_ip: 127\.0\.0\.1|127\.0\.0\.1:8233:8080/);
    for (const service of ['api', 'worker']) {
      const block = serviceBlock(resolved, service);
      // Neither a superuser nor the owner: the audit log takes only its SELECT and INSERT (0024).
      expect(block, service).toMatch(/DATABASE_URL: postgres:\/\/microloan_app:microloan-pw@postgres:5432\/microloan/);
      expect(block, service).not.toMatch(/postgres:\/\/(postgres|loans_app):/);
      expect(block, service).toMatch(/app-migrate:\s+condition: service_completed_successfully/);
    }
    // The owner runs the migrations, once, before either starts; the audit checkpoints outlive the container.
    expect(serviceBlock(resolved, 'app-migrate')).toMatch(
      /DATABASE_URL: postgres:\/\/loans_app:app-pw@postgres:5432\/microloan/,
    );
    expect(serviceBlock(resolved, 'app-migrate')).toMatch(/scripts\/migrate\.ts/);
    expect(serviceBlock(resolved, 'api')).toMatch(/- audit-checkpoints:\/var\/lib\/microloan\/audit-checkpoints/);
    const setup = serviceBlock(resolved, 'app-db-setup').replace(/\s+/g, ' ');
    expect(setup).toMatch(/create role loans_app login nosuperuser nocreatedb nocreaterole/);
    expect(setup).toMatch(/create role microloan_app login nosuperuser nocreatedb nocreaterole/);
  });

  it('refuses to start without its secrets, naming the missing one', () => {
    const { POSTGRES_PASSWORD: _omitted, ...rest } = SECRETS;
    const check = compose(['config', '-q'], rest);
    expect(check.status).not.toBe(0);
    expect(check.stderr).toMatch(/POSTGRES_PASSWORD/);
  });

  it('builds the image the services run from the same package lock', () => {
    const dockerfile = readFileSync(`${ROOT}/Dockerfile`, 'utf8');
    // npm install against the copied lock (npm ci refuses the lock: see the Dockerfile), after the
    // patches it applies in its postinstall, then the worker's prebuilt workflow bundle.
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
    expect(dockerfile.indexOf('COPY patches')).toBeGreaterThan(-1);
    expect(dockerfile.indexOf('COPY patches')).toBeLessThan(dockerfile.indexOf('npm install --omit=dev'));
    expect(dockerfile).toMatch(/build-workflow-bundle\.ts build\/workflow-bundle\.js/);
    expect(dockerfile).toMatch(/USER node/);
  });
});
