#include "crypto/drop.h"

#include <cstring>
#include <string>

#include "crypto/age.h"

namespace cairn::crypto {
namespace {

std::string n(std::size_t v) { return std::to_string(v); }

std::size_t stanza_bytes(DropRecipients kind) {
  return kind == DropRecipients::hybrid ? age::kHybridStanzaBytes : age::kX25519StanzaBytes;
}

// Header (version line, N stanzas, MAC line) and payload nonce.
std::size_t drop_overhead(std::size_t recipient_count, DropRecipients kind) {
  return age::header_encoded_size(recipient_count * stanza_bytes(kind)) + age::kPayloadNonceBytes;
}

// The smallest drop to N recipients: room for the 4-byte length and one tag.
std::size_t minimum_drop_size(std::size_t recipient_count, DropRecipients kind) {
  return drop_overhead(recipient_count, kind) + age::stream_sealed_size(kDropLengthBytes);
}

// The age plaintext size of a drop: the one that seals to exactly drop_size.
Result<std::size_t> drop_plaintext_size(std::size_t drop_size, std::size_t recipient_count, DropRecipients kind) {
  if (recipient_count == 0) return make_error(Errc::invalid_argument, "a drop needs at least one recipient");
  if (recipient_count > kMaxDropRecipients)
    return make_error(Errc::invalid_argument, "a drop has at most " + n(kMaxDropRecipients) + " recipients, not " +
                                                  n(recipient_count));
  if (drop_size > kMaxDropSize)
    return make_error(Errc::invalid_argument, "the drop size " + n(drop_size) + " is over the limit of " + n(kMaxDropSize));
  const std::size_t minimum = minimum_drop_size(recipient_count, kind);
  if (drop_size < minimum) {
    if (kind == DropRecipients::hybrid)
      return make_error(Errc::invalid_argument, "a drop of " + n(drop_size) + " bytes holds at most " +
                                                    n(max_drop_recipients(drop_size, kind)) +
                                                    " post-quantum recipients, not " + n(recipient_count) +
                                                    " (each costs " + n(age::kHybridStanzaBytes) + " bytes)");
    return make_error(Errc::invalid_argument, "a drop to " + n(recipient_count) + " recipients needs at least " +
                                                  n(minimum) + " bytes; the drop size is " + n(drop_size));
  }
  auto size = age::stream_opened_size(drop_size - drop_overhead(recipient_count, kind));
  if (!size.ok())
    return make_error(Errc::invalid_argument, "no age file to " + n(recipient_count) + " recipients is exactly " +
                                                  n(drop_size) + " bytes (it falls inside a chunk's tag); choose another drop size");
  return *size;
}

// The zero-padded plaintext of a body: its length, the body, zeros.
Result<Secret> drop_plaintext(ByteView body, std::size_t drop_size, std::size_t recipient_count, DropRecipients kind) {
  CAIRN_TRY(const std::size_t plaintext_size, drop_plaintext_size(drop_size, recipient_count, kind));
  const std::size_t capacity = plaintext_size - kDropLengthBytes;
  if (body.size() > capacity)
    return make_error(Errc::too_large, "the body is " + n(body.size()) + " bytes; a drop of " + n(drop_size) +
                                           " bytes to " + n(recipient_count) + " recipients holds at most " +
                                           n(capacity));
  Secret plaintext(plaintext_size);  // zero-filled: the padding
  put_u32be(plaintext.data(), static_cast<std::uint32_t>(body.size()));
  if (!body.empty()) std::memcpy(plaintext.data() + kDropLengthBytes, body.data(), body.size());
  return plaintext;
}

Result<Bytes> exactly(Result<Bytes> drop, std::size_t drop_size) {
  if (drop.ok() && drop->size() != drop_size)
    return make_error(Errc::internal, "a sealed drop is " + n(drop->size()) + " bytes, not " + n(drop_size));
  return drop;
}

}  // namespace

Result<std::size_t> drop_body_capacity(std::size_t drop_size, std::size_t recipient_count, DropRecipients kind) {
  CAIRN_TRY(const std::size_t plaintext_size, drop_plaintext_size(drop_size, recipient_count, kind));
  return plaintext_size - kDropLengthBytes;
}

std::size_t max_drop_recipients(std::size_t drop_size, DropRecipients kind) {
  std::size_t most = 0;
  for (std::size_t count = 1; count <= kMaxDropRecipients && minimum_drop_size(count, kind) <= drop_size; ++count)
    most = count;
  return most;
}

Result<Bytes> seal_drop(ByteView body, std::span<const X25519Public> recipients, std::size_t drop_size) {
  CAIRN_TRY(const Secret plaintext, drop_plaintext(body, drop_size, recipients.size(), DropRecipients::x25519));
  return exactly(age::encrypt(plaintext.view(), recipients), drop_size);
}

Result<Bytes> seal_drop(ByteView body, std::span<const age::HybridRecipient> recipients, std::size_t drop_size) {
  CAIRN_TRY(const Secret plaintext, drop_plaintext(body, drop_size, recipients.size(), DropRecipients::hybrid));
  return exactly(age::encrypt(plaintext.view(), {}, recipients), drop_size);
}

Result<Bytes> seal_drop(ByteView body, const DropRecipientKeys& recipients, std::size_t drop_size) {
  if (!recipients.x25519.empty() && !recipients.hybrid.empty())
    return make_error(Errc::invalid_argument, "a drop is never sealed to both X25519 and post-quantum recipients");
  if (recipients.kind() == DropRecipients::hybrid)
    return seal_drop(body, std::span<const age::HybridRecipient>(recipients.hybrid), drop_size);
  return seal_drop(body, std::span<const X25519Public>(recipients.x25519), drop_size);
}

Result<Secret> open_drop(ByteView drop, std::span<const age::Identity> identities, std::size_t drop_size,
                         std::span<const age::HybridIdentity> hybrid_identities) {
  if (drop_size > kMaxDropSize)
    return make_error(Errc::invalid_argument, "the drop size " + n(drop_size) + " is over the limit of " + n(kMaxDropSize));
  if (drop.size() != drop_size)
    return make_error(Errc::malformed, "a drop is exactly " + n(drop_size) + " bytes; this one is " + n(drop.size()));
  CAIRN_TRY(const Secret plaintext, age::decrypt(drop, identities, hybrid_identities));
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
