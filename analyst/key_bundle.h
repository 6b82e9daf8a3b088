// What the station publishes (docs/PROTOCOL.md, "Keys, certificates and the key bundle" and "Drop address"): the
// signed key bundle for a relay, and the drop address sources are given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyst/relay_endpoints.h"
#include "analyst/vault.h"
#include "common/day.h"
#include "crypto/key_bundle.h"

namespace cairn::analyst {

// ---- Implementation constants: deployment defaults ----
inline constexpr std::uint32_t kDefaultDropSize = 32768;
// The most proof of work a relay may ask per drop (docs/PROTOCOL.md, "Proof of
// work policy"): at 21 bits filling a relay's default 8 GiB costs about a
// CPU-day, and one drop costs a source ~0.35 s here, a few seconds on a slow laptop.
inline constexpr std::uint32_t kDefaultPowBits = 21;

struct BundleOptions {
  std::string relay;  // certified relay name; empty: the only one
  std::uint32_t drop_size = kDefaultDropSize;
  std::uint32_t pow_bits = kDefaultPowBits;
  std::vector<std::string> bridge_lines;  // Tor bridge lines for sources (keys bundle --bridges FILE)
};

// The bridge lines of a file (one a line; blank lines and '#' comments
// skipped), each checked as a key bundle requires (crypto::bridge_line_problem).
[[nodiscard]] Result<std::vector<std::string>> read_bridge_lines(const std::filesystem::path& path);

struct StationBundle {
  Bytes file;  // wrap_file(key_bundle, SignedKeyBundle): what `cairn-relay publish` takes
  crypto::VerifiedKeyBundle verified;
  std::string relay;
};

// Every analyst valid today with every messaging key not yet expired (the
// current ones and any made ahead), the relay's two certificates, and the
// list of every relay of the organisation valid today with where it listens. The
// bundle is valid from yesterday (clock tolerance) until the earliest of: the
// day some analyst's newest key expires, the relay certificates expire, an
// identity expires. It is verified (crypto::verify_key_bundle) before it is
// returned, and its drop size is recorded so imports accept drops of that size.
[[nodiscard]] Result<StationBundle> make_key_bundle(Vault& vault, const BundleOptions& options, DayNumber today);

// The drop address naming certified relays: with `at`, the one relay given
// at that host and port (a version 1 address); otherwise every place each
// relay listens (relay_endpoints.h), at most crypto::kDropAddressMaxRelays
// in all (Errc::too_large).
[[nodiscard]] Result<std::string> make_drop_address(Vault& vault, const std::vector<std::string>& relays,
                                                    const std::optional<Endpoint>& at);

}  // namespace cairn::analyst
