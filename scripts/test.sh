#!/usr/bin/env bash
# Installs what is missing, builds Cairn, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
./scripts/build.sh
./scripts/npm-interop.sh
ctest --preset release
./scripts/sanitize.sh
