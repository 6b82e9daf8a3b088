#!/usr/bin/env bash
# Every parser and the relay's session code under AddressSanitizer + UBSan:
# builds the fuzz targets with the asan preset and runs their bounded CTest
# replays (corpus + deterministic mutations; `ctest -L fuzz`). Part of the
# README's test command. The whole suite under the sanitizers is a release
# step (README, "Development"): cmake --preset asan && cmake --build --preset asan && ctest --preset asan
set -euo pipefail
cd "$(dirname "$0")/.."
echo "cairn: sanitize: building the fuzz targets with ASan+UBSan (build/asan)"
cmake --preset asan >/dev/null
targets=$(sed -n 's/^cairn_fuzz_target(\([a-z_0-9]*\).*/cairn_fuzz_\1/p' fuzz/CMakeLists.txt)
# shellcheck disable=SC2086
cmake --build --preset asan --target $targets
ctest --preset asan -L fuzz
