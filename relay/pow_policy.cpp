#include "relay/pow_policy.h"

#include <algorithm>
#include <bit>

namespace cairn::relay {
namespace {

// ceil(log2(x / calm)) for x > calm, else 0: one bit (twice the work per
// drop) for every doubling of the load above calm.
std::uint32_t doublings_above(double x, double calm) {
  std::uint32_t bits = 0;
  for (double level = calm; x > level && bits < 32; level *= 2) ++bits;
  return bits;
}

}  // namespace

std::int64_t PowPolicy::minute_of(Clock::time_point t) const {
  return std::chrono::duration_cast<std::chrono::minutes>(t - epoch_).count();
}

void PowPolicy::drop_stored(Clock::time_point now) {
  const auto m = minute_of(now);
  auto slot = static_cast<std::size_t>(m % static_cast<std::int64_t>(kWindowMinutes));
  if (minutes_[slot] != m) {
    minutes_[slot] = m;
    counts_[slot] = 0;
  }
  ++counts_[slot];
}

std::uint64_t PowPolicy::recent_drops(Clock::time_point now) const {
  const auto m = minute_of(now);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < kWindowMinutes; ++i)
    if (counts_[i] != 0 && m - minutes_[i] < static_cast<std::int64_t>(kWindowMinutes) && minutes_[i] <= m)
      total += counts_[i];
  return total;
}

std::uint32_t PowPolicy::bits(Clock::time_point now, std::uint32_t cap_bits, double fill, std::size_t queue) const {
  // A floor at or above the cap is the operator's choice, passed on as is
  // (clients then refuse it, naming the cap); load never raises it further.
  const std::uint32_t floor = options_.floor_bits;
  if (floor >= cap_bits) return floor;
  const std::uint32_t room = cap_bits - floor;
  // Arrival rate over the window against the calm rate.
  const double calm = static_cast<double>(options_.calm_drops_per_minute) * kWindowMinutes;
  std::uint32_t extra = doublings_above(static_cast<double>(recent_drops(now)), std::max(calm, 1.0));
  // A commit queue longer than calm: the store is the bottleneck right now.
  extra = std::max(extra, doublings_above(static_cast<double>(queue), static_cast<double>(options_.calm_queue)));
  // The second half of the quota costs more and more: the last drop the cap.
  if (fill > 0.5) {
    const double over = std::min(1.0, (fill - 0.5) * 2);
    extra = std::max(extra, static_cast<std::uint32_t>(over * room + 0.999));
  }
  return floor + std::min(extra, room);
}

}  // namespace cairn::relay
