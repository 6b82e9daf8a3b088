#include "crypto/drop.h"

#include <cstring>
#include <string>

#include "crypto/age.h"

namespace cairn::crypto {
namespace {

std::string n(std::size_t v) { return std::to_string(v); }

// The age plaintext size of a drop: the one that seals to exactly drop_size.
Result<std::size_t> drop_plaintext_size(std::size_t drop_size, std::size_t recipient_count) {
  if (recipient_count == 0) return make_error(Errc::invalid_argument, "a drop needs at least one recipient");
  if (recipient_count > kMaxDropRecipients)
    return make_error(Errc::invalid_argument, "a drop has at most " + n(kMaxDropRecipients) + " recipients, not " +
                                                  n(recipient_count));
  if (drop_size > kMaxDropSize)
    return make_error(Errc::invalid_argument, "the drop size " + n(drop_size) + " is over the limit of " + n(kMaxDropSize));
  // Header (version line, N X25519 stanzas of 98 bytes, MAC line) and payload nonce.
  const std::size_t overhead = age::header_encoded_size(recipient_count * age::kX25519StanzaBytes) +
                               age::kPayloadNonceBytes;
  const std::size_t minimum = overhead + age::stream_sealed_size(kDropLengthBytes);
  if (drop_size < minimum)
    return make_error(Errc::invalid_argument, "a drop to " + n(recipient_count) + " recipients needs at least " +
                                                  n(minimum) + " bytes; the drop size is " + n(drop_size));
  auto size = age::stream_opened_size(drop_size - overhead);
  if (!size.ok())
    return make_error(Errc::invalid_argument, "no age file to " + n(recipient_count) + " recipients is exactly " +
                                                  n(drop_size) + " bytes (it falls inside a chunk's tag); choose another drop size");
  return *size;
}

}  // namespace

Result<std::size_t> drop_body_capacity(std::size_t drop_size, std::size_t recipient_count) {
  CAIRN_TRY(const std::size_t plaintext_size, drop_plaintext_size(drop_size, recipient_count));
  return plaintext_size - kDropLengthBytes;
}

Result<Bytes> seal_drop(ByteView body, std::span<const X25519Public> recipients, std::size_t drop_size) {
  CAIRN_TRY(const std::size_t plaintext_size, drop_plaintext_size(drop_size, recipients.size()));
  const std::size_t capacity = plaintext_size - kDropLengthBytes;
  if (body.size() > capacity)
    return make_error(Errc::too_large, "the body is " + n(body.size()) + " bytes; a drop of " + n(drop_size) +
                                           " bytes to " + n(recipients.size()) + " recipients holds at most " +
                                           n(capacity));
  Secret plaintext(plaintext_size);  // zero-filled: the padding
  put_u32be(plaintext.data(), static_cast<std::uint32_t>(body.size()));
  if (!body.empty()) std::memcpy(plaintext.data() + kDropLengthBytes, body.data(), body.size());
  CAIRN_TRY(Bytes drop, age::encrypt(plaintext.view(), recipients));
  if (drop.size() != drop_size)
    return make_error(Errc::internal, "a sealed drop is " + n(drop.size()) + " bytes, not " + n(drop_size));
  return drop;
}

Result<Secret> open_drop(ByteView drop, std::span<const age::Identity> identities, std::size_t drop_size) {
  if (drop_size > kMaxDropSize)
    return make_error(Errc::invalid_argument, "the drop size " + n(drop_size) + " is over the limit of " + n(kMaxDropSize));
  if (drop.size() != drop_size)
    return make_error(Errc::malformed, "a drop is exactly " + n(drop_size) + " bytes; this one is " + n(drop.size()));
  CAIRN_TRY(const Secret plaintext, age::decrypt(drop, identities));
  if (plaintext.size() < kDropLengthBytes)
    return make_error(Errc::malformed, "the drop's plaintext is too short to hold a body length");
  const std::size_t capacity = plaintext.size() - kDropLengthBytes;
  const std::size_t length = get_u32be(plaintext.data());
  if (length > capacity)
    return make_error(Errc::malformed, "the drop declares a body of " + n(length) + " bytes but holds at most " +
                                           n(capacity));
  // Padding must be zero, so a drop has exactly one valid plaintext per body.
  std::uint8_t nonzero = 0;
  for (std::size_t i = kDropLengthBytes + length; i < plaintext.size(); ++i) nonzero |= plaintext.data()[i];
  if (nonzero != 0) return make_error(Errc::malformed, "the drop's padding is not all zeros");
  return Secret::copy_of(plaintext.view().subspan(kDropLengthBytes, length));
}

}  // namespace cairn::crypto
