// npm run golden:rules                 checks every committed corpus against today's code
// npm run golden:rules -- --write      writes test/unit/golden/rules-v<N>.json for the current rules version
//        [--version N] [--force]      another version; --force overwrites an existing file (only on purpose:
//                                      a shipped version's numbers are what its running loans rely on)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CURRENT_RULES_VERSION } from '../domain/rules-version.js';
import {
  GOLDEN_ABOUT,
  firstDifference,
  generateScenarios,
  runScenario,
  type GoldenCorpus,
} from '../test/unit/golden/rules-scenarios.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'unit', 'golden');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const versionArg = args.indexOf('--version');
const version = versionArg >= 0 ? Number(args[versionArg + 1]) : CURRENT_RULES_VERSION;

if (flag('--write')) {
  if (!Number.isInteger(version) || version < 1) {
    console.error(`--version must be a whole number of at least 1, got ${args[versionArg + 1]}`);
    process.exit(2);
  }
  const file = join(GOLDEN, `rules-v${version}.json`);
  if (existsSync(file) && !flag('--force')) {
    console.error(
      `${file} exists: loans running under rules version ${version} rely on its numbers. Add a rules version instead (docs/operations/money-rules.md), or pass --force if you really mean to rewrite it.`,
    );
    process.exit(1);
  }
  const scenarios = generateScenarios().map((input) => ({ input, result: runScenario(input, version) }));
  const corpus: GoldenCorpus = { rulesVersion: version, about: GOLDEN_ABOUT, scenarios };
  writeFileSync(file, `${JSON.stringify(corpus, null, 1)}\n`);
  console.log(`wrote ${scenarios.length} scenarios under rules version ${version} to ${file}`);
} else {
  let failed = 0;
  for (const name of readdirSync(GOLDEN)
    .filter((f) => /^rules-v\d+\.json$/.test(f))
    .sort()) {
    const corpus = JSON.parse(readFileSync(join(GOLDEN, name), 'utf8')) as GoldenCorpus;
    for (const s of corpus.scenarios) {
      const d = firstDifference(s.result, runScenario(s.input, corpus.rulesVersion));
      if (d) {
        failed++;
        console.error(
          `${name} ${s.input.name}: ${d.path} was ${JSON.stringify(d.expected)}, now ${JSON.stringify(d.actual)}`,
        );
      }
    }
    console.log(`${name}: ${corpus.scenarios.length} scenarios checked under rules version ${corpus.rulesVersion}`);
  }
  if (failed > 0) {
    console.error(`${failed} scenario(s) changed: add a rules version instead (docs/operations/upgrading.md).`);
    process.exit(1);
  }
}
