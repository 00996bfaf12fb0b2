// Workflow suite: time-skipping test servers, one embedded PostgreSQL and one workflow bundle for the
// whole run. Every workflow harness gets a time-skipping server of its own: a server's clock skips only
// while nothing is in flight on it, so one file's leftovers (a loan terminated mid-task, a stopped
// worker) must never hold time still for another file.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../ops/embedded-postgres.js';
import { EXPORT_REPORT_FILE, exportHistories, type HistoryExportReport } from '../../ops/history-export.js';
import { freePort } from '../../lib/ports.js';
import { startTemporalDevServer, startTimeSkippingServer } from '../../ops/temporal-server.js';
import { ROOT } from '../../lib/tools.js';
import { writeWorkflowBundle } from '../../worker/workflow-bundle.js';
import './provided.js';

const WORKFLOW_TESTS = join(ROOT, 'test', 'workflow');

/** One server per harness the suite's files create, counted from their source. */
function harnessCount(): number {
  const files = readdirSync(WORKFLOW_TESTS, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.test.ts'),
  );
  const calls = files.map(
    (f) => readFileSync(join(WORKFLOW_TESTS, f), 'utf8').split('createWorkflowHarness(').length - 1,
  );
  return calls.reduce((a, b) => a + b, 0);
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'microloan-wf-'));
  const claimDir = join(dir, 'claims');
  mkdirSync(claimDir);
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: await freePort(), persistent: false });
  const ports = await Promise.all(Array.from({ length: harnessCount() }, () => freePort()));
  const servers = await Promise.all(ports.map((port) => startTimeSkippingServer(port, dir)));
  // The real server as well, for the tests of messages landing in one workflow task: the
  // time-skipping server cannot complete a task that accepts one update and rejects another.
  const devServer = await startTemporalDevServer({ port: await freePort(), runDir: dir, headless: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);

  project.provide('pgAdminUrl', pg.urlFor('postgres'));
  project.provide(
    'timeSkippingAddresses',
    ports.map((port) => `127.0.0.1:${port}`),
  );
  project.provide('timeSkippingClaimDir', claimDir);
  project.provide('devServerAddress', devServer.address);
  project.provide('workflowBundlePath', bundlePath);

  // Every history as stored, for the plaintext scan (scripts/scan-plaintext.ts --histories workflow).
  const historyDir = join(ROOT, 'test-artifacts', 'histories', project.name);
  rmSync(historyDir, { recursive: true, force: true });
  mkdirSync(historyDir, { recursive: true });

  return async () => {
    try {
      const reports: HistoryExportReport[] = [];
      for (const port of ports) reports.push(await exportHistories(`127.0.0.1:${port}`, 'default', historyDir));
      const all: HistoryExportReport = {
        ...reports[0]!,
        executions: reports.reduce((n, r) => n + r.executions, 0),
        events: reports.reduce((n, r) => n + r.events, 0),
      };
      writeFileSync(join(historyDir, EXPORT_REPORT_FILE), `${JSON.stringify(all, null, 2)}\n`);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      await devServer.stop();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
