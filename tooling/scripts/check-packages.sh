#!/usr/bin/env bash
# Checks every publishable package the way a user receives it: `pnpm pack` into a
# temporary directory, lint the tarball with publint and @arethetypeswrong/cli,
# then install the tarballs into scratch projects OUTSIDE the workspace (third-party
# dependencies come from the npm registry) and import each package with plain node.
#
# Usage: tooling/scripts/check-packages.sh   (builds first through turbo; cached when fresh)
# Env:   METALOR_CHECK_NODES  extra node binaries (colon-separated) that must import the packages too
#        METALOR_KEEP_PACK=1  keep the temporary directory and print its path
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BIN="$ROOT/node_modules/.bin"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/metalor-check-packages.XXXXXX")
if [ "${METALOR_KEEP_PACK:-}" = 1 ]; then
  trap 'echo "check-packages: kept $WORK"' EXIT
else
  trap 'rm -rf "$WORK"' EXIT
fi
TARBALLS="$WORK/tarballs"
mkdir -p "$TARBALLS"
status=0
started=$(date +%s)

ok() { printf 'check-packages: ok    %s\n' "$*"; }
fail() { # message, captured output file (optional)
  printf 'check-packages: FAIL  %s\n' "$1"
  [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    /' "$2"
  status=1
}

# name<TAB>dir of every package that is meant to be published (private ones are skipped).
list_packages() {
  node -e '
    const fs = require("node:fs");
    for (const dir of fs.readdirSync("packages").sort()) {
      const file = `packages/${dir}/package.json`;
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (!pkg.private) console.log(`${pkg.name}\tpackages/${dir}`);
    }'
}

pnpm turbo run build --output-logs=errors-only >"$WORK/build.log" 2>&1 || {
  fail "build (pnpm turbo run build)" "$WORK/build.log"
  exit 1
}

declare -A TARBALL
while IFS=$'\t' read -r name dir; do
  (cd "$dir" && pnpm pack --pack-destination "$TARBALLS" >"$WORK/pack.log" 2>&1) || {
    fail "$name: pnpm pack" "$WORK/pack.log"
    continue
  }
  base=${name#@}
  TARBALL[$name]=$(ls "$TARBALLS/${base//\//-}"-*.tgz)
done < <(list_packages)
ok "packed ${#TARBALL[@]} packages: ${!TARBALL[*]}"

# What users download: the README, the built entry and its types; no tests, no fixtures.
for name in $(printf '%s\n' "${!TARBALL[@]}" | sort); do
  listing="$WORK/contents-${name//\//_}.log"
  tar -tzf "${TARBALL[$name]}" | sed 's|^package/||' | sort >"$listing"
  problems=""
  for required in README.md LICENSE package.json dist/index.js dist/index.d.ts; do
    grep -qx "$required" "$listing" || problems+="missing $required; "
  done
  stray=$(grep -E '(^|/)test/|\.test\.(ts|js|d\.ts)$' "$listing" | head -n 5 | tr '\n' ' ' || true)
  [ -n "$stray" ] && problems+="test files shipped: $stray"
  if [ -z "$problems" ]; then ok "$name: tarball has README.md, LICENSE, dist/index.js, dist/index.d.ts and no tests ($(wc -l <"$listing") files)"; else
    echo "$problems" >"$listing.problems"; fail "$name: tarball contents" "$listing.problems"
  fi
done

# publint and attw per tarball, two at a time (the machine has two cores).
lint_one() { # name tarball log
  local name=$1 tgz=$2 log=$3
  if ! "$BIN/publint" run --strict "$tgz" >"$log.publint" 2>&1; then echo "publint" >"$log.failed"; fi
  # ESM-only packages: the esm-only profile ignores CommonJS consumers (require of ESM).
  if ! "$BIN/attw" --profile esm-only --format ascii --no-color --no-emoji "$tgz" >"$log.attw" 2>&1; then
    echo "attw" >>"$log.failed"
  fi
}
running=0
for name in "${!TARBALL[@]}"; do
  lint_one "$name" "${TARBALL[$name]}" "$WORK/lint-${name//\//_}" &
  running=$((running + 1))
  if [ $running -ge 2 ]; then wait -n || true; running=$((running - 1)); fi
done
wait
for name in $(printf '%s\n' "${!TARBALL[@]}" | sort); do
  log="$WORK/lint-${name//\//_}"
  if grep -qx publint "$log.failed" 2>/dev/null; then fail "$name: publint --strict" "$log.publint"; else ok "$name: publint --strict"; fi
  if grep -qx attw "$log.failed" 2>/dev/null; then fail "$name: attw --profile esm-only" "$log.attw"; else ok "$name: attw --profile esm-only"; fi
done

# A scratch project outside the workspace that depends on the given packages' tarballs;
# every other @metalor/* name is pinned to its tarball through npm overrides, so nothing
# under our scope ever comes from the registry.
make_scratch() { # dir, package names...
  local dir=$1
  shift
  mkdir -p "$dir"
  node -e '
    const [dir, wanted, ...pairs] = process.argv.slice(1);
    const want = new Set(wanted.split(" "));
    const dependencies = {}, overrides = {};
    for (const pair of pairs) {
      const [name, tgz] = pair.split("=");
      (want.has(name) ? dependencies : overrides)[name] = `file:${tgz}`;
    }
    require("node:fs").writeFileSync(`${dir}/package.json`,
      JSON.stringify({ name: "scratch", private: true, type: "module", dependencies, overrides }, null, 2));
  ' "$dir" "$*" $(for name in "${!TARBALL[@]}"; do printf '%s=%s ' "$name" "${TARBALL[$name]}"; done)
}

npm_install() { # dir
  (cd "$1" && npm install --no-audit --no-fund --prefer-offline --loglevel=error) >"$1.install.log" 2>&1
}

# The @metalor/* packages present in a scratch project's node_modules, sorted, space-separated.
installed_metalor() {
  (cd "$1/node_modules" && ls -d @metalor/* 2>/dev/null || true) | sort | tr '\n' ' ' | sed 's/ $//'
}

# Plain node imports each package and checks its error class is a real export.
import_check() { # dir node-binary names...
  local dir=$1 node=$2
  shift 2
  (cd "$dir" && "$node" --input-type=module -e '
    const expected = {
      "@metalor/dsl": "DslError", "@metalor/cell-spec": "CellSpecError",
      "@metalor/linux-runtime": "LinuxRuntimeError", "@metalor/provider-core": "ProviderError",
      "@metalor/provider-wsl": "ProviderError", "@metalor/provider-apple": "ProviderError",
    };
    for (const name of process.argv.slice(1)) {
      const mod = await import(name);
      const cls = expected[name];
      if (cls && typeof mod[cls] !== "function") throw new Error(`${name} does not export ${cls}`);
      if (Object.keys(mod).length === 0) throw new Error(`${name} exports nothing`);
    }' "$@") >"$dir.import.log" 2>&1
}

NODES=(node)
IFS=':' read -r -a extra <<<"${METALOR_CHECK_NODES:-}"
for n in "${extra[@]}"; do [ -n "$n" ] && NODES+=("$n"); done

# The scratch projects install concurrently (mostly waiting on the registry and the disk).
install_scratch() { # label, packages to install...
  local dir="$WORK/scratch-$1"
  shift
  make_scratch "$dir" "$@"
  if npm_install "$dir"; then touch "$dir.installed"; fi
}
ALL_PACKAGES=$(printf '%s\n' "${!TARBALL[@]}" | sort | tr '\n' ' ')
install_scratch dsl-alone @metalor/dsl &
install_scratch provider-wsl @metalor/provider-wsl &
# shellcheck disable=SC2086
install_scratch all $ALL_PACKAGES &
wait

scenario() { # label, expected @metalor set (space-separated, sorted), packages installed...
  local label=$1 expected=$2
  shift 2
  local dir="$WORK/scratch-$label" got node
  if [ ! -f "$dir.installed" ]; then fail "$label: npm install $*" "$dir.install.log"; return; fi
  got=$(installed_metalor "$dir")
  if [ -n "$expected" ] && [ "$got" != "$expected" ]; then
    printf 'expected: %s\ngot:      %s\n' "$expected" "$got" >"$dir.set.log"
    fail "$label: installing $* brings exactly: $expected" "$dir.set.log"
  elif [ -n "$expected" ]; then
    ok "$label: installing $* brings exactly: $got"
  fi
  for node in "${NODES[@]}"; do
    if import_check "$dir" "$node" "$@"; then
      ok "$label: plain node $("$node" --version) imports $*"
    else
      fail "$label: plain node $("$node" --version) imports $*" "$dir.import.log"
    fi
  done
}

scenario dsl-alone "@metalor/dsl" @metalor/dsl
if [ -d "$WORK/scratch-dsl-alone/node_modules" ]; then
  others=$(cd "$WORK/scratch-dsl-alone/node_modules" && ls -A | grep -v -e '^@metalor$' -e '^\.package-lock\.json$' || true)
  if [ -z "$others" ]; then ok "dsl-alone: no third-party package installed"; else
    echo "$others" >"$WORK/dsl-others.log"; fail "dsl-alone: no third-party package installed" "$WORK/dsl-others.log"
  fi
fi
scenario provider-wsl "@metalor/cell-spec @metalor/provider-core @metalor/provider-wsl" @metalor/provider-wsl
# shellcheck disable=SC2086
scenario all "" $ALL_PACKAGES

# The CLI a user gets from the linux-runtime tarball: it starts, probes this host, and runs a
# command in the local busybox image (built by test-images.sh, no registry), which proves the
# tarball ships everything the runtime needs (the inner runner included).
if node -e 'process.exit(require("./packages/linux-runtime/package.json").bin?.metalor ? 0 : 1)'; then
  BIN_DIR="$WORK/scratch-all/node_modules/.bin"
  if "$BIN_DIR/metalor" --help >"$WORK/bin.log" 2>&1; then
    ok "all: the installed metalor bin prints its usage"
  else
    fail "all: the installed metalor bin prints its usage" "$WORK/bin.log"
  fi
  if [ "$(id -u)" = 0 ]; then
    image=$(bash tooling/scripts/test-images.sh 2>"$WORK/images.log" | sed -n 's/^METALOR_TEST_IMAGE_AMD64=//p')
    if [ -n "$image" ] && out=$(cd "$WORK" && "$BIN_DIR/metalor" run --state-dir "$WORK/state" --image "$image" -- sh -c 'echo ok from $(uname -m)' 2>"$WORK/bin-run.log") \
      && [ "$out" = "ok from $(uname -m)" ]; then
      ok "all: the installed metalor runs a command in the local busybox image"
    else
      echo "output: ${out:-}" >>"$WORK/bin-run.log"
      cat "$WORK/images.log" >>"$WORK/bin-run.log"
      fail "all: the installed metalor runs a command in the local busybox image" "$WORK/bin-run.log"
    fi
  fi
fi

printf 'check-packages: %s in %ss\n' "$([ $status = 0 ] && echo passed || echo FAILED)" "$(($(date +%s) - started))"
exit $status
