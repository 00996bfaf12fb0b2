#!/usr/bin/env node
// `npm test`: the type check, lint and format check, then each vitest suite in turn (replay,
// unit, workflow, integration, browser, drills). The replay of the committed history corpus is cheap and goes first: a
// workflow change that breaks a recorded loan is the first thing to know. Each suite starts its
// own servers once (a drill, its own stack per file) and prints its own count; the last line is
// the total.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const suites = (process.env.TEST_SUITES ?? 'replay,unit,workflow,integration,browser,drills').split(',');
const reports = join(root, 'test-artifacts', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', name);
const summary = [];
let failed = false;

// The static checks: each counts as one passed or failed line in the summary.
const checks = [
  { suite: 'typecheck', title: 'tsc --noEmit', command: 'tsc', args: ['--noEmit', '-p', root] },
  { suite: 'lint', title: 'eslint: errors fail, warnings print', command: 'eslint', args: ['.'] },
  { suite: 'format', title: 'prettier --check', command: 'prettier', args: ['--check', '--log-level', 'warn', '.'] },
];
for (const check of checks) {
  console.log(`\n=== ${check.suite} (${check.title}) ===`);
  const run = spawnSync(bin(check.command), check.args, { cwd: root, stdio: 'inherit' });
  summary.push({ suite: check.suite, passed: run.status === 0 ? 1 : 0, failed: run.status === 0 ? 0 : 1, skipped: 0 });
  if (run.status !== 0) failed = true;
}

for (const suite of suites) {
  console.log(`\n=== ${suite} tests ===`);
  const jsonFile = join(reports, `${suite}.json`);
  const run = spawnSync(
    bin('vitest'),
    ['run', '--project', suite, '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`],
    { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } },
  );
  let counts = { suite, passed: 0, failed: 0, skipped: 0 };
  try {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    counts = {
      suite,
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests,
    };
  } catch {
    counts.failed = 1;
  }
  if (run.status !== 0 && counts.failed === 0) counts.failed = 1; // a crash or a failing global set-up
  if (counts.failed > 0) failed = true;
  summary.push(counts);
}

// Personal data in clear in what the stack suites left behind (service logs, workflow
// histories as stored) fails the run like a failing test.
// The workflow suite runs no services: only its histories are scanned.
const scanned = suites.filter((suite) => suite === 'integration' || suite === 'browser');
const historiesOnly = suites.filter((suite) => suite === 'workflow');
if (scanned.length + historiesOnly.length > 0) {
  console.log(`\n=== plaintext scan (${[...scanned, ...historiesOnly].join(', ')}: logs and Temporal histories) ===`);
  const args = [
    ...scanned.flatMap((suite) => ['--suite', suite]),
    ...historiesOnly.flatMap((suite) => ['--histories', suite]),
  ];
  const scan = spawnSync(bin('tsx'), [join(root, 'scripts', 'scan-plaintext.ts'), ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  summary.push({
    suite: 'plaintext-scan',
    passed: scan.status === 0 ? 1 : 0,
    failed: scan.status === 0 ? 0 : 1,
    skipped: 0,
  });
  if (scan.status !== 0) failed = true;
}

console.log('\n=== summary ===');
for (const s of summary)
  console.log(
    `${s.suite.padEnd(14)} ${String(s.passed).padStart(5)} passed  ${String(s.failed).padStart(3)} failed  ${String(s.skipped).padStart(3)} skipped`,
  );
const total = summary.reduce(
  (t, s) => ({ passed: t.passed + s.passed, failed: t.failed + s.failed, skipped: t.skipped + s.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failed ? 1 : 0);
