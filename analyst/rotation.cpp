#include "analyst/rotation.h"

#include <algorithm>

namespace cairn::analyst {

Result<std::vector<AnalystRecord>> rotation_due(Vault& vault, DayNumber today) {
  CAIRN_TRY(auto people, analysts(vault));
  CAIRN_TRY(auto keys, messaging_keys(vault));
  // Only keys of the organisation's kind count: after a switch to hybrid keys
  // every analyst is due one.
  CAIRN_TRY(const bool hybrid, hybrid_messaging(vault));
  std::erase_if(keys, [hybrid](const MessagingKeyRecord& k) { return k.hybrid_key.has_value() != hybrid; });
  std::vector<AnalystRecord> due;
  for (auto& a : people) {
    std::optional<DayNumber> newest;
    bool valid_today = false;
    for (const auto& k : keys) {
      if (k.analyst_id != a.id || k.destroyed_day) continue;
      newest = std::max(newest.value_or(0), k.created_day);
      valid_today = valid_today || k.valid_on(today);
    }
    if (!newest || !valid_today || today >= *newest + kMessagingKeyRotationDays) due.push_back(std::move(a));
  }
  return due;
}

Result<RotationReport> rotate_keys(Vault& vault, DayNumber today, DayNumber destroy_grace_days,
                                   bool switch_to_hybrid) {
  RotationReport report;
  CAIRN_CHECK(vault.transaction([&]() -> Status {
    if (switch_to_hybrid) CAIRN_CHECK(choose_hybrid_messaging(vault));
    CAIRN_TRY(auto due, rotation_due(vault, today));
    for (const auto& a : due) {
      CAIRN_TRY(auto k, add_messaging_key(vault, a, today));
      report.created.push_back(std::move(k));
    }
    CAIRN_TRY(auto keys, messaging_keys(vault));
    for (auto& k : keys) {
      if (k.destroyed_day) continue;
      // Destroyed on the first day after expiry + grace.
      if (today > k.not_after_day + destroy_grace_days) {
        CAIRN_CHECK(destroy_messaging_secret(vault, k.id, today));
        report.destroyed.push_back(std::move(k));
      }
    }
    return ok_status();
  }));
  if (!report.destroyed.empty()) CAIRN_CHECK(vault.flush_deleted());
  return report;
}

}  // namespace cairn::analyst
