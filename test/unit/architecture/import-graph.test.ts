// The layers of docs/architecture.md, checked against the imports the code really has: the loan's
// layers (domain ← contracts ← workflows, activities, api) form no cycle, and every folder imports
// only from the folders the table below allows.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoanWorkflow } from '../../../contracts/loan-workflow.js';
import type { loanWorkflow } from '../../../workflows/loan.js';
import {
  cycles,
  folderEdges,
  forbiddenImports,
  repositoryImports,
  within,
  type ImportEdge,
  type ImportRules,
} from './import-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The table of docs/architecture.md. Tests, benchmarks, scripts and root config may import anything. */
const IMPORT_RULES: ImportRules = {
  domain: [],
  config: [],
  contracts: ['domain'],
  workflows: ['domain', 'contracts'],
  activities: ['domain', 'contracts', 'config', 'db', 'lib', 'partners', 'security'],
  api: ['domain', 'contracts', 'config', 'db', 'lib', 'partners', 'security', 'ui'],
  ui: ['domain', 'security', 'api'],
  db: ['domain', 'lib', 'security', 'partners'],
  security: ['domain', 'config', 'db'],
  partners: ['domain', 'lib'],
  simulators: ['domain', 'config', 'db', 'lib', 'partners'],
  lib: ['config', 'contracts', 'db', 'security', 'activities'],
  worker: ['activities', 'config', 'db', 'lib', 'partners', 'security'],
  scripts: '*',
  test: '*',
  bench: '*',
  drivers: ['domain', 'db'],
  '.': '*',
};

/** The loan's own layers: no cycle among these folders, nor among their files. */
const LOAN_LAYERS = ['domain', 'contracts', 'workflows', 'activities', 'api'];

/**
 * Imports the table forbids that the code still has, each to be removed (the request user and error
 * types security takes from api/). Listed exactly, so a new one fails the test,
 * and checked to still exist, so the list shrinks as they go.
 */
const KNOWN_FORBIDDEN: readonly ImportEdge[] = [
  { from: 'security/authenticator.ts', to: 'api/env.ts' },
  { from: 'security/login-throttle.ts', to: 'api/errors.ts' },
];

/** Type-only cycles between two files of one folder, older than this check; same rule as above. */
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

  it('has no cycle among the folders of the loan layers', () => {
    expect(cycles(folderEdges(within(edges, LOAN_LAYERS)))).toEqual([]);
  });

  it('has no cycle among the files of the loan layers but the known ones', () => {
    const found = cycles(within(edges, LOAN_LAYERS)).map((c) => c.join(' <-> '));
    expect(found.sort()).toEqual(KNOWN_FILE_CYCLES.map((c) => [...c].sort().join(' <-> ')).sort());
  });

  it('imports only in the directions docs/architecture.md allows', () => {
    const forbidden = forbiddenImports(edges, IMPORT_RULES).map(key).sort();
    expect(forbidden).toEqual(KNOWN_FORBIDDEN.map(key).sort());
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
