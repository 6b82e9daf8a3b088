#!/usr/bin/env bash
# Installs the test-only npm packages of tests/crypto/npm (an independent
# ML-KEM-768, @noble/post-quantum, pinned by version and integrity hash in its
# package-lock.json) into the build tree, for tests/crypto/mlkem_interop_test.cpp.
# Never part of Cairn's product. Run before ctest (scripts/test.sh does): the
# tests themselves never reach the network, and fail, naming this script, if
# the packages are missing. The packages' tarballs, as the registry published
# them, are committed as an npm cache (tests/crypto/npm/cache) and installed
# offline: the test command needs no network (a fresh machine behind a proxy
# that re-signs TLS cannot reach the registry) and npm ci still checks every
# tarball against the lock file's integrity hash. To change a version: edit
# package.json, `npm install --package-lock-only --cache DIR` and
# `npm ci --cache DIR` in a scratch folder, then replace the cache with DIR's
# _cacache (without _logs).
#
#   scripts/npm-interop.sh [BUILD_DIR]     # default build/release
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-build/release}/npm-interop"
if ! command -v npm >/dev/null 2>&1; then
  echo "cairn: error: npm is not installed; run scripts/bootstrap.sh" >&2
  exit 1
fi
if [[ -d "$dest/node_modules" ]] && cmp -s tests/crypto/npm/package-lock.json "$dest/package-lock.json"; then
  echo "cairn: npm-interop: $dest is up to date"
  exit 0
fi
mkdir -p "$dest"
cp tests/crypto/npm/package.json tests/crypto/npm/package-lock.json "$dest/"
# npm ci installs exactly the lock file (checking every integrity hash) and
# runs no install scripts.
rm -rf "$dest/cache"
cp -r tests/crypto/npm/cache "$dest/cache"  # npm writes into its cache
npm ci --prefix "$dest" --offline --cache "$dest/cache" --ignore-scripts --no-audit --no-fund --loglevel=error
echo "cairn: npm-interop: installed $(cd "$dest" && npm ls --depth=0 --parseable=false 2>/dev/null | sed -n 2p | sed 's/^[^@]*//') in $dest"
