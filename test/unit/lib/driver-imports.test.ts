// Tests and benchmarks share their drivers through drivers/, which imports neither of them, and
// take nothing from each other: no cycle between the three.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../lib/tools.js';

function sourceFiles(folder: string): string[] {
  return readdirSync(resolve(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(folder, f));
}

/** The repository folder of every relative module a file imports. */
function importedFolders(file: string): Array<{ file: string; imports: string }> {
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specifiers.map((s) => ({ file, imports: relative(ROOT, resolve(ROOT, dirname(file), s)) }));
}

function importsInto(from: string, into: string) {
  return sourceFiles(from)
    .flatMap(importedFolders)
    .filter((i) => i.imports === into || i.imports.startsWith(`${into}/`));
}

describe('driver imports', () => {
  it('finds the imports it checks', () => {
    expect(importsInto('bench', 'drivers').length).toBeGreaterThan(0);
    expect(importsInto('test', 'drivers').length).toBeGreaterThan(0);
  });

  it('drivers/ imports neither test/ nor bench/', () => {
    expect([...importsInto('drivers', 'test'), ...importsInto('drivers', 'bench')]).toEqual([]);
  });

  it('bench/ and test/ import nothing from each other', () => {
    expect([...importsInto('bench', 'test'), ...importsInto('test', 'bench')]).toEqual([]);
  });
});
