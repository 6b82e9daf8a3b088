#include "crypto/age.h"

#include <algorithm>
#include <cstring>

#include "crypto/age_unsupported.h"
#include "crypto/random.h"

namespace cairn::crypto::age {
namespace {

// Checks the recognised stanza types' shapes; unknown types are skipped (the
// spec requires it), though the MAC still covers them.
Status check_stanzas(const Header& header) {
  const bool has_scrypt = std::any_of(header.stanzas.begin(), header.stanzas.end(),
                                      [](const Stanza& s) { return s.type() == kScryptStanzaType; });
  // Cheap rule first: it needs no decoding at all.
  if (has_scrypt && header.stanzas.size() != 1)
    return make_error(Errc::malformed, "an scrypt stanza must be the only stanza in its header");
  for (const auto& stanza : header.stanzas) {
    if (stanza.type() == kX25519StanzaType) {
      CAIRN_CHECK(x25519_check_stanza(stanza));
    } else if (stanza.type() == kScryptStanzaType) {
      CAIRN_CHECK(check_scrypt_stanza(stanza));
    } else if (stanza.type() == kHybridStanzaType) {
      CAIRN_CHECK(hybrid_check_stanza(stanza));
    }
  }
  return ok_status();
}

bool has_type(const Header& header, std::string_view type) {
  return std::any_of(header.stanzas.begin(), header.stanzas.end(),
                     [&](const Stanza& s) { return s.type() == type; });
}

}  // namespace

Result<File> parse_file(ByteView bytes) {
  if (bytes.size() > kMaxInMemoryBytes)
    return make_error(Errc::too_large, "the age file is larger than " + std::to_string(kMaxInMemoryBytes) + " bytes");
  File file;
  CAIRN_TRY(file.header, parse_header(bytes));
  CAIRN_CHECK(check_stanzas(file.header));
  const auto rest = bytes.subspan(file.header.size);
  if (rest.size() < kPayloadNonceBytes)
    return make_error(Errc::malformed, "the file ends before the 16-byte payload nonce");
  std::copy_n(rest.begin(), kPayloadNonceBytes, file.nonce.begin());
  file.payload = rest.subspan(kPayloadNonceBytes);
  return file;
}

Result<Secret> unwrap_file_key(const Header& header, std::span<const Identity> identities,
                               std::span<const HybridIdentity> hybrid_identities) {
  const std::size_t held = identities.size() + hybrid_identities.size();
  if (held > kMaxIdentities)
    return make_error(Errc::invalid_argument, "more than " + std::to_string(kMaxIdentities) + " identities to try");
  if (has_type(header, kScryptStanzaType))
    return make_error(Errc::unsupported,
                      "this age file is encrypted with a passphrase (scrypt), which Cairn does not implement");
  for (const auto& stanza : header.stanzas) {
    if (stanza.type() == kX25519StanzaType) {
      for (const auto& identity : identities) {
        CAIRN_TRY(auto file_key, x25519_unwrap(stanza, identity));
        if (file_key) return std::move(*file_key);
      }
    } else if (stanza.type() == kHybridStanzaType) {
      for (const auto& identity : hybrid_identities) {
        CAIRN_TRY(auto file_key, hybrid_unwrap(stanza, identity));
        if (file_key) return std::move(*file_key);
      }
    }
  }
  if (held == 0) return make_error(Errc::no_identity_match, "no identity was given to open this age file");
  return make_error(Errc::no_identity_match,
                    "no identity held (" + std::to_string(held) + " tried) opens this age file");
}

Result<Secret> open_payload(const File& file, const Secret& file_key) {
  CAIRN_TRY(const std::size_t size, stream_opened_size(file.payload.size()));
  const Secret key = payload_key(file_key, file.nonce);
  Secret plaintext(size);
  CAIRN_CHECK(stream_open(key, file.payload, plaintext.bytes()));
  return plaintext;
}

std::size_t x25519_file_size(std::size_t plaintext_size, std::size_t recipients) {
  return header_encoded_size(recipients * kX25519StanzaBytes) + kPayloadNonceBytes +
         stream_sealed_size(plaintext_size);
}

std::size_t hybrid_file_size(std::size_t plaintext_size, std::size_t recipients) {
  return header_encoded_size(recipients * kHybridStanzaBytes) + kPayloadNonceBytes +
         stream_sealed_size(plaintext_size);
}

Result<Bytes> encrypt(ByteView plaintext, std::span<const X25519Public> recipients,
                      std::span<const HybridRecipient> hybrid_recipients) {
  if (!recipients.empty() && !hybrid_recipients.empty())
    return make_error(Errc::invalid_argument,
                      "an age file is never encrypted to both X25519 and post-quantum hybrid recipients: a quantum "
                      "computer would open it through an X25519 stanza");
  const std::size_t count = recipients.size() + hybrid_recipients.size();
  if (count == 0) return make_error(Errc::invalid_argument, "an age file needs at least one recipient");
  const std::size_t cap = hybrid_recipients.empty() ? kMaxStanzas : kMaxHybridRecipients;
  if (count > cap)
    return make_error(Errc::invalid_argument, "more than " + std::to_string(cap) +
                                                  " recipients (Cairn would refuse to read the file)");
  if (plaintext.size() > kMaxInMemoryBytes)
    return make_error(Errc::too_large, "the plaintext is larger than " + std::to_string(kMaxInMemoryBytes) + " bytes");

  const Secret file_key = random_secret(kFileKeyBytes);
  std::vector<Stanza> stanzas;
  stanzas.reserve(count);
  for (const auto& recipient : recipients) {
    CAIRN_TRY(auto stanza, x25519_wrap(file_key, recipient));
    stanzas.push_back(std::move(stanza));
  }
  for (const auto& recipient : hybrid_recipients) {
    auto stanza = hybrid_wrap(file_key, recipient);
    if (!stanza.ok())
      return make_error(Errc::invalid_argument, "a hybrid recipient is not a usable key: " + stanza.error().message);
    stanzas.push_back(std::move(stanza).value());
  }
  const Bytes header = encode_header(stanzas, file_key);
  PayloadNonce nonce{};
  random_bytes(nonce);

  const std::size_t expected = hybrid_recipients.empty() ? x25519_file_size(plaintext.size(), count)
                                                         : hybrid_file_size(plaintext.size(), count);
  Bytes out(header.size() + kPayloadNonceBytes + stream_sealed_size(plaintext.size()));
  if (out.size() != expected)
    return make_error(Errc::internal, "the age file's size differs from the computed size");
  std::copy(header.begin(), header.end(), out.begin());
  std::copy(nonce.begin(), nonce.end(), out.begin() + static_cast<std::ptrdiff_t>(header.size()));
  stream_seal(payload_key(file_key, nonce), plaintext,
              MutableByteView(out).subspan(header.size() + kPayloadNonceBytes));
  return out;
}

std::string_view to_string(Failure failure) {
  switch (failure) {
    case Failure::none: return "success";
    case Failure::header: return "header failure";
    case Failure::hmac: return "HMAC failure";
    case Failure::payload: return "payload failure";
    case Failure::no_match: return "no match";
    case Failure::armor: return "armor (unsupported)";
    case Failure::unsupported: return "unsupported";
    case Failure::usage: return "usage";
  }
  return "unknown";
}

Decryption decrypt_detailed(ByteView bytes, std::span<const Identity> identities,
                            std::span<const HybridIdentity> hybrid_identities) {
  auto file = parse_file(bytes);
  if (!file.ok())
    return {file.error(), file.code() == Errc::unsupported ? Failure::armor : Failure::header};
  auto file_key = unwrap_file_key(file->header, identities, hybrid_identities);
  if (!file_key.ok()) {
    switch (file_key.code()) {
      case Errc::no_identity_match: return {file_key.error(), Failure::no_match};
      case Errc::unsupported: return {file_key.error(), Failure::unsupported};
      case Errc::invalid_argument: return {file_key.error(), Failure::usage};
      default: return {file_key.error(), Failure::header};
    }
  }
  if (auto mac = verify_header_mac(file->header, *file_key); !mac.ok()) return {mac.error(), Failure::hmac};
  auto plaintext = open_payload(*file, *file_key);
  if (!plaintext.ok()) return {plaintext.error(), Failure::payload};
  return {std::move(plaintext).value(), Failure::none};
}

Result<Secret> decrypt(ByteView file, std::span<const Identity> identities,
                       std::span<const HybridIdentity> hybrid_identities) {
  return std::move(decrypt_detailed(file, identities, hybrid_identities).plaintext);
}

}  // namespace cairn::crypto::age
