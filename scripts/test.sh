#!/usr/bin/env bash
# Installs what is missing, builds Cairn, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release
