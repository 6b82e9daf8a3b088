// Client threads that put drops on a real relay until told to stop or the
// relay goes away, remembering the id of every drop the relay acknowledged.
// Shared by the durability tests and the kill -9 battery (crash_battery.cpp).
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "relay_peer.h"

namespace cairn::test {

class DropSenders {
 public:
  DropSenders(std::uint16_t port, const crypto::X25519Public& key, int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([=, this] { run(port, key); });
  }
  ~DropSenders() { stop(); }
  DropSenders(const DropSenders&) = delete;
  DropSenders& operator=(const DropSenders&) = delete;

  void stop() {
    stopping_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  std::vector<relay::DropId> acked() {
    std::lock_guard lock(mu_);
    return acked_;
  }
  std::size_t attempted() const { return attempted_; }
  // Drops the relay answered with an error (quota, disk full, storage).
  std::size_t refused() const { return refused_; }

 private:
  void run(std::uint16_t port, crypto::X25519Public key) {
    try {
      while (!stopping_) {
        auto peer = RelayPeer::open(port, key);
        if (!peer.ok()) return;  // the relay is gone
        for (int i = 0; i < 8 && !stopping_; ++i) {
          auto drop = random_drop();
          ++attempted_;
          auto resp = peer->call(peer->put_drop(drop));
          if (!resp.ok()) return;
          if (resp->has_ack()) {
            std::lock_guard lock(mu_);
            acked_.push_back(relay::drop_id(drop));
          } else {
            ++refused_;
          }
        }
      }
    } catch (const std::exception&) {
      // connect refused: the relay is gone
    }
  }

  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> attempted_{0};
  std::atomic<std::size_t> refused_{0};
  std::mutex mu_;
  std::vector<relay::DropId> acked_;
  std::vector<std::thread> threads_;
};

// How many of the acknowledged drops are not in the store.
inline Result<std::size_t> count_missing(relay::Store& store, const std::vector<relay::DropId>& acked) {
  CAIRN_TRY(auto ids, store.drop_ids());
  std::set<relay::DropId> stored(ids.begin(), ids.end());
  std::size_t missing = 0;
  for (const auto& id : acked) missing += stored.count(id) == 0;
  return missing;
}

}  // namespace cairn::test
