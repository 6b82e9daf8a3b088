// Sending a submission's drops with many in flight on one connection
// (docs/PROTOCOL.md, "Drops in flight"). Worker threads (one per core) seal
// drop bodies ahead of the sender and pay each drop's proof of work for the
// connection it will travel on; the sending thread keeps up to `window`
// PutDrops unanswered while a reader thread takes their acks, which the relay
// sends in order. So a source's drops share the relay's group commits and the
// link stays full: through Tor, a round trip per `window` drops, not per drop.
//
// When a connection breaks, the drops not yet acknowledged (the same sealed
// bytes) go again on the next one; the relay keeps a drop once however often
// it arrives (its id is the hash of its bytes). Memory is bounded by the
// window: at most 2 × window sealed drops (and as many bodies being sealed)
// exist at once, whatever the number of drops; the window is at most
// kMaxWindowBytes of drops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "client/relay_connection.h"
#include "client/submission.h"
#include "common/result.h"
#include "common/work_pool.h"
#include "crypto/drop.h"
#include "crypto/pow.h"
#include "crypto/x25519.h"

namespace cairn::client {

// Drops in flight on one connection: 4 MiB of 32 KiB drops, a Tor circuit's
// bandwidth (a few MiB/s at best) times its round trip (about a second).
inline constexpr std::size_t kDefaultWindow = 128;
// A window never holds more than this many bytes of drops, whatever the
// deployment's drop size (at least one drop), so memory stays bounded when an
// organisation chooses larger drops.
inline constexpr std::size_t kMaxWindowBytes = kDefaultWindow * 32 * 1024;

class DropWindow {
 public:
  using Progress = std::function<void(std::size_t acknowledged, std::size_t total)>;
  using Refusal = std::function<Error(const v1::Error&)>;

  // threads: 0 for one per core.
  // recipients: a key bundle's drop_recipients(), X25519 or hybrid.
  DropWindow(DropSource source, crypto::DropRecipientKeys recipients, std::size_t drop_size,
             std::size_t window = kDefaultWindow, unsigned threads = 0);
  DropWindow(const DropWindow&) = delete;
  DropWindow& operator=(const DropWindow&) = delete;
  ~DropWindow();

  // Sends drops on conn until all are acknowledged or the connection has taken
  // as many as the relay allows (then ok: open another and call again). On an
  // error, connection_broke() says whether it was the connection (reading or
  // writing failed or timed out: the drops in flight may be sent again on a
  // new one) or not (a refusal by the relay, made by `refused`, a broken
  // protocol, a body that could not be made or sealed: give up).
  // near_end, if given, is called once when the connection has a window or
  // less left to send before its limit and drops will remain for another:
  // time to open the next connection while this one drains.
  [[nodiscard]] Status send_on(RelayConnection& conn, const Progress& progress, const Refusal& refused,
                               const std::function<void()>& near_end = {});

  [[nodiscard]] bool done() const { return acked_ == total_; }
  [[nodiscard]] std::size_t acknowledged() const { return acked_; }
  [[nodiscard]] std::size_t total() const { return total_; }
  // Drops kept unanswered at most (the asked window, limited by kMaxWindowBytes).
  [[nodiscard]] std::size_t window() const { return window_; }
  [[nodiscard]] bool connection_broke() const { return broke_; }

 private:
  struct Slot;
  struct Target {
    std::uint64_t generation = 0;  // one per connection; 0 before the first
    crypto::pow::Challenge challenge{};
    std::uint32_t bits = 0;
  };

  Status fill_slots();
  void seal(const std::shared_ptr<Slot>& slot, crypto::Plaintext& body);
  void solve(const std::shared_ptr<Slot>& slot);
  Target target() const;

  DropSource source_;
  crypto::DropRecipientKeys recipients_;
  std::size_t drop_size_;
  std::size_t window_;
  std::size_t total_;
  std::size_t acked_ = 0;
  std::size_t made_ = 0;  // bodies taken from the source
  bool broke_ = false;
  std::deque<std::shared_ptr<Slot>> slots_;  // drops acked_ .. made_ - 1
  mutable std::mutex target_mutex_;
  Target target_;
  WorkPool pool_;  // last: destroyed first, so its jobs finish before the rest goes
};

}  // namespace cairn::client
