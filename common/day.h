// Coarse time: Cairn records and checks dates as whole days since
// 1970-01-01 UTC (a "day number"), never finer. Certificates, key bundles and
// drops all use day numbers, so nothing stored or signed carries a precise time.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace cairn {

using DayNumber = std::uint32_t;

// Today's day number (UTC) from the system clock.
inline DayNumber today_utc() {
  auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  auto n = days.time_since_epoch().count();
  return n < 0 ? 0 : static_cast<DayNumber>(n);
}

// Day number of 9999-12-31; later days (only ever seen in hostile input) are
// shown as bare numbers.
inline constexpr DayNumber kLastFormattableDay = 2932896;

// "2025-11-08" for day 20400: how people see a day number in messages.
inline std::string format_day(DayNumber day) {
  if (day > kLastFormattableDay) return "day " + std::to_string(day);
  std::chrono::year_month_day ymd{
      std::chrono::sys_days{std::chrono::days{static_cast<int>(day)}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// "2025-11-08 (day 20400)": a date people can read and the number the data holds.
inline std::string describe_day(DayNumber day) {
  if (day > kLastFormattableDay) return format_day(day);
  return format_day(day) + " (day " + std::to_string(day) + ")";
}

}  // namespace cairn
