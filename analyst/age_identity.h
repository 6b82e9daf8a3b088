// The emergency path: a messaging secret written as an age identity file
// ("AGE-SECRET-KEY-1…", or "AGE-SECRET-KEY-PQ-1…" for a post-quantum hybrid
// key, which needs age >= 1.3: Debian 12's age 1.1.1 cannot read it), so
// drops can be opened with the stock `age -d -i` if Cairn itself cannot be used. The file is the secret key: it is created
// new (never overwriting), mode 0600, and never written to a terminal.
#pragma once

#include <cstdint>
#include <optional>

#include "analyst/vault.h"
#include "common/day.h"
#include "crypto/secret.h"

namespace cairn::analyst {

// The identity file's text: a comment line per key (analyst, validity,
// public age1… or age1pq1… recipient) and its identity line. With no key id,
// every messaging secret the vault still holds (age tries each). Errc::not_found
// (no such key, or none held), Errc::expired (that key's secret was destroyed).
struct AgeIdentityFile {
  crypto::Secret text;
  bool hybrid = false;  // it holds a post-quantum identity (age >= 1.3 only)
};
[[nodiscard]] Result<AgeIdentityFile> age_identity_file(Vault& vault, std::optional<std::int64_t> key_id);

}  // namespace cairn::analyst
