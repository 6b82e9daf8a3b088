// Proof of work for PutDrop (docs/PROTOCOL.md, "Proof of work"). The relay's handshake
// reply carries a fresh 32-byte challenge and a difficulty in bits; for each
// drop the client finds an 8-byte nonce such that
//   BLAKE2b-256("cairn pow v1" || challenge || context || nonce)
// starts with at least `bits` zero bits, where context is BLAKE2b-256 of the
// drop. Binding the drop means one solution pays for exactly one drop; the
// per-connection challenge means work cannot be done ahead of time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::crypto::pow {

// Specification constants.
inline constexpr std::string_view kDomain = "cairn pow v1";
inline constexpr std::size_t kChallengeBytes = 32;
inline constexpr std::size_t kContextBytes = 32;
inline constexpr std::size_t kNonceBytes = 8;
inline constexpr std::uint32_t kMaxBits = 32;

using Challenge = ByteArray<kChallengeBytes>;
using Context = ByteArray<kContextBytes>;
using Nonce = ByteArray<kNonceBytes>;

// 32 fresh random bytes; the relay makes one per connection.
[[nodiscard]] Challenge new_challenge();

// The context for a drop: BLAKE2b-256 of its bytes.
[[nodiscard]] Context context_for_drop(ByteView drop);

// Tries at most max_iterations nonces. Errc::invalid_argument if bits > 32;
// Errc::timeout if no nonce was found within max_iterations.
[[nodiscard]] Result<Nonce> solve(const Challenge& challenge, const Context& context, std::uint32_t bits,
                                  std::uint64_t max_iterations);

// One hash. Errc::invalid_argument if bits > 32; Errc::malformed if the nonce
// is not 8 bytes; Errc::insufficient_work if the hash has fewer leading zero bits.
[[nodiscard]] Status verify(const Challenge& challenge, const Context& context, ByteView nonce,
                            std::uint32_t bits);

}  // namespace cairn::crypto::pow
