// How much proof of work the relay asks for (docs/PROTOCOL.md, "Proof of work
// policy"): the configured floor while calm, more as drops arrive faster, the
// commit queue grows or the store fills, never more than the cap the
// organisation signed into the key bundle (the client refuses more). Lives on
// the network thread; fed by the sessions, read at each handshake.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace cairn::relay {

struct PowPolicyOptions {
  std::uint32_t floor_bits = 12;            // --pow-bits: what a calm relay asks
  std::uint32_t calm_drops_per_minute = 60;  // --pow-calm-drops-per-minute: arrivals that add nothing
  std::size_t calm_queue = 64;               // drops waiting to be committed that add nothing
};

class PowPolicy {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kWindowMinutes = 10;

  explicit PowPolicy(PowPolicyOptions options) : options_(options) {}

  // A drop was stored (counted in its minute of the sliding window).
  void drop_stored(Clock::time_point now);

  // The difficulty for a handshake now. cap_bits: the key bundle's pow_bits.
  // fill: stored drop bytes / quota (0..1); queue: drops waiting to commit.
  [[nodiscard]] std::uint32_t bits(Clock::time_point now, std::uint32_t cap_bits, double fill,
                                   std::size_t queue) const;

  // Drops stored in the last kWindowMinutes minutes.
  [[nodiscard]] std::uint64_t recent_drops(Clock::time_point now) const;

 private:
  [[nodiscard]] std::int64_t minute_of(Clock::time_point t) const;
  PowPolicyOptions options_;
  Clock::time_point epoch_ = Clock::now();
  // counts_[m % kWindowMinutes] holds minute minutes_[…]'s arrivals.
  std::array<std::uint64_t, kWindowMinutes> counts_{};
  std::array<std::int64_t, kWindowMinutes> minutes_{};
};

}  // namespace cairn::relay
