#!/usr/bin/env bash
# Configures and builds the release tree (build/release), showing progress.
# Used by demo.sh and test.sh; safe to run again (only what changed is rebuilt).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/release/build.ninja ]]; then
  echo "cairn: build: configuring build/release (the first build takes 5 to 8 minutes on 2 cores; progress follows)"
fi
cmake --preset release >/dev/null
start=$SECONDS
# Ninja prints one [done/total] line per step; on a terminal it rewrites one line.
cmake --build --preset release
echo "cairn: build: done in $((SECONDS - start)) s"
