// The replay gate catches an unversioned change in any phase. Each row of PHASE_CHANGES edits a
// copy of the workflow code; replaying the committed corpus against that copy must fail with a
// nondeterminism error for a loan that went through the edited phase, and the same edit guarded by
// patched() must replay those loans cleanly. An unchanged copy replays cleanly too, so a failure
// comes from the edit, not from the copying.
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus, type RecordedLoan } from '../support/history-corpus.js';
import { bundleChangedWorkflows, checkChangeApplies, type MutantBundle } from '../support/mutant-bundle.js';
import { asCodeChange, PHASE_CHANGES } from '../support/workflow-changes.js';

// Nondeterminism is the expected outcome for most replays here: the SDK need not warn about each one.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
});

const corpus = loadCorpus();

/** Replays the loans against a bundle, one after another; the error of each (undefined when it replayed cleanly), by name. */
async function replay(codePath: string, loans: RecordedLoan[]): Promise<Map<string, Error | undefined>> {
  const results = new Map<string, Error | undefined>();
  const replayed = Worker.runReplayHistories(
    { workflowBundle: { codePath } },
    loans.map((loan) => ({ history: loan.history, workflowId: loan.workflowId })),
  );
  let i = 0;
  for await (const result of replayed) results.set(loans[i++]!.name, result.error);
  expect(results.size).toBe(loans.length);
  return results;
}

function failures(results: Map<string, Error | undefined>): Array<[string, Error]> {
  return [...results].filter((r): r is [string, Error] => r[1] !== undefined);
}

let control: MutantBundle;
beforeAll(async () => {
  control = await bundleChangedWorkflows({ id: 'control', edits: [] });
});
afterAll(() => control?.remove());

it('replays every recorded loan against an unchanged copy of the workflow code', async () => {
  expect(corpus.length).toBeGreaterThan(0);
  expect(failures(await replay(control.codePath, corpus))).toEqual([]);
  // The whole corpus in one test: a correctness gate, given time to finish on a loaded machine.
}, 240_000);

it("applies every change, unguarded and guarded, to today's workflow code (each anchor found once)", () => {
  for (const change of PHASE_CHANGES) {
    expect(() => checkChangeApplies(asCodeChange(change)), change.phase).not.toThrow();
    expect(() => checkChangeApplies(asCodeChange(change, `${change.phase}-change`)), change.phase).not.toThrow();
  }
});

describe.each(PHASE_CHANGES)('$phase: $description', (change) => {
  const covering = corpus.filter(change.covers);
  // No recorded loan goes through this phase yet: reported as skipped (the corpus test lists what it lacks).
  const uncovered = covering.length === 0;

  it.skipIf(uncovered)('shipped without patched(), fails replay of a recorded loan that went through it', async () => {
    const mutant = await bundleChangedWorkflows(asCodeChange(change));
    try {
      const failed = failures(await replay(mutant.codePath, covering));
      expect(failed.length, `${change.phase}: every covering history replayed cleanly`).toBeGreaterThan(0);
      // Nondeterminism, not a crash of the edited code.
      for (const [name, error] of failed) expect(error, name).toBeInstanceOf(DeterminismViolationError);
    } finally {
      mutant.remove();
    }
  });

  // Loans that never reach the edited code replay as the control did; the ones that do are the test.
  it.skipIf(uncovered)('guarded by patched(), replays the recorded loans that went through it', async () => {
    const patchId = `${change.phase}-change`;
    const mutant = await bundleChangedWorkflows(asCodeChange(change, patchId));
    try {
      expect(readFileSync(mutant.codePath, 'utf8')).toContain(patchId);
      expect(failures(await replay(mutant.codePath, covering))).toEqual([]);
    } finally {
      mutant.remove();
    }
  });
});
