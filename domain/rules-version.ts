// Which version of the money rules a loan runs under. A loan keeps the version it was offered
// under for its whole life: a change to how money is computed reaches new loans only, or a
// running loan through an explicit migration (rules-migration.ts). See
// docs/operations/money-rules.md.
//
// ADDING A VERSION (the whole procedure is in docs/operations/money-rules.md):
//   1. Write the changed rule functions beside the old ones and add a `MoneyRules` entry for the
//      new number to RULE_BOOK in money-rules.ts; the old entry stays exactly as it is.
//   2. Raise CURRENT_RULES_VERSION here. New offers then ask for it through `chooseRulesVersion`,
//      which guards it with a patch marker, so replaying a loan offered earlier still gives the
//      version it was offered under.
//   3. `npm run golden:rules -- --write` writes test/unit/golden/rules-v<N>.json for the new
//      version; rules-v1.json and every other existing file stay untouched.

/** The version new offers are made under. */
export const CURRENT_RULES_VERSION = 2;

/** The version of accounts and offers made before loans carried a version. */
export const LEGACY_RULES_VERSION = 1;

/** The patch marker that records a loan was offered under `version` (versions after the first). */
export function rulesVersionPatchId(version: number): string {
  return `money-rules-v${version}`;
}

/**
 * The version a new offer is made under, given the workflow's `patched`: the highest version whose
 * marker is (or, on first execution, gets) recorded in the history, else the first. A history
 * written before version N existed has no marker N, so its replay keeps the version it had.
 * With one version there is nothing to ask and no marker is written.
 */
export function chooseRulesVersion(
  patched: (patchId: string) => boolean,
  current: number = CURRENT_RULES_VERSION,
): number {
  for (let version = current; version > LEGACY_RULES_VERSION; version--) {
    if (patched(rulesVersionPatchId(version))) return version;
  }
  return LEGACY_RULES_VERSION;
}
