// `npm run test:replay`: every history in the committed corpus (test/workflow/histories/, see
// ops/history-corpus.ts) replayed against the current workflow bundle. A change to what workflow
// code does (workflows/ and the domain/ modules it bundles) that a recorded loan would not take the
// same way fails here: guard it with patched() (docs/operations/upgrading.md).
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CORPUS_DIR,
  CORPUS_PHASES,
  corpusHistories,
  readManifests,
  type CorpusHistory,
} from '../../ops/history-corpus.js';
import { findPlaintextInJson } from '../../security/plaintext-detector.js';
import '../setup/provided.js';

const corpusDir = process.env.REPLAY_CORPUS_DIR ?? CORPUS_DIR;
const manifests = readManifests(corpusDir);
const histories = corpusHistories(corpusDir);
const name = (h: CorpusHistory) => `${h.scenario}/${h.file}`;

type Outcome = { error?: string; events?: number };
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const parsed: Array<{ history: CorpusHistory; parsed: ReturnType<typeof historyFromJSON> }> = [];
  for (const history of histories) {
    try {
      parsed.push({ history, parsed: historyFromJSON(JSON.parse(readFileSync(history.path, 'utf8'))) });
    } catch (err) {
      outcomes.set(name(history), { error: `cannot be read as a history: ${(err as Error).message}` });
    }
  }
  // One replay worker for the whole corpus, one history after another, in corpus order.
  const replayed = Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: 'corpus' },
    parsed.map((p) => ({ workflowId: p.history.workflowId, history: p.parsed })),
  );
  let i = 0;
  for await (const result of replayed as AsyncIterable<ReplayResult>) {
    const { history, parsed: events } = parsed[i++]!;
    outcomes.set(name(history), {
      error: result.error ? `${result.error.name}: ${result.error.message}` : undefined,
      events: events.events?.length ?? 0,
    });
  }
}, 600_000);

describe(`replay corpus ${corpusDir}`, () => {
  it('holds histories', () => {
    expect(
      histories.length,
      `no histories in ${corpusDir}: record them (docs/operations/upgrading.md)`,
    ).toBeGreaterThan(0);
  });

  it('covers every phase of a loan', () => {
    const covered = new Set(manifests.flatMap((m) => m.phases));
    expect(CORPUS_PHASES.filter((phase) => !covered.has(phase))).toEqual([]);
  });

  it('holds no personal identifier in clear (it is committed to the repository)', () => {
    const findings = histories.flatMap((h) =>
      findPlaintextInJson(JSON.parse(readFileSync(h.path, 'utf8'))).map(
        (f) => `${name(h)}: ${f.kind} ${f.masked} at ${f.path}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it.each(histories.map((h) => [name(h), h] as const))('replays %s', (file) => {
    const outcome = outcomes.get(file);
    expect(outcome, `${file} was not replayed`).toBeDefined();
    expect(outcome!.error).toBeUndefined();
    expect(outcome!.events).toBeGreaterThan(0);
  });
});
