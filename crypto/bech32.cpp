#include "crypto/bech32.h"

#include <array>
#include <cstdint>
#include <cstdlib>

#include "crypto/declassify.h"
#include "crypto/secret.h"

namespace cairn::crypto {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t kChecksumLength = 6;

// The data may be a secret key (age identities), so everything that touches
// it is constant time: no branch and no table index depends on it (the
// checksum's generator is applied by mask; characters are mapped by scanning
// the whole alphabet). Whether a string is valid is public: it is an error.

// All ones if a == b, else zero.
std::uint32_t mask_equal(std::uint32_t a, std::uint32_t b) {
  const std::uint32_t x = a ^ b;
  return ((x | (0u - x)) >> 31) - 1u;
}
// All ones if lo <= c <= hi (c, lo, hi below 2^31), else zero.
std::uint32_t mask_in_range(std::uint32_t c, std::uint32_t lo, std::uint32_t hi) {
  return (0u - ((c - lo) >> 31 ^ 1u)) & (0u - ((hi - c) >> 31 ^ 1u));
}
// The character of a 5-bit value.
char charset_char(std::uint32_t v) {
  std::uint32_t out = 0;
  for (std::uint32_t j = 0; j < 32; ++j) out |= static_cast<std::uint8_t>(kCharset[j]) & mask_equal(j, v);
  return static_cast<char>(out);
}
// The 5-bit value of a lower-case character, and all ones in found if it is one.
std::uint8_t charset_value(std::uint32_t c, std::uint32_t& found) {
  std::uint32_t value = 0;
  found = 0;
  for (std::uint32_t j = 0; j < 32; ++j) {
    const std::uint32_t m = mask_equal(static_cast<std::uint8_t>(kCharset[j]), c);
    value |= j & m;
    found |= m;
  }
  return static_cast<std::uint8_t>(value);
}
// Whether a string is valid is public (it is an error or not): a verdict made
// from secret characters is declassified for the constant-time check
// (crypto/declassify.h) before anything branches on it.
bool verdict(std::uint32_t mask) {
  declassify(ByteView(reinterpret_cast<const std::uint8_t*>(&mask), sizeof mask));
  return mask != 0;
}
// Lower case of an ASCII character, without a branch on it.
std::uint32_t to_lower(std::uint32_t c) { return c | (mask_in_range(c, 'A', 'Z') & 0x20u); }

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  constexpr std::array<std::uint32_t, 5> gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                                0x2a1462b3};
  std::uint32_t chk = 1;
  for (auto v : values) {
    std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) chk ^= gen[static_cast<std::size_t>(i)] & (0u - ((top >> i) & 1));
  }
  return chk;
}

// extra: room reserved for what the caller appends, so the buffer never moves
// (a moved buffer would leave an unwiped copy of key material behind).
std::vector<std::uint8_t> hrp_expand(std::string_view hrp, std::size_t extra) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1 + extra);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
  return out;
}

// Wipes a vector's whole allocation when the scope exits, whatever its size is
// by then (growing within the capacity never moves the buffer).
class WipeVector {
 public:
  explicit WipeVector(std::vector<std::uint8_t>& v) : v_(v) {}
  WipeVector(const WipeVector&) = delete;
  WipeVector& operator=(const WipeVector&) = delete;
  ~WipeVector() {
    v_.resize(v_.capacity());
    wipe(v_);
  }

 private:
  std::vector<std::uint8_t>& v_;
};

// Regroups bits; with pad=false, rejects leftover bits that are non-zero or a whole group.
bool convert_bits(ByteView in, int from, int to, bool pad, std::vector<std::uint8_t>& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t maxv = (1u << to) - 1;
  std::uint32_t too_wide = 0;
  for (auto v : in) {
    too_wide |= static_cast<std::uint32_t>(v) >> from;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (verdict(too_wide)) return false;
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || verdict((acc << (to - bits)) & maxv)) {
    return false;
  }
  return true;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, ByteView data) {
  for (char c : hrp)
    if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z')) std::abort();  // hrp is a constant
  if (hrp.empty()) std::abort();
  // The data may be a secret key (age identities): every intermediate buffer is
  // sized up front and wiped, so no copy of it outlives this function.
  std::vector<std::uint8_t> values;
  values.reserve((data.size() * 8 + 4) / 5);
  WipeVector wipe_values(values);
  convert_bits(data, 8, 5, true, values);
  auto chk_input = hrp_expand(hrp, values.size() + kChecksumLength);
  chk_input.insert(chk_input.end(), values.begin(), values.end());
  chk_input.insert(chk_input.end(), kChecksumLength, 0);
  WipeVector wipe_chk(chk_input);
  std::uint32_t mod = polymod(chk_input) ^ 1;
  std::string out;
  out.reserve(hrp.size() + 1 + values.size() + kChecksumLength);
  out.append(hrp);
  out.push_back('1');
  for (auto v : values) out.push_back(charset_char(v));
  for (std::size_t i = 0; i < kChecksumLength; ++i) out.push_back(charset_char((mod >> (5 * (5 - i))) & 31));
  return out;
}

