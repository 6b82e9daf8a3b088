// The recipient type of the age spec that Cairn recognises but does not
// implement: scrypt (passphrases). Cairn checks its stanzas' shape like any
// identity implementation must, so a malformed one is a header failure, and
// reports a well-formed one as Errc::unsupported naming the feature, never as
// "no identity matched".
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "crypto/age_header.h"

namespace cairn::crypto::age {

// --- Specification constants ---
inline constexpr std::string_view kScryptStanzaType = "scrypt";
inline constexpr std::size_t kScryptSaltBytes = 16;
inline constexpr std::size_t kWrappedFileKeyBytes = 32;  // 16-byte file key + 16-byte tag

// --- Implementation constants ---
// The spec says identities SHOULD cap the scrypt work factor; this is the cap
// the reference implementation applies by default (2^22 takes about a second).
inline constexpr int kMaxScryptWorkFactor = 22;

// "scrypt" stanza: exactly salt and work factor arguments, a canonical 16-byte
// salt, a decimal work factor without leading zeros in 1..22, a 32-byte body.
// The spec's rule that an scrypt stanza is alone in its header is checked by
// the caller, which sees the whole header. Errc::malformed otherwise.
[[nodiscard]] Status check_scrypt_stanza(const Stanza& stanza);

}  // namespace cairn::crypto::age
