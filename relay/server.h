// The relay daemon: accepts connections (bounded), runs one session coroutine
// each, reloads the published key bundle and reply board, reports counts, and
// shuts down in two stages on SIGTERM/SIGINT: first stop accepting and let
// requests in flight (and their commits) finish; after the grace period, or a
// second signal, close everything. Exits 0 after a clean shutdown.
#pragma once

#include "common/result.h"
#include "relay/config.h"

namespace cairn::relay {

// Runs until shut down. Prints "cairn-relay: listening on port N" once ready
// (N is the real port, also when 0 was asked for).
[[nodiscard]] Status serve(const ServeConfig& config);

}  // namespace cairn::relay
