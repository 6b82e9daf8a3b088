// The emergency path: a messaging secret written as an age identity file
// ("AGE-SECRET-KEY-1…"), so drops can be opened with the stock `age -d -i`
// if Cairn itself cannot be used. The file is the secret key: it is created
// new (never overwriting), mode 0600, and never written to a terminal.
#pragma once

#include <cstdint>
#include <optional>

#include "analyst/vault.h"
#include "common/day.h"
#include "crypto/secret.h"

namespace cairn::analyst {

// The identity file's text: a comment line per key (analyst, validity,
// public age1… recipient) and its AGE-SECRET-KEY-1… line. With no key id,
// every messaging secret the vault still holds (age tries each). Errc::not_found
// (no such key, or none held), Errc::expired (that key's secret was destroyed).
[[nodiscard]] Result<crypto::Secret> age_identity_file(Vault& vault, std::optional<std::int64_t> key_id);

}  // namespace cairn::analyst
