#include "client/relay_order.h"

#include <algorithm>
#include <utility>

#include "crypto/random.h"

namespace cairn::client {

RelayOrder::RelayOrder(const crypto::DropAddress& address) : relays_(address.relays.begin(), address.relays.end()) {
  shuffle_from(0);
}

// Fisher-Yates over relays_[first..], with libsodium's uniform numbers.
void RelayOrder::shuffle_from(std::size_t first) {
  for (std::size_t i = relays_.size(); i > first + 1; --i) {
    const auto j = first + crypto::random_uniform(static_cast<std::uint32_t>(i - first));
    std::swap(relays_[i - 1], relays_[j]);
  }
}

void RelayOrder::add_listed(const crypto::VerifiedKeyBundle& bundle) {
  const std::size_t first = relays_.size();
  for (const auto& relay : bundle.relays)
    for (const auto& endpoint : relay.endpoints)
      if (std::find(relays_.begin(), relays_.end(), endpoint) == relays_.end()) relays_.push_back(endpoint);
  shuffle_from(first);
}

const crypto::RelayAddress* RelayOrder::next() {
  if (next_ == relays_.size()) return nullptr;
  return &relays_[next_++];
}

}  // namespace cairn::client
