// Installing on a fresh clone must leave package-lock.json as committed. npm adds to the lock
// every package some installed package names, optional ones for other platforms included (vite's
// optional `napi-windows-process-start-time`, for Windows, was added that way by a fresh
// install); a lock missing one of them changes on the first `npm install`. This resolves every
// dependency of every locked package the way npm does, through the lock alone.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../lib/tools.js';

interface Locked {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  link?: boolean;
}

type Packages = Record<string, Locked>;

/** The names a package needs installed: its own, optional and non-optional peer dependencies (and dev ones at the root). */
function namesNeeded(path: string, pkg: Locked): string[] {
  const peers = Object.keys(pkg.peerDependencies ?? {}).filter((name) => !pkg.peerDependenciesMeta?.[name]?.optional);
  return [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
    ...(path === '' ? Object.keys(pkg.devDependencies ?? {}) : []),
    ...peers,
  ];
}

/** Where node's lookup finds `name` from the package at `path` (its own node_modules, then each parent's). */
function resolveFrom(packages: Packages, path: string, name: string): string | undefined {
  for (let from = path; ;) {
    const candidate = from === '' ? `node_modules/${name}` : `${from}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (from === '') return undefined;
    const cut = from.lastIndexOf('/node_modules/');
    from = cut === -1 ? '' : from.slice(0, cut);
  }
}

/** Every `package → dependency` the lock cannot resolve. */
function unresolved(packages: Packages): string[] {
  const missing: string[] = [];
  for (const [path, pkg] of Object.entries(packages)) {
    if (pkg.link) continue;
    for (const name of namesNeeded(path, pkg))
      if (!resolveFrom(packages, path, name)) missing.push(`${path || '(root)'} → ${name}`);
  }
  return missing;
}

describe('package-lock.json', () => {
  const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as { packages: Packages };

  it('locks every package an installed package names, optional ones for other platforms included', () => {
    expect(unresolved(lock.packages)).toEqual([]);
  });

  it('(the check) finds one left out', () => {
    const { ['node_modules/napi-windows-process-start-time']: _left, ...without } = lock.packages;
    expect(unresolved(without)).toEqual(['node_modules/vite → napi-windows-process-start-time']);
  });
});
