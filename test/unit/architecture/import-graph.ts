// The repository's own import graph: which file imports which, read from the source with the
// TypeScript parser (import, import type, export ... from, dynamic import()), and the checks the
// architecture test runs over it: no cycle, and every import going the way docs/architecture.md allows.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import of one repository file by another; paths relative to the root, with forward slashes. */
export interface ImportEdge {
  from: string;
  to: string;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED = new Set(['node_modules', 'data', 'build', 'scratch', 'test-artifacts']);

function sourceFiles(root: string, dir = root): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || SKIPPED.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(root, path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}

/** The repository file a relative specifier names (ESM specifiers say .js for a .ts file). */
function resolveSpecifier(
  root: string,
  files: ReadonlySet<string>,
  importer: string,
  specifier: string,
): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(root, resolve(root, dirname(importer), specifier))
    .split(sep)
    .join('/');
  const stem = extname(target) ? target.slice(0, -extname(target).length) : target;
  const candidates = [
    target,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${target}.ts`,
    `${target}/index.ts`,
    `${target}/index.js`,
  ];
  return candidates.find((c) => files.has(c)) ?? null;
}

/** Every import between the repository's own source files. */
export function repositoryImports(root: string): ImportEdge[] {
  const files = sourceFiles(root);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      const to = resolveSpecifier(root, known, file, ref.fileName);
      if (ref.fileName.startsWith('.') && to === null)
        throw new Error(`${file}: cannot resolve import '${ref.fileName}'`);
      if (to !== null && to !== file) edges.push({ from: file, to });
    }
  }
  return edges;
}

/** The top-level folder a file belongs to; files at the root belong to '.'. */
export function folderOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '.' : file.slice(0, slash);
}

/** The strongly connected parts of a graph with more than one node: every cycle lies in one. */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  // Tarjan's algorithm, iterative so a long chain of files cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let counter = 0;
  for (const start of next.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; child: number }> = [{ node: start, child: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const children = next.get(frame.node)!;
      if (frame.child < children.length) {
        const child = children[frame.child++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, child: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const part: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          part.push(member);
        } while (member !== frame.node);
        if (part.length > 1) found.push(part.sort());
      }
    }
  }
  return found;
}

/** The folder graph: one edge per pair of different folders some file import connects. */
export function folderEdges(edges: readonly ImportEdge[]): ImportEdge[] {
  const seen = new Map<string, ImportEdge>();
  for (const e of edges) {
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from !== to) seen.set(`${from}>${to}`, { from, to });
  }
  return [...seen.values()];
}

/** Where each top-level folder may import from; '*' for folders that may import anything. */
export type ImportRules = Readonly<Record<string, readonly string[] | '*'>>;

/** Imports that break the rules: between folders the table does not connect, or from an unlisted folder. */
export function forbiddenImports(edges: readonly ImportEdge[], rules: ImportRules): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    const source = folderOf(from);
    const target = folderOf(to);
    if (source === target) return false;
    const allowed = rules[source];
    if (allowed === undefined) return true;
    return allowed !== '*' && !allowed.includes(target);
  });
}

/** The edges whose both ends lie in the given folders. */
export function within(edges: readonly ImportEdge[], folders: readonly string[]): ImportEdge[] {
  return edges.filter((e) => folders.includes(folderOf(e.from)) && folders.includes(folderOf(e.to)));
}
