// The layers of docs/architecture.md, checked against the imports the code really has: the top-level
// folders form no cycle, every folder imports only from the folders the table below allows, and the
// files of the loan's layers (domain ← contracts ← workflows, activities, api) form no cycle.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoanWorkflow } from '../../../contracts/loan-workflow.js';
import type { loanWorkflow } from '../../../workflows/loan.js';
import {
  cycles,
  folderEdges,
  folderOf,
  forbiddenImports,
  repositoryImports,
  within,
  type ImportEdge,
  type ImportRules,
} from './import-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The table of docs/architecture.md, bottom to top. Tests, benchmarks, scripts and root config may import anything. */
const IMPORT_RULES: ImportRules = {
  domain: [],
  config: [],
  lib: [],
  contracts: ['domain'],
  workflows: ['domain', 'contracts'],
  security: ['domain', 'config', 'lib'],
  partners: ['domain', 'lib'],
  db: ['domain', 'lib', 'security', 'partners'],
  activities: ['domain', 'contracts', 'config', 'db', 'lib', 'partners', 'security'],
  ui: ['domain', 'security'],
  api: ['domain', 'contracts', 'config', 'db', 'lib', 'partners', 'security', 'ui'],
  simulators: ['domain', 'config', 'db', 'lib', 'partners'],
  worker: ['activities', 'config', 'db', 'lib', 'partners', 'security'],
  ops: [
    'domain',
    'config',
    'lib',
    'contracts',
    'security',
    'partners',
    'db',
    'activities',
    'ui',
    'api',
    'simulators',
    'worker',
  ],
  drivers: ['domain', 'lib'],
  scripts: '*',
  test: '*',
  bench: '*',
  '.': '*',
};

/** The loan's own layers: no cycle among their files but the known ones below. */
const LOAN_LAYERS = ['domain', 'contracts', 'workflows', 'activities', 'api'];

/** Folders that may import the rest (the drivers within the table) but that nothing else imports. */
const OUTSIDE = ['test', 'bench', 'scripts', 'drivers', '.'];

/**
 * Type-only cycles between two files of one folder, older than this check. Listed exactly, so a new
 * one fails the test, and checked to still exist, so the list only shrinks.
 */
const KNOWN_FILE_CYCLES: readonly string[][] = [
  ['domain/money-rules.ts', 'domain/servicing-account.ts'],
  ['workflows/context.ts', 'workflows/view-projection.ts'],
  ['workflows/loan.ts', 'workflows/servicing.ts'],
];

const key = (e: ImportEdge) => `${e.from} -> ${e.to}`;

describe('the import graph checks', () => {
  const synthetic: ImportEdge[] = [
    { from: 'domain/money.ts', to: 'domain/types.ts' },
    { from: 'contracts/messages.ts', to: 'domain/types.ts' },
    { from: 'workflows/loan.ts', to: 'contracts/messages.ts' },
    { from: 'activities/index.ts', to: 'contracts/activities.ts' },
  ];

  it('finds no cycle and no forbidden import in a graph that follows the rules', () => {
    expect(cycles(synthetic)).toEqual([]);
    expect(cycles(folderEdges(synthetic))).toEqual([]);
    expect(forbiddenImports(synthetic, IMPORT_RULES)).toEqual([]);
  });

  it('finds a cycle between folders and the forbidden edge that closes it', () => {
    const back: ImportEdge = { from: 'contracts/activities.ts', to: 'activities/index.ts' };
    const graph = [...synthetic, back, { from: 'activities/index.ts', to: 'workflows/loan.ts' }];
    expect(cycles(folderEdges(graph))).toEqual([['activities', 'contracts', 'workflows']]);
    expect(forbiddenImports(graph, IMPORT_RULES)).toEqual([
      back,
      { from: 'activities/index.ts', to: 'workflows/loan.ts' },
    ]);
  });

  it('finds a cycle of files inside one folder, however long', () => {
    const ring = Array.from({ length: 5000 }, (_, i) => ({
      from: `workflows/f${i}.ts`,
      to: `workflows/f${(i + 1) % 5000}.ts`,
    }));
    const [cycle] = cycles([...synthetic, ...ring]);
    expect(cycle).toHaveLength(5000);
  });

  it('allows no cycle in the table itself', () => {
    const allowed = Object.entries(IMPORT_RULES).flatMap(([from, targets]) =>
      targets === '*' ? [] : targets.map((to) => ({ from, to })),
    );
    expect(cycles(allowed)).toEqual([]);
  });

  it('refuses imports from a folder the table does not know', () => {
    expect(forbiddenImports([{ from: 'newfolder/x.ts', to: 'domain/types.ts' }], IMPORT_RULES)).toHaveLength(1);
  });
});

describe("the repository's imports", () => {
  const edges = repositoryImports(ROOT);

  it('reads the imports the code has, type imports included', () => {
    expect(edges).toContainEqual({ from: 'workflows/activity-proxies.ts', to: 'contracts/activities.ts' });
    expect(edges).toContainEqual({ from: 'activities/index.ts', to: 'contracts/activities.ts' });
  });

  it('has no cycle among the top-level folders', () => {
    const inside = edges.filter((e) => !OUTSIDE.includes(folderOf(e.from)));
    expect(cycles(folderEdges(inside))).toEqual([]);
  });

  it('is imported by no folder from tests, benchmarks, scripts or drivers but by those themselves', () => {
    const back = edges.filter((e) => OUTSIDE.includes(folderOf(e.to)) && !OUTSIDE.includes(folderOf(e.from)));
    expect(back.map(key)).toEqual([]);
  });

  it('has no cycle among the files of the loan layers but the known ones', () => {
    const found = cycles(within(edges, LOAN_LAYERS)).map((c) => c.join(' <-> '));
    expect(found.sort()).toEqual(KNOWN_FILE_CYCLES.map((c) => [...c].sort().join(' <-> ')).sort());
  });

  it('imports only in the directions docs/architecture.md allows', () => {
    expect(forbiddenImports(edges, IMPORT_RULES).map(key)).toEqual([]);
  });

  it('keeps workflows and activities apart: neither imports the other, not even a type', () => {
    const crossing = edges.filter(
      (e) =>
        (e.from.startsWith('workflows/') && e.to.startsWith('activities/')) ||
        (e.from.startsWith('activities/') && e.to.startsWith('workflows/')),
    );
    expect(crossing).toEqual([]);
  });
});

// The workflow answers the contract callers start it by (checked by the compiler).
const startsAsContracted: LoanWorkflow = null as unknown as typeof loanWorkflow;
void startsAsContracted;
