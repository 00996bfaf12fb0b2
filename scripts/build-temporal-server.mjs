#!/usr/bin/env node
// Builds, once, the binaries `npm run start:cluster` and `npm run test:cluster` run: the Temporal
// server, its SQL schema tool and Temporal Web's server, each from the Go module proxy at a pinned
// version, into .tools/. A build whose stamp names the same versions is reused; nothing is
// downloaded at run time. Needs Go (any toolchain that can fetch GO_TOOLCHAIN through the proxy).
//
//   node scripts/build-temporal-server.mjs          # builds what is missing
//   node scripts/build-temporal-server.mjs --check  # exits 1, naming what is missing, without building
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The pinned versions; docker-compose.yml runs the same server and UI versions. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.54.1';
const GO_TOOLCHAIN = 'go1.27.3';

const BUILDS = [
  {
    dir: '.tools/temporal-server',
    binaries: ['server', 'sql'],
    packages: [
      `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ],
    version: TEMPORAL_SERVER_VERSION,
  },
  {
    // Its binary is also called `server`, hence a folder of its own.
    dir: '.tools/temporal-ui',
    binaries: ['server'],
    packages: [`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_SERVER_VERSION}`],
    version: TEMPORAL_UI_SERVER_VERSION,
  },
];

function isBuilt(build) {
  const stamp = join(root, build.dir, 'VERSION');
  return (
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === build.version &&
    build.binaries.every((name) => existsSync(join(root, build.dir, name)))
  );
}

const missing = BUILDS.filter((build) => !isBuilt(build));
if (process.argv.includes('--check')) {
  for (const build of missing) console.error(`missing: ${build.packages.join(', ')} in ${build.dir}`);
  process.exit(missing.length ? 1 : 0);
}

for (const build of missing) {
  const dir = join(root, build.dir);
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'VERSION'), { force: true });
  console.log(`Building ${build.packages.join(' and ')} into ${build.dir} (a few minutes, once)…`);
  const run = spawnSync('go', ['install', ...build.packages], {
    stdio: 'inherit',
    env: { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: dir },
  });
  if (run.error?.code === 'ENOENT') {
    console.error('Go is not installed: install Go (https://go.dev/dl/) and run this again.');
    process.exit(1);
  }
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(join(dir, 'VERSION'), `${build.version}\n`);
}
if (missing.length === 0) console.log('Temporal server, schema tool and Temporal Web are built.');
