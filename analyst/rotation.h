// Messaging key rotation and destruction (DESIGN.md section 3; schedule in
// analyst/keys.h; docs/PROTOCOL.md, "Analyst station", "Rotation"):
//  - an analyst whose newest messaging key was made 7 or more days ago (or
//    who has no key valid today) gets a new one, valid 14 days, so two keys
//    overlap and a source with last week's bundle still reaches everyone;
//  - a secret half is destroyed once its key has been expired for the grace
//    period (default 14 days): drops still sealed to it afterwards can no
//    longer be read by anyone (forward secrecy by rotation).
#pragma once

#include <vector>

#include "analyst/keys.h"
#include "analyst/vault.h"
#include "common/day.h"

namespace cairn::analyst {

struct RotationReport {
  std::vector<MessagingKeyRecord> created;
  std::vector<MessagingKeyRecord> destroyed;  // as they were before destruction
};

// The analysts due a new messaging key on `today`.
[[nodiscard]] Result<std::vector<AnalystRecord>> rotation_due(Vault& vault, DayNumber today);

// Rotates and destroys in one transaction, then flushes the write-ahead log
// so destroyed secrets leave no page image behind. switch_to_hybrid: first
// make the organisation's messaging keys hybrid (keys rotate --hybrid), so
// every analyst gets a hybrid key today; the X25519 secrets stay until
// destroyed as usual, and still open drops sealed to them.
[[nodiscard]] Result<RotationReport> rotate_keys(Vault& vault, DayNumber today,
                                                 DayNumber destroy_grace_days = kDefaultDestroyGraceDays,
                                                 bool switch_to_hybrid = false);

}  // namespace cairn::analyst
