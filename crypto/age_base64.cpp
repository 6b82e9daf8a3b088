#include "crypto/age_base64.h"

#include <array>
#include <cstdint>

namespace cairn::crypto::age {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Six-bit value of a character, or -1.
constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kTable = make_table();

}  // namespace

bool is_base64_char(char c) { return kTable[static_cast<unsigned char>(c)] >= 0; }

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve(base64_encoded_length(data.size()));
  std::uint32_t acc = 0;
  int bits = 0;
  for (auto b : data) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

Result<Bytes> base64_decode(std::string_view text) {
  // 4k+1 characters carry 6 bits too few for another byte: no input encodes to that.
  if (text.size() % 4 == 1)
    return make_error(Errc::malformed, "base64 text has a length no byte string encodes to");
  Bytes out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) {
      if (c == '=') return make_error(Errc::malformed, "base64 padding ('=') is not allowed in an age header");
      return make_error(Errc::malformed, "base64 text contains a character outside the alphabet");
    }
    acc = ((acc << 6) | static_cast<std::uint32_t>(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  // Canonical encodings leave the unused low bits of the last character zero.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return make_error(Errc::malformed, "base64 text is not canonical (unused bits are not zero)");
  return out;
}

}  // namespace cairn::crypto::age
