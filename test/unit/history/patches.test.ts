// The patch registry (workflows/patches.ts) is the only place patch ids are spelled: every
// patched() and deprecatePatch() in workflow code names one of its entries, and each id is in use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../lib/tools.js';
import { PATCHES } from '../../../workflows/patches.js';

const WORKFLOWS = join(ROOT, 'workflows');
const calls = readdirSync(WORKFLOWS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && f !== 'patches.ts')
  .flatMap((file) =>
    [...readFileSync(join(WORKFLOWS, file), 'utf8').matchAll(/\b(patched|deprecatePatch)\(\s*([^)]*?)\s*\)/g)].map(
      (m) => ({ file, call: m[1]!, argument: m[2]! }),
    ),
  )
  // The money rules version of a new offer is chosen by domain/rules-version.ts, whose ids
  // (money-rules-v<N>) follow the version numbers; offer.ts, and apr-cap.ts for the APR judged at
  // application under the same version, hand it patched() for that.
  .filter(({ file, argument }) => !(['offer.ts', 'apr-cap.ts'].includes(file) && argument === 'patchId'));

describe('patch registry', () => {
  it('spells each id once', () => {
    const ids = Object.values(PATCHES);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is where every patched() and deprecatePatch() in workflows/ takes its id from', () => {
    expect(calls.length).toBeGreaterThan(0);
    const entries = Object.keys(PATCHES).map((key) => `PATCHES.${key}`);
    for (const { file, call, argument } of calls) expect(entries, `${file}: ${call}(${argument})`).toContain(argument);
  });

  it('has every id in use', () => {
    const used = new Set(calls.map((c) => c.argument));
    expect(Object.keys(PATCHES).filter((key) => !used.has(`PATCHES.${key}`))).toEqual([]);
  });
});
