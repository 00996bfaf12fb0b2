#!/bin/sh
# Applies every automatic fix over the whole tree: ESLint's fixable rules first (type-only imports,
# redundant type assertions, const), then the formatter, so the formatter has the last word on layout.
# Afterwards `npm run typecheck`, `npm run lint` and `npm run format:check` should all pass.
set -eu
cd "$(dirname "$0")/.."
# Fixes what can be fixed; the non-fixable findings (if any) are printed by `npm run lint` afterwards.
npx eslint --fix . || true
npx prettier --write --log-level warn .
