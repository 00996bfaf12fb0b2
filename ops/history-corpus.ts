// The replay corpus: decoded loan histories kept in the repository (test/workflow/histories/), one
// folder per scenario holding each run of the loan's continue-as-new chain in order (run-1.json,
// run-2.json, …) and manifest.json saying what the scenario covers, when and from which code it was
// recorded. `npm run test:replay` replays every run against the current workflow code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyJson, type History } from './history-export.js';
import { ROOT } from '../lib/tools.js';

export const CORPUS_DIR = resolve(ROOT, 'test/workflow/histories');
export const MANIFEST_FILE = 'manifest.json';

/** What a scenario's histories exercise. `npm run test:replay` fails unless the corpus covers every one of these. */
export const CORPUS_PHASES = [
  'auto-approval',
  'decline',
  'two-stage-review',
  'more-documents',
  'human-rejection',
  'documents-expiry',
  'offer-expiry',
  'withdrawal',
  'disbursement',
  'payout-failure-and-retry',
  'on-time-payment',
  'late-payment',
  'grace',
  'partial-payment',
  'early-payment',
  'overdue-ladder',
  'write-off',
  'payoff',
  'continue-as-new',
  'needs-attention',
  'bounded-wait',
  'message-race',
  'refund',
  'reversal',
  'payout-account-verification',
  'payout-cancellation',
  'refused-message',
  'restructuring',
] as const;

export type CorpusPhase = (typeof CORPUS_PHASES)[number];

export interface ScenarioManifest {
  scenario: string;
  phases: string[];
  workflowId: string;
  /** Where the histories came from: a workflow test file, or a running stack. */
  source: string;
  recordedAt: string;
  /** The code the histories were recorded under; `dirty` when workflows/ or domain/ had uncommitted changes. */
  commit: string;
  dirty: boolean;
  runs: Array<{ file: string; runId: string; events: number }>;
  note?: string;
}

export interface CorpusHistory {
  scenario: string;
  file: string;
  path: string;
  runId: string;
  workflowId: string;
}

export function codeCommit(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      dirty: git('status', '--porcelain', '--', 'workflows', 'domain') !== '',
    };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** Replaces the scenario's folder with these runs (oldest first) and their manifest. */
export function writeScenario(
  corpusDir: string,
  scenario: { scenario: string; phases: readonly string[]; workflowId: string; source: string },
  runs: ReadonlyArray<{ runId: string; history: History }>,
): ScenarioManifest {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(scenario.scenario))
    throw new Error(`scenario name "${scenario.scenario}" must be letters, digits, ".", "_" or "-"`);
  if (runs.length === 0) throw new Error(`scenario ${scenario.scenario}: no runs to write`);
  const dir = join(corpusDir, scenario.scenario);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest: ScenarioManifest = {
    scenario: scenario.scenario,
    phases: [...scenario.phases],
    workflowId: scenario.workflowId,
    source: scenario.source,
    recordedAt: new Date().toISOString(),
    ...codeCommit(),
    runs: runs.map(({ runId, history }, i) => {
      const file = `run-${i + 1}.json`;
      writeFileSync(join(dir, file), historyJson(history));
      return { file, runId, events: history.events?.length ?? 0 };
    }),
  };
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Every scenario's manifest, by folder. A folder may be renamed (an older recording kept beside a
 * new one, e.g. `overdue-ladder@2026-12-06`); a folder without a manifest, or a manifest naming
 * files the folder does not hold, is an error.
 */
export function readManifests(corpusDir: string): Array<ScenarioManifest & { folder: string }> {
  if (!existsSync(corpusDir)) return [];
  return readdirSync(corpusDir)
    .filter((name) => statSync(join(corpusDir, name)).isDirectory())
    .sort()
    .map((folder) => {
      const path = join(corpusDir, folder, MANIFEST_FILE);
      if (!existsSync(path)) throw new Error(`${folder}/ has no ${MANIFEST_FILE}`);
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as ScenarioManifest;
      const files = readdirSync(join(corpusDir, folder))
        .filter((f) => f !== MANIFEST_FILE)
        .sort();
      const listed = manifest.runs.map((r) => r.file).sort();
      if (JSON.stringify(files) !== JSON.stringify(listed))
        throw new Error(`${folder}/ holds ${files.join(', ')} but its manifest lists ${listed.join(', ')}`);
      return { ...manifest, folder };
    });
}

/** Every history in the corpus, folder by folder, runs in order. */
export function corpusHistories(corpusDir: string): CorpusHistory[] {
  return readManifests(corpusDir).flatMap((m) =>
    m.runs.map((run) => ({
      scenario: m.folder,
      file: run.file,
      path: join(corpusDir, m.folder, run.file),
      runId: run.runId,
      workflowId: m.workflowId,
    })),
  );
}
