#include "crypto/pow.h"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "i18n/catalog.h"

namespace cairn::crypto::pow {
namespace {

constexpr std::size_t kInputBytes = kDomain.size() + kChallengeBytes + kContextBytes + kNonceBytes;
constexpr std::size_t kNonceOffset = kInputBytes - kNonceBytes;
constexpr std::size_t kHashBytes = 32;

using Input = ByteArray<kInputBytes>;

Input make_input(const Challenge& challenge, const Context& context) {
  Input in{};
  auto it = std::copy(kDomain.begin(), kDomain.end(), in.begin());
  it = std::copy(challenge.begin(), challenge.end(), it);
  std::copy(context.begin(), context.end(), it);
  return in;
}

// True if the first `bits` bits of the hash of `in` are zero.
bool meets(const Input& in, std::uint32_t bits) {
  ByteArray<kHashBytes> h{};
  crypto_generichash_blake2b(h.data(), h.size(), in.data(), in.size(), nullptr, 0);
  std::size_t full = bits / 8;
  for (std::size_t i = 0; i < full; ++i)
    if (h[i] != 0) return false;
  std::uint32_t rest = bits % 8;
  return rest == 0 || (h[full] >> (8 - rest)) == 0;
}

Status check_bits(std::uint32_t bits) {
  if (bits > kMaxBits)
    return make_error(Errc::invalid_argument, "proof-of-work difficulty is at most " +
                                                  std::to_string(kMaxBits) + " bits, not " +
                                                  std::to_string(bits));
  return ok_status();
}

}  // namespace

Challenge new_challenge() {
  Challenge c{};
  random_bytes(c);
  return c;
}

Context context_for_drop(ByteView drop) { return blake2b_256(drop); }

Result<Nonce> solve(const Challenge& challenge, const Context& context, std::uint32_t bits,
                    std::uint64_t max_iterations) {
  CAIRN_CHECK(check_bits(bits));
  ensure_initialized();
  Input in = make_input(challenge, context);
  // Start at a random counter so two clients never walk the same nonces; the
  // nonce is opaque to the verifier.
  ByteArray<8> start{};
  random_bytes(start);
  std::uint64_t counter = 0;
  for (auto b : start) counter = (counter << 8) | b;
  for (std::uint64_t i = 0; i < max_iterations; ++i, ++counter) {
    for (std::size_t k = 0; k < kNonceBytes; ++k)
      in[kNonceOffset + k] = static_cast<std::uint8_t>(counter >> (8 * (kNonceBytes - 1 - k)));
    if (meets(in, bits)) {
      Nonce n{};
      std::copy_n(in.begin() + kNonceOffset, kNonceBytes, n.begin());
      return n;
    }
  }
  return make_error(Errc::timeout, i18n::trf("no proof-of-work solution found in %s attempts at %s bits",
                                                 max_iterations, bits));
}

Status verify(const Challenge& challenge, const Context& context, ByteView nonce, std::uint32_t bits) {
  CAIRN_CHECK(check_bits(bits));
  if (nonce.size() != kNonceBytes)
    return make_error(Errc::malformed, "a proof-of-work nonce is 8 bytes, this one is " +
                                           std::to_string(nonce.size()));
  ensure_initialized();
  Input in = make_input(challenge, context);
  std::copy(nonce.begin(), nonce.end(), in.begin() + kNonceOffset);
  if (!meets(in, bits))
    return make_error(Errc::insufficient_work,
                      "the proof of work does not reach " + std::to_string(bits) + " bits for this drop");
  return ok_status();
}

}  // namespace cairn::crypto::pow
