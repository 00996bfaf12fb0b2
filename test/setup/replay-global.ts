// Replay suite: the workflow bundle the worker would run, built once, as the workflow suite and
// `npm run build:workflows` build it. Replaying needs no server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeWorkflowBundle } from '../../worker/workflow-bundle.js';
import './provided.js';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'microloan-replay-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(bundlePath);
  project.provide('workflowBundlePath', bundlePath);
  return () => rmSync(dir, { recursive: true, force: true });
}
