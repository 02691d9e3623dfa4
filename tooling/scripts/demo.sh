#!/usr/bin/env bash
# `npm run demo`: sets the machine up (as npm test does; the demo needs only the installed
# Node), then runs tooling/scripts/demo.ts with the arguments given after `--`, e.g.
#   npm run demo -- --image docker://alpine:3.20
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
METALOR_SKIP_MATRIX_NODE=1 bash tooling/scripts/setup.sh
exec node --import tsx --conditions=@metalor/source tooling/scripts/demo.ts "$@"
