// The age v1 header (C2SP age, "Header"): a version line, one or more recipient
// stanzas, and a MAC line. This file knows the text format and the header MAC,
// not what any stanza means (see age_x25519.h, age_unsupported.h).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/age_base64.h"
#include "crypto/secret.h"

namespace cairn::crypto::age {

// --- Specification constants (C2SP age) ---
inline constexpr std::size_t kFileKeyBytes = 16;
inline constexpr std::string_view kVersionLine = "age-encryption.org/v1";
inline constexpr std::string_view kVersionPrefix = "age-encryption.org/";
inline constexpr std::string_view kStanzaPrefix = "-> ";
inline constexpr std::string_view kMacPrefix = "---";  // the MAC covers the header up to here
inline constexpr std::size_t kMacBytes = 32;           // HMAC-SHA-256
inline constexpr std::size_t kBodyColumns = 64;        // body lines are wrapped at 64 columns
inline constexpr std::string_view kHeaderMacInfo = "header";

// --- Implementation constants (Cairn's caps, checked before any work) ---
// A header (version line through MAC line) longer than this is refused as too
// large before any stanza is decoded: Cairn's own headers are a few KiB at most.
inline constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// More stanzas than this are refused as too large: each X25519 stanza costs a
// scalar multiplication per identity before the header can be authenticated.
inline constexpr std::size_t kMaxStanzas = 64;
// Arguments per stanza (the type counts as one); native types use at most 3.
inline constexpr std::size_t kMaxStanzaArguments = 16;

struct Stanza {
  std::vector<std::string> args;  // args[0] is the stanza type; never empty
  Bytes body;                     // decoded body (a wrapped file key: not secret)

  [[nodiscard]] std::string_view type() const { return args.empty() ? std::string_view() : args.front(); }
};

struct Header {
  std::vector<Stanza> stanzas;
  ByteArray<kMacBytes> mac{};
  Bytes mac_input;       // the header bytes the MAC covers: through "---"
  std::size_t size = 0;  // bytes from the start of the file through the MAC line's LF
};

// Parses the header at the start of file; what follows it (the payload) is not
// read. Errors: Errc::too_large (over kMaxHeaderBytes or kMaxStanzas),
// Errc::unsupported (an ASCII-armored file), Errc::malformed (anything else:
// the message names the rule that was broken).
[[nodiscard]] Result<Header> parse_header(ByteView file);

// Sizes of encodings, for callers that must know a file's size in advance (drops).
// A stanza whose arguments together have arg_chars characters (without the
// separating spaces) and whose body is body_bytes long.
constexpr std::size_t stanza_encoded_size(std::size_t arg_count, std::size_t arg_chars,
                                          std::size_t body_bytes) {
  const std::size_t body_chars = base64_encoded_length(body_bytes);
  // "-> " args joined by spaces, LF; body lines: every full line and the final
  // (possibly empty) short line each end in LF.
  return kStanzaPrefix.size() + arg_chars + (arg_count - 1) + 1 + body_chars +
         body_chars / kBodyColumns + 1;
}
inline constexpr std::size_t kVersionLineBytes = kVersionLine.size() + 1;
inline constexpr std::size_t kMacLineBytes = kMacPrefix.size() + 1 + base64_encoded_length(kMacBytes) + 1;
constexpr std::size_t header_encoded_size(std::size_t stanzas_size) {
  return kVersionLineBytes + stanzas_size + kMacLineBytes;
}

// The full encoded header for these stanzas, MAC'd under file_key.
[[nodiscard]] Bytes encode_header(std::span<const Stanza> stanzas, const Secret& file_key);

// Errc::decrypt_failed if the header's MAC is not the one file_key gives.
[[nodiscard]] Status verify_header_mac(const Header& header, const Secret& file_key);

}  // namespace cairn::crypto::age
