#include "client/hangul.h"

#include <vector>

#include "common/utf8.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"

namespace cairn::client::hangul {
namespace {

// Decodes UTF-8 into code points; false on any malformed sequence.
bool decode_all(std::string_view text, std::vector<char32_t>& out) {
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_detail::decode(text, i, cp);
    if (n == 0) return false;
    out.push_back(static_cast<char32_t>(cp));
    i += n;
  }
  return true;
}

void append_utf8(std::string& out, char32_t c) {
  auto u = static_cast<std::uint32_t>(c);
  if (u < 0x80) {
    out.push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (u >> 6)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
  } else if (u < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (u >> 12)));
    out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (u >> 18)));
    out.push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
  }
}

bool is_syllable(char32_t c) { return c >= kSBase && c < kSBase + kSCount; }
bool is_leading(char32_t c) { return c >= kLBase && c < kLBase + kLCount; }
bool is_vowel(char32_t c) { return c >= kVBase && c < kVBase + kVCount; }
// kTBase itself is "no trailing consonant" and is not a character to compose.
bool is_trailing(char32_t c) { return c > kTBase && c < kTBase + kTCount; }

Error not_utf8() { return make_error(Errc::malformed, i18n::tr("the text is not valid UTF-8")); }

// The text may be a codename: its decoded copy is wiped, whatever happens.
struct CodePoints {
  std::vector<char32_t> v;
  CodePoints() = default;
  CodePoints(const CodePoints&) = delete;
  CodePoints& operator=(const CodePoints&) = delete;
  ~CodePoints() { crypto::wipe(v.data(), v.capacity() * sizeof(char32_t)); }
};

}  // namespace

bool is_hangul(char32_t c) { return is_syllable(c) || (c >= 0x1100 && c <= 0x11ff); }

Result<std::string> decompose(std::string_view text) {
  CodePoints decoded;
  auto& cps = decoded.v;
  if (!decode_all(text, cps)) return not_utf8();
  std::string out;
  out.reserve(text.size() * 3);  // a 3-byte syllable becomes at most three 3-byte jamo
  for (char32_t c : cps) {
    if (!is_syllable(c)) {
      append_utf8(out, c);
      continue;
    }
    const std::uint32_t s = c - kSBase;
    append_utf8(out, kLBase + s / kNCount);
    append_utf8(out, kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) append_utf8(out, kTBase + s % kTCount);
  }
  return out;
}

Result<std::string> compose(std::string_view text) {
  CodePoints decoded;
  auto& cps = decoded.v;
  if (!decode_all(text, cps)) return not_utf8();
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < cps.size();) {
    char32_t c = cps[i];
    // L V -> LV
    if (is_leading(c) && i + 1 < cps.size() && is_vowel(cps[i + 1])) {
      c = kSBase + ((c - kLBase) * kVCount + (cps[i + 1] - kVBase)) * kTCount;
      i += 2;
    } else {
      i += 1;
    }
    // LV T -> LVT (also for an LV syllable that was typed precomposed)
    if (is_syllable(c) && (c - kSBase) % kTCount == 0 && i < cps.size() && is_trailing(cps[i])) {
      c += cps[i] - kTBase;
      i += 1;
    }
    append_utf8(out, c);
  }
  return out;
}

}  // namespace cairn::client::hangul