Secret bech32_encode_upper_secret(std::string_view hrp, ByteView data) {
  std::string text = bech32_encode(hrp, data);
  Secret out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<std::uint32_t>(static_cast<unsigned char>(text[i]));
    out.data()[i] = static_cast<std::uint8_t>(c & ~(mask_in_range(c, 'a', 'z') & 0x20u));
  }
  wipe(text.data(), text.size());
  return out;
}

bool bech32_has_hrp(std::string_view text, std::string_view hrp) {
  if (text.size() <= hrp.size() || text[hrp.size()] != '1') return false;
  for (std::size_t i = 0; i < hrp.size(); ++i) {
    const char c = text[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != hrp[i]) return false;
  }
  return true;
}

Result<Bech32Decoded> bech32_decode(std::string_view text, std::size_t max_length) {
  if (text.size() > max_length)
    return make_error(Errc::too_large, "the string is longer than any valid Cairn or age key");
  std::uint32_t printable = ~0u, lower = 0, upper = 0;
  for (char ch : text) {
    const auto c = static_cast<std::uint32_t>(static_cast<unsigned char>(ch));
    printable &= mask_in_range(c, 33, 126);
    lower |= mask_in_range(c, 'a', 'z');
    upper |= mask_in_range(c, 'A', 'Z');
  }
  if (!verdict(printable)) return make_error(Errc::malformed, "the string contains a space or a character that does not belong");
  if (verdict(lower & upper)) return make_error(Errc::malformed, "the string mixes upper and lower case");
  const bool has_upper = verdict(upper);
  // The last '1' (the data's alphabet has none), found without a branch on
  // the data's characters.
  std::uint32_t last_one = ~0u;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::uint32_t m = mask_equal(static_cast<unsigned char>(text[i]), '1');
    last_one = (static_cast<std::uint32_t>(i) & m) | (last_one & ~m);
  }
  declassify(ByteView(reinterpret_cast<const std::uint8_t*>(&last_one), sizeof last_one));
  const std::size_t sep = last_one == ~0u ? std::string_view::npos : last_one;
  if (sep == std::string_view::npos || sep == 0 || sep + 1 + kChecksumLength > text.size())
    return make_error(Errc::malformed, "the string has no valid separator or is too short");

  Bech32Decoded out;
  out.upper_case = has_upper;
  out.hrp.reserve(sep);
  for (std::size_t i = 0; i < sep; ++i) {
    char c = text[i];
    out.hrp.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  // As in encode: the data may be a secret key, so intermediates are sized up
  // front and wiped on every path.
  std::vector<std::uint8_t> values;
  values.reserve(text.size() - sep - 1);
  WipeVector wipe_values(values);
  std::uint32_t all_found = ~0u;
  for (std::size_t i = sep + 1; i < text.size(); ++i) {
    std::uint32_t found = 0;
    values.push_back(charset_value(to_lower(static_cast<unsigned char>(text[i])), found));
    all_found &= found;
  }
  // Not which character: the string may be a secret key.
  if (!verdict(all_found)) return make_error(Errc::malformed, "the string has a character that cannot appear in it");
  auto chk_input = hrp_expand(out.hrp, values.size());
  chk_input.insert(chk_input.end(), values.begin(), values.end());
  WipeVector wipe_chk(chk_input);
  if (verdict(polymod(chk_input) ^ 1))
    return make_error(Errc::checksum_mismatch, "the checksum does not match: a character is wrong or missing");
  values.resize(values.size() - kChecksumLength);
  out.data.reserve(values.size() * 5 / 8);
  if (!convert_bits(values, 5, 8, false, out.data))
    return make_error(Errc::malformed, "the string has invalid padding");
  return out;
}

}  // namespace cairn::crypto
