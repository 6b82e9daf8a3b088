// Bech32 (BIP 173) as age uses it: the original Bech32 checksum, no 90-character
// limit, all-lower or all-upper case. Used for age recipients ("age1…"),
// identities ("AGE-SECRET-KEY-1…") and Cairn drop addresses.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::crypto {

// Hard cap on any Bech32 string Cairn parses, checked before any work.
inline constexpr std::size_t kBech32MaxLength = 1024;

struct Bech32Decoded {
  std::string hrp;          // lower-case
  Bytes data;               // 8-bit bytes
  bool upper_case = false;  // the text was written in upper case
};

// Encodes data (8-bit bytes) under a human-readable part; lower-case output.
// hrp must be 1..83 printable US-ASCII characters without upper case.
[[nodiscard]] std::string bech32_encode(std::string_view hrp, ByteView data);

// The same encoding in upper case, built in a Secret: for strings that are
// secret keys (age identities, "AGE-SECRET-KEY-…").
[[nodiscard]] Secret bech32_encode_upper_secret(std::string_view hrp, ByteView data);

// True if text starts with hrp and the separator '1', in either case: names a
// key's type before decoding (and before a length cap that type exceeds).
[[nodiscard]] bool bech32_has_hrp(std::string_view text, std::string_view hrp);

// Decodes and verifies. Errors: Errc::too_large (over max_length, by default
// the cap above; drop addresses naming several relays are longer),
// Errc::checksum_mismatch (well-formed but the checksum is wrong: a typo),
// Errc::malformed (mixed case, no separator, character outside the alphabet,
// bad padding).
[[nodiscard]] Result<Bech32Decoded> bech32_decode(std::string_view text, std::size_t max_length = kBech32MaxLength);

}  // namespace cairn::crypto
