// What every session of a running relay shares. Lives on the relay's one
// network thread: sessions, reloads and shutdown all run there, so no locks.
// The worker pool's jobs never touch it (relay/worker_pool.h); the committer
// locks its own queue, which its thread empties.
#pragma once

#include <cstdint>
#include <memory>

#include "common/bytes.h"
#include "crypto/x25519.h"
#include "relay/committer.h"
#include "relay/config.h"
#include "relay/log.h"
#include "relay/pow_policy.h"
#include "relay/reply_board.h"
#include "relay/worker_pool.h"

namespace cairn::relay {

// The published key bundle as served: the signed bytes, pre-encoded as a
// Response, and the drop size it sets.
struct ServedBundle {
  Bytes response;  // serialized Response{key_bundle}
  std::uint32_t drop_size = 0;
  std::uint32_t pow_cap = 0;  // the most work the organisation lets a relay ask (the bundle's pow_bits)
};

struct RelayState {
  const ServeConfig& config;
  const crypto::X25519KeyPair& noise_key;
  Committer& committer;
  Counters& counters;
  WorkerPool& workers;
  std::shared_ptr<const ServedBundle> bundle;     // null until a bundle is published
  std::shared_ptr<const ServedBoard> board;       // null until the store was first read
  PowPolicy pow;
  double fill = 0;  // stored drop bytes / capacity, as of the last reload
  std::size_t open_sessions = 0;
  bool draining = false;                          // SIGTERM: finish the request at hand, take no more
};

}  // namespace cairn::relay
