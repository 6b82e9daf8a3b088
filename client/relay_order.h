// Which relay of the organisation to try next (docs/PROTOCOL.md, "Several
// relays"): the relays the drop address names, in a random order drawn from
// libsodium's generator (so sources spread over the relays and a censor
// cannot predict which one a source tries first), then any further relays a
// verified key bundle lists, also in random order.
#pragma once

#include <cstddef>
#include <deque>

#include "crypto/drop_address.h"
#include "crypto/key_bundle.h"

namespace cairn::client {

class RelayOrder {
 public:
  explicit RelayOrder(const crypto::DropAddress& address);

  // Appends the relays `bundle` lists (every place each listens) that are not
  // already in the order, after the rest.
  void add_listed(const crypto::VerifiedKeyBundle& bundle);

  // The next relay to try, or nullptr when every one was tried. The pointer
  // stays valid as long as the order does.
  [[nodiscard]] const crypto::RelayAddress* next();

  [[nodiscard]] std::size_t size() const { return relays_.size(); }
  [[nodiscard]] std::size_t tried() const { return next_; }
  [[nodiscard]] std::size_t remaining() const { return relays_.size() - next_; }

 private:
  void shuffle_from(std::size_t first);

  std::deque<crypto::RelayAddress> relays_;  // a deque: appending keeps pointers valid
  std::size_t next_ = 0;
};

}  // namespace cairn::client
