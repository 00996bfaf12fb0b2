// docker-compose.yml is the production topology. No Docker engine runs here, so the file is
// checked with docker-compose itself: it must parse, name every service, and refuse to start
// without its secrets.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../lib/tools.js';

const SECRETS = {
  POSTGRES_PASSWORD: 'pw',
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

describe('docker-compose.yml', () => {
  it('is a valid compose file with the production services', () => {
    const check = compose(['config', '-q'], SECRETS);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const services = compose(['config', '--services'], SECRETS).stdout.trim().split('\n').sort();
    expect(services).toEqual(['api', 'postgres', 'simulators', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
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
    expect(resolved).toMatch(/DB: postgres12/);
    expect(resolved).not.toMatch(/APP_MODE: local/);
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
