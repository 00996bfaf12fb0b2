// Every bench writes bench/results/<name>.json in one shape and then regenerates RESULTS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../../lib/tools.js';
import { writeResultsMarkdown } from '../report.js';
import { machine, type Machine } from './machine.js';

export const RESULTS_DIR = resolve(ROOT, 'bench/results');

export interface BenchResult {
  name: string;
  title: string;
  machine: Machine;
  date: string;
  command: string;
  /** What was run: counts, durations, concurrency, settings. */
  parameters: Record<string, unknown>;
  results: unknown;
  baseline: unknown;
  /** The headline ratio(s) of the system to its bare baseline. */
  ratio: Record<string, number>;
  target: string;
  /** null where the issue sets no target (the figure is reported, not judged). */
  met: boolean | null;
  /** The one-line headline for the summary table. */
  headline: string;
  note: string;
  /** The section body for RESULTS.md (markdown lines, without the heading). */
  markdown: string[];
}

export function saveResult(
  result: Omit<BenchResult, 'machine' | 'date'> & { machine?: Machine; date?: string },
): BenchResult {
  const full: BenchResult = {
    ...result,
    machine: result.machine ?? machine(),
    date: result.date ?? new Date().toISOString(),
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(resolve(RESULTS_DIR, `${full.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  writeResultsMarkdown();
  return full;
}
