// Workflow suite: one time-skipping test server, one embedded PostgreSQL and one workflow
// bundle for the whole run; each test file connects to them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'microloan-wf-'));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: await freePort(), persistent: false });
  const port = await freePort();
  const server = await startTimeSkippingServer(port, dir);
  // A second time-skipping server for the deploy drill, whose stopped workers and failed workflow
  // tasks must not hold time still for the files that share the first.
  const isolatedPort = await freePort();
  const isolatedServer = await startTimeSkippingServer(isolatedPort, dir);
  // The real server as well, for the tests of messages landing in one workflow task: the
  // time-skipping server cannot complete a task that accepts one update and rejects another.
  const devServer = await startTemporalDevServer({ port: await freePort(), runDir: dir, headless: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);

  project.provide('pgAdminUrl', pg.urlFor('postgres'));
  project.provide('timeSkippingAddress', `127.0.0.1:${port}`);
  project.provide('devServerAddress', devServer.address);
  project.provide('isolatedTimeSkippingAddress', `127.0.0.1:${isolatedPort}`);
  project.provide('workflowBundlePath', bundlePath);

  // Every history as stored, for the plaintext scan (scripts/scan-plaintext.ts --histories workflow).
  const historyDir = join(ROOT, 'test-artifacts', 'histories', project.name);
  rmSync(historyDir, { recursive: true, force: true });
  mkdirSync(historyDir, { recursive: true });

  return async () => {
    try {
      const shared = await exportHistories(`127.0.0.1:${port}`, 'default', historyDir);
      const isolated = await exportHistories(`127.0.0.1:${isolatedPort}`, 'default', historyDir);
      const both: HistoryExportReport = {
        ...shared,
        executions: shared.executions + isolated.executions,
        events: shared.events + isolated.events,
      };
      writeFileSync(join(historyDir, EXPORT_REPORT_FILE), `${JSON.stringify(both, null, 2)}\n`);
    } finally {
      await server.stop();
      await isolatedServer.stop();
      await devServer.stop();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
