// A changed copy of the loan workflow code, bundled as a deploy would bundle it. Replay and deploy
// tests use it to show what an edit to workflows/ (or to the domain code they bundle) does to loans
// already running, without touching the real sources.
import { bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../../lib/tools.js';
import { FAILURE_CONVERTER_PATH } from '../../security/payload-codec.js';
import { bundlerOptions } from '../../worker/bundler-options.js';

/** The workflow bundle's entry point, relative to the repository root. */
export const WORKFLOW_ENTRY = 'workflows/index.ts';
/** The workflow's inbound interceptor module, bundled beside the entry (worker/create-worker.ts). */
export const WORKFLOW_INTERCEPTORS = 'workflows/message-checks.ts';
const MUTANTS_DIR = join(ROOT, '.test-data', 'mutants');

/**
 * One textual edit of one source file (path relative to the repository root):
 * `find` must occur exactly once and is replaced by `replace`; `prepend` adds lines at the top
 * (an import; give imported names an alias of their own so they cannot clash).
 */
export type SourceEdit = { file: string; find: string; replace: string } | { file: string; prepend: string };

export interface WorkflowCodeChange {
  /** Short name, used for the copy's folder and in messages. */
  id: string;
  edits: SourceEdit[];
}

export interface MutantBundle {
  id: string;
  /** The bundle, as WORKFLOW_BUNDLE_PATH would name it: `workflowBundle: { codePath }`. */
  codePath: string;
  /** Removes the copy and its bundle. */
  remove(): void;
}

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Every source file the workflow bundle imports, found by following relative imports from the
 * entry point (type-only imports are erased by the compiler and are not followed).
 */
export function workflowSourceFiles(root = ROOT): string[] {
  const seen = new Set<string>();
  const pending = [resolve(root, WORKFLOW_ENTRY), resolve(root, WORKFLOW_INTERCEPTORS)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      pending.push(resolveSource(resolve(dirname(file), specifier), file));
    }
  }
  return [...seen].map((f) => relative(root, f)).sort();
}

function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(statement)) {
    if (!match[1]) found.push(match[2]!);
  }
  return found;
}

/** Sources import `./x.js` and mean `./x.ts`, as webpack's extensionAlias does (worker/bundler-options.ts). */
function resolveSource(path: string, importer: string): string {
  const candidates = path.endsWith('.js')
    ? [path.replace(/\.js$/, '.ts'), path]
    : [path, `${path}.ts`, join(path, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c));
  if (!hit) throw new Error(`${relative(ROOT, importer)} imports ${relative(ROOT, path)}, which does not exist`);
  return hit;
}

/** Applies the edits to a copy's files; an edit whose anchor is missing or ambiguous is an error, never skipped. */
export function applyEdits(root: string, change: WorkflowCodeChange): void {
  for (const edit of change.edits) {
    const path = join(root, edit.file);
    if (!existsSync(path)) throw new Error(`change ${change.id}: ${edit.file} is not part of the workflow bundle`);
    const source = readFileSync(path, 'utf8');
    if ('prepend' in edit) {
      writeFileSync(path, `${edit.prepend}\n${source}`);
      continue;
    }
    const count = source.split(edit.find).length - 1;
    if (count !== 1) {
      throw new Error(
        `change ${change.id}: expected the anchor once in ${edit.file}, found it ${count} times:\n${edit.find}`,
      );
    }
    writeFileSync(
      path,
      source.replace(edit.find, () => edit.replace),
    );
  }
}

/** Applies the change to a throw-away copy, without bundling: an anchor the code no longer has is an error. */
export function checkChangeApplies(change: WorkflowCodeChange): void {
  const dir = copyWorkflowSources(`${change.id}-check`);
  try {
    applyEdits(dir, change);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function copyWorkflowSources(name: string): string {
  const dir = join(MUTANTS_DIR, `${name}-${randomUUID().slice(0, 8)}`);
  for (const file of workflowSourceFiles()) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  return dir;
}

/**
 * Copies the workflow sources into .test-data/mutants/<id>-<random>/ (node_modules linked to the
 * project's), applies the change and bundles the copy exactly as the worker's bundle is built.
 * A change with no edits gives a faithful copy: the control every mutant is compared against.
 */
export async function bundleChangedWorkflows(change: WorkflowCodeChange): Promise<MutantBundle> {
  const dir = copyWorkflowSources(change.id);
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    applyEdits(dir, change);
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(dir, WORKFLOW_ENTRY),
      workflowInterceptorModules: [join(dir, WORKFLOW_INTERCEPTORS)],
      ...bundlerOptions,
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: silent,
    });
    const codePath = join(dir, 'workflow-bundle.js');
    writeFileSync(codePath, code);
    return { id: change.id, codePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The registry key of a kebab-case patch id: `reminder-on-due-day` → `REMINDER_ON_DUE_DAY`. */
export function patchKey(patchId: string): string {
  return patchId.toUpperCase().replace(/-/g, '_');
}

/**
 * Wraps statements so they run only in loans that reach them after the deploy, as
 * docs/operations/upgrading.md prescribes: `if (patched(PATCHES.<KEY>)) { … }`, the id registered in
 * workflows/patches.ts (registerPatch). Without a patch id the statements run unguarded.
 */
export function guarded(statements: string, patchId: string | undefined): string {
  return patchId ? `if (${PATCHED_ALIAS}(${REGISTRY_ALIAS}.${patchKey(patchId)})) {\n${statements}\n}` : statements;
}

/** The imports `guarded` needs in the edited file. */
export function patchedImport(file: string): SourceEdit {
  return {
    file,
    prepend: `import { patched as ${PATCHED_ALIAS} } from '@temporalio/workflow';\nimport { PATCHES as ${REGISTRY_ALIAS} } from './patches.js';`,
  };
}

/** Adds the patch id to the registry, workflows/patches.ts. */
export function registerPatch(patchId: string): SourceEdit {
  return {
    file: PATCH_REGISTRY,
    find: '} as const;',
    replace: `  ${patchKey(patchId)}: ${JSON.stringify(patchId)},\n} as const;`,
  };
}

const PATCH_REGISTRY = 'workflows/patches.ts';
const PATCHED_ALIAS = 'patchedForChange';
const REGISTRY_ALIAS = 'PATCHES_FOR_CHANGE';
