#!/usr/bin/env bash
# The README's two commands in a fresh clone, as CI runs them:
#   1. `npm run demo` (set-up included) must print the exported result and the phase timings;
#      `npm run demo -- --image REF` must use REF (a local reference here: tests never pull
#      from a registry, and the pass-through is the same for docker://alpine:3.20);
#   2. `npm test` with METALOR_NESTED_TEST=1: a reduced run (set-up, build, type-check, lint,
#      the changesets check, one package suite and its README examples, on the installed Node)
#      that cannot recurse into this script. The outer `npm test` covers everything else.
# The clone shares the outer turbo cache, so unchanged builds are restored, not redone.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/metalor-fresh-clone.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
status=0
started=$(date +%s)
ok() { printf 'fresh-clone: ok    %s (%ss)\n' "$1" "$2"; }
fail() { printf 'fresh-clone: FAIL  %s\n' "$1"; [ -f "${2:-}" ] && tail -n 60 "$2" | sed 's/^/    /'; status=1; }

# The commands under test are the README's: its quick start must be exactly these two.
quick_start=$(awk '/^## Quick start/{q=1} q&&/^```sh/{b=1;next} b&&/^```/{exit} b' "$ROOT/README.md")
if [ "$quick_start" = $'npm run demo\nnpm test' ]; then
  ok "README quick start is exactly: npm run demo; npm test" 0
else
  printf 'README quick start block:\n%s\n' "$quick_start" >"$WORK/quick-start.log"
  fail "README quick start is exactly: npm run demo; npm test" "$WORK/quick-start.log"
fi

git clone -q "$ROOT" "$WORK/repo"
cd "$WORK/repo"
export TURBO_CACHE_DIR="$ROOT/.turbo/cache"

# Every line the demo must print (a fixed string each); the build counter proves the cache
# was synced back between the library run and the CLI run.
expect_lines() { # log, fixed strings...
  local log=$1 line
  shift
  for line in "$@"; do
    grep -qF -- "$line" "$log" || { echo "missing: $line" >>"$log"; return 1; }
  done
}

t=$(date +%s)
if npm run demo >"$WORK/demo.log" 2>&1 && expect_lines "$WORK/demo.log" \
  '[1] build the local busybox OCI image (umoci, no registry)' \
  'greeting:   hello from a read-only import' \
  'recipe:     4 ingredients, sorted: flour salt water yeast' \
  'build:      #1 (counted in the cache)' \
  'network interfaces: lo ' \
  '"exitCode":0,"signal":null,"reason":"exited","scratchPreserved":false' \
  'export now says: build:      #2 (counted in the cache)' \
  'phase timings:' 'total' 'demo: ok'; then
  ok "npm run demo prints the export and the phase timings" $(($(date +%s) - t))
else
  fail "npm run demo" "$WORK/demo.log"
fi

image=$(bash tooling/scripts/test-images.sh 2>/dev/null | sed -n 's/^METALOR_TEST_IMAGE_AMD64=//p')
t=$(date +%s)
if npm run demo -- --image "$image" >"$WORK/demo-image.log" 2>&1 && expect_lines "$WORK/demo-image.log" \
  "image: $image (from --image)" 'build:      #3 (counted in the cache)' 'demo: ok' \
  && ! grep -qF '[1] build the local busybox OCI image' "$WORK/demo-image.log"; then
  ok "npm run demo -- --image REF uses REF" $(($(date +%s) - t))
else
  fail "npm run demo -- --image $image" "$WORK/demo-image.log"
fi

t=$(date +%s)
if METALOR_NESTED_TEST=1 npm test >"$WORK/test.log" 2>&1 && expect_lines "$WORK/test.log" 'check-changesets: passed' 'readme-examples:'; then
  ok "METALOR_NESTED_TEST=1 npm test ($(grep -E '^tests: ' "$WORK/test.log" | tail -n1))" $(($(date +%s) - t))
else
  fail "METALOR_NESTED_TEST=1 npm test" "$WORK/test.log"
fi

printf 'fresh-clone: %s in %ss\n' "$([ $status = 0 ] && echo passed || echo FAILED)" "$(($(date +%s) - started))"
exit $status
