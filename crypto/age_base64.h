// The base64 flavour of the age header (C2SP age, "Conventions"): the RFC 4648
// standard alphabet, no '=' padding, and only canonical encodings accepted, so
// every byte string has exactly one encoding and a header cannot be re-encoded
// without breaking its MAC.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::crypto::age {

// Characters needed for n bytes, without padding: ceil(8n / 6).
constexpr std::size_t base64_encoded_length(std::size_t n) { return (n * 4 + 2) / 3; }

[[nodiscard]] std::string base64_encode(ByteView data);

// Errc::malformed if text has a character outside the alphabet (including '='),
// a length that no byte string encodes to, or non-zero unused trailing bits.
[[nodiscard]] Result<Bytes> base64_decode(std::string_view text);

// True for the 64 characters of the alphabet.
[[nodiscard]] bool is_base64_char(char c);

}  // namespace cairn::crypto::age
