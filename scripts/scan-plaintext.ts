// `npm run scan:plaintext` — looks for personal identifiers in clear (resident ID numbers,
// mobile numbers, bank card numbers; see security/plaintext-detector.ts) in service logs and in
// Temporal workflow histories as the server stores them.
//
//   tsx scripts/scan-plaintext.ts --suite integration --suite browser
//       scans test-artifacts/logs/<suite>/*.log and test-artifacts/histories/<suite>/*.json,
//       which test/setup/stack-global.ts writes; a suite without both is a failure, not a pass.
//   tsx scripts/scan-plaintext.ts --histories workflow
//       scans only test-artifacts/histories/<suite>/ (the workflow suite runs no services);
//   tsx scripts/scan-plaintext.ts --logs data/logs --temporal 127.0.0.1:7233 [--namespace default]
//       scans a running stack: its log folder and every history fetched now, without the codec.
//
// Findings are printed masked; the exit code is 1 when anything is found or missing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_REPORT_FILE, exportHistories, type HistoryExportReport } from '../ops/history-export.js';
import { ROOT } from '../lib/tools.js';
import { findPlaintextDeep, findPlaintextInJson, type LocatedFinding } from '../security/plaintext-detector.js';

interface Finding extends LocatedFinding {
  file: string;
  line?: number;
}

interface Tally {
  logFiles: number;
  logLines: number;
  histories: number;
  events: number;
  findings: Finding[];
  problems: string[];
}

const newTally = (): Tally => ({ logFiles: 0, logLines: 0, histories: 0, events: 0, findings: [], problems: [] });
const shown = (file: string) => relative(ROOT, file) || file;

function filesIn(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix) && name !== EXPORT_REPORT_FILE)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

function scanLogs(dir: string, tally: Tally): void {
  if (!existsSync(dir)) {
    tally.problems.push(`no log folder at ${shown(dir)}`);
    return;
  }
  const files = filesIn(dir, '.log');
  if (files.length === 0) tally.problems.push(`no log files in ${shown(dir)}`);
  for (const file of files) {
    tally.logFiles += 1;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, index) => {
        if (!text) return;
        tally.logLines += 1;
        for (const finding of findPlaintextDeep(text))
          tally.findings.push({ ...finding, file: shown(file), line: index + 1 });
      });
  }
}

function scanHistories(dir: string, tally: Tally): void {
  const reportFile = join(dir, EXPORT_REPORT_FILE);
  if (!existsSync(reportFile)) {
    tally.problems.push(`no history export at ${shown(dir)} (${EXPORT_REPORT_FILE} missing)`);
    return;
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as HistoryExportReport;
  const files = filesIn(dir, '.json');
  if (files.length !== report.executions)
    tally.problems.push(`${shown(dir)} holds ${files.length} histories; the export wrote ${report.executions}`);
  for (const file of files) {
    const history = JSON.parse(readFileSync(file, 'utf8')) as { events?: unknown[] };
    tally.histories += 1;
    tally.events += history.events?.length ?? 0;
    for (const finding of findPlaintextInJson(history)) tally.findings.push({ ...finding, file: shown(file) });
  }
}

function print(label: string, tally: Tally): boolean {
  const clean = tally.findings.length === 0 && tally.problems.length === 0;
  console.log(
    `${clean ? '✔' : '✖'} ${label}: ${tally.logFiles} log files (${tally.logLines} lines), ${tally.histories} workflow histories (${tally.events} events): ` +
      `${tally.findings.length} plaintext finding(s)`,
  );
  for (const problem of tally.problems) console.log(`    missing: ${problem}`);
  for (const f of tally.findings.slice(0, 50)) {
    console.log(
      `    ${f.kind.padEnd(9)} ${f.masked.padEnd(22)} ${f.file}${f.line ? `:${f.line}` : ''}${f.path ? ` at ${f.path}` : ''}`,
    );
  }
  if (tally.findings.length > 50) console.log(`    … and ${tally.findings.length - 50} more`);
  return clean;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: 'string', multiple: true },
      histories: { type: 'string', multiple: true },
      artifacts: { type: 'string', default: join(ROOT, 'test-artifacts') },
      logs: { type: 'string', multiple: true },
      temporal: { type: 'string' },
      namespace: { type: 'string', default: 'default' },
    },
  });
  const suites = values.suite ?? [];
  if (suites.length === 0 && !values.histories && !values.logs && !values.temporal) {
    console.error('Nothing to scan: give --suite <name>, --histories <name>, --logs <folder> or --temporal <address>');
    return 2;
  }

  let clean = true;
  for (const suite of suites) {
    const tally = newTally();
    scanLogs(join(values.artifacts, 'logs', suite), tally);
    scanHistories(join(values.artifacts, 'histories', suite), tally);
    clean = print(`${suite} suite`, tally) && clean;
  }
  for (const suite of values.histories ?? []) {
    const tally = newTally();
    scanHistories(join(values.artifacts, 'histories', suite), tally);
    clean = print(`${suite} suite (histories)`, tally) && clean;
  }
  if (values.logs || values.temporal) {
    const tally = newTally();
    for (const dir of values.logs ?? []) scanLogs(dir, tally);
    if (values.temporal) {
      const dir = mkdtempSync(join(tmpdir(), 'microloan-histories-'));
      try {
        await exportHistories(values.temporal, values.namespace, dir);
        scanHistories(dir, tally);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    clean = print('running stack', tally) && clean;
  }
  return clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`plaintext scan failed: ${err.message}`);
    process.exit(2);
  },
);
