// Every committed money-rules corpus (rules-v<N>.json), recomputed with today's code under its own
// version and compared to the cent. A change to domain/ that moves one of these numbers would change
// running loans: it has to be a new rules version instead.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULE_BOOK } from '../../../domain/money-rules.js';
import { REPAYMENT_METHODS, FREQUENCIES, DAY_COUNTS } from '../../../domain/types.js';
import { firstDifference, runScenario, type GoldenCorpus } from './rules-scenarios.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const corpora = readdirSync(HERE)
  .filter((f) => /^rules-v\d+\.json$/.test(f))
  .sort()
  .map((file) => ({ file, corpus: JSON.parse(readFileSync(join(HERE, file), 'utf8')) as GoldenCorpus }));

it('has a corpus for every rules version a loan can carry', () => {
  expect(corpora.map((c) => c.corpus.rulesVersion).sort()).toEqual([...RULE_BOOK.keys()].sort());
  for (const { file, corpus } of corpora) expect(file).toBe(`rules-v${corpus.rulesVersion}.json`);
});

for (const { file, corpus } of corpora) {
  describe(`money rules version ${corpus.rulesVersion} (${file})`, () => {
    it('covers every repayment method, frequency and day count, and each kind of event', () => {
      const terms = corpus.scenarios.map((s) => s.input.terms);
      expect(corpus.scenarios.length).toBeGreaterThanOrEqual(40);
      expect(new Set(terms.map((t) => t.method))).toEqual(new Set(REPAYMENT_METHODS));
      expect(new Set(terms.map((t) => t.frequency))).toEqual(new Set(FREQUENCIES));
      expect(new Set(terms.map((t) => t.dayCount))).toEqual(new Set(DAY_COUNTS));
      const steps = corpus.scenarios.flatMap((s) => s.result.steps);
      expect(new Set(steps.map((s) => s.event.split(' ')[0]))).toEqual(new Set(['PAY', 'CREDIT', 'WRITE_OFF', 'LOOK']));
      expect(new Set(steps.map((s) => s.classification))).toEqual(new Set(['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS']));
      expect(steps.some((s) => s.allocation?.paidOff)).toBe(true);
      expect(new Set(steps.map((s) => s.allocation?.reamortized).filter(Boolean))).toEqual(new Set(['REDUCE_TERM', 'REDUCE_INSTALLMENT']));
      expect(steps.some((s) => s.charges.some((c) => c.includes('waived')))).toBe(true);
      expect(steps.some((s) => s.entries.some((e) => e.includes(' PENALTY_INTEREST ')))).toBe(true);
      expect(steps.some((s) => s.entries.some((e) => e.includes(' LATE_FEE ')))).toBe(true);
    });

    it.each(corpus.scenarios.map((s) => [s.input.name, s] as const))('%s', (_name, scenario) => {
      const now = runScenario(scenario.input, corpus.rulesVersion);
      const d = firstDifference(scenario.result, now);
      if (d) {
        expect.fail(
          `${file} ${scenario.input.name}: ${d.path} was ${JSON.stringify(d.expected)}, is now ${JSON.stringify(d.actual)}.\n` +
            `This change to domain/ alters the numbers of loans running under money rules version ${corpus.rulesVersion}. ` +
            'Running loans keep their numbers: add a rules version instead (docs/operations/upgrading.md, docs/operations/money-rules.md).',
        );
      }
    });
  });
}
