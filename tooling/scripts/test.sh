#!/usr/bin/env bash
# The one test command (README: `npm test`). Sets the machine up, builds, checks,
# then runs every package's tests on the installed Node and on the matrix Node.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# METALOR_NESTED_TEST=1: the reduced run tooling/packaging/fresh-clone.sh starts in a fresh
# clone (installed Node only, one package suite, no package checks, no nested clone).
NESTED=${METALOR_NESTED_TEST:-}
SUITES='./packages/*'
README_PACKAGES=()
if [ "$NESTED" = 1 ]; then export METALOR_SKIP_MATRIX_NODE=1; SUITES='@metalor/dsl'; README_PACKAGES=(packages/dsl); fi
bash tooling/scripts/setup.sh

pnpm turbo run build typecheck lint --output-logs=errors-only

REPORTS="$ROOT/.cache/test-results"
rm -rf "$REPORTS"
status=0

# Packages as users get them: pack, publint, attw, install outside the workspace, import.
MATRIX_NODE_BIN=""
if [ "${METALOR_SKIP_MATRIX_NODE:-}" != 1 ]; then MATRIX_NODE_BIN="$(bash tooling/scripts/matrix-node.sh)/node"; fi
if [ "$NESTED" != 1 ]; then
  METALOR_CHECK_NODES="$MATRIX_NODE_BIN" bash tooling/scripts/check-packages.sh || status=1
fi
node tooling/packaging/check-changesets.mjs || status=1
# API reference: typedoc fails on an exported name without a doc comment (`pnpm docs` writes docs/api).
if [ "$NESTED" != 1 ]; then
  if pnpm -s docs:check; then echo 'docs: ok    every exported name is documented (typedoc)'; else echo 'docs: FAIL  typedoc validation'; status=1; fi
fi

run_suite() { # label, PATH prefix (may be empty)
  local label=$1 prefix=$2
  printf '\n=== tests on %s (%s) ===\n' "$label" "$(PATH="$prefix${prefix:+:}$PATH" node --version)"
  PATH="$prefix${prefix:+:}$PATH" METALOR_TEST_REPORT_DIR="$REPORTS/$label" \
    pnpm -r --workspace-concurrency=1 --filter "$SUITES" test || status=1
  # Every ```ts example of every package README, run on this Node.
  mkdir -p "$REPORTS"
  PATH="$prefix${prefix:+:}$PATH" node --test tooling/readme-examples/extract.test.mjs >"$REPORTS/readme-harness-$label.log" 2>&1 \
    || { cat "$REPORTS/readme-harness-$label.log"; status=1; }
  PATH="$prefix${prefix:+:}$PATH" node tooling/readme-examples/run.mjs --require-all "${README_PACKAGES[@]}" || status=1
}

run_suite "node-$(node -p 'process.versions.node.split(".")[0]')" ""
if [ "${METALOR_SKIP_MATRIX_NODE:-}" != 1 ]; then
  run_suite "node-24" "$(bash tooling/scripts/matrix-node.sh)"
fi

# The README's two commands (npm run demo, npm test) in a fresh clone, as CI runs them.
if [ "$NESTED" != 1 ]; then bash tooling/packaging/fresh-clone.sh || status=1; fi

node tooling/scripts/summarize-tests.mjs "$REPORTS" || status=1
exit $status
