#!/usr/bin/env bash
# The relay under many connections (not run by ctest: it holds 2 × N file
# descriptors across two processes and takes a minute or two): N idle TCP
# connections, then N handshaken ones, each time with a real submission that
# must be acknowledged among them, and the relay still running at the end.
# Prints a Markdown table (relay RSS, peak RSS, mappings, descriptors).
#
#   scripts/relay-connections.sh          # N = 10000
#   CONNECTIONS=2000 scripts/relay-connections.sh
#
# Needs a hard file limit above N + 64 (`ulimit -Hn`); both processes raise
# their soft limit to it themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-10000}
cmake --preset release >/dev/null
cmake --build --preset release --target cairn_bench_relay_connections cairn-relay >/dev/null
exec build/release/bench/cairn_bench_relay_connections --connections "$CONNECTIONS"
