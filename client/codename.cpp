#include "client/codename.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "client/hangul.h"
#include "common/utf8.h"
#include "crypto/hash.h"
#include "crypto/random.h"

#include "i18n/catalog.h"

namespace cairn::client {
namespace {

constexpr std::size_t kReplySecretBytes = crypto::kX25519Bytes;

// Strings that held codename words: wiped when the parse ends, on every path.
class WipedStrings {
 public:
  WipedStrings() = default;
  WipedStrings(const WipedStrings&) = delete;
  WipedStrings& operator=(const WipedStrings&) = delete;
  ~WipedStrings() {
    for (auto& s : items_) crypto::wipe(s.data(), s.size());
  }
  std::string& add(std::string s) { return items_.emplace_back(std::move(s)); }
  void reserve(std::size_t n) { items_.reserve(n); }

 private:
  std::vector<std::string> items_;
};

// Decoded copies of typed words are wiped when they go out of scope.
struct CodePoints : std::vector<char32_t> {
  CodePoints() = default;
  CodePoints(const CodePoints&) = delete;
  CodePoints& operator=(const CodePoints&) = delete;
  CodePoints(CodePoints&&) = default;
  ~CodePoints() { crypto::wipe(data(), capacity() * sizeof(char32_t)); }
};

CodePoints code_points(std::string_view s) {
  CodePoints out;
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_detail::decode(s, i, cp);
    if (n == 0) break;  // callers pass valid UTF-8
    out.push_back(static_cast<char32_t>(cp));
    i += n;
  }
  return out;
}

bool is_space(char32_t c) {
  return c == U' ' || (c >= U'\t' && c <= U'\r') || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200b) ||
         c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

// Splits on whitespace; returns byte ranges into text (valid UTF-8).
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = std::string_view::npos;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_detail::decode(text, i, cp);
    if (is_space(static_cast<char32_t>(cp))) {
      if (start != std::string_view::npos) words.push_back(text.substr(start, i - start));
      start = std::string_view::npos;
    } else if (start == std::string_view::npos) {
      start = i;
    }
    i += n;
  }
  if (start != std::string_view::npos) words.push_back(text.substr(start));
  return words;
}


// Looks up one typed word. The error names the word's position only: the
// codename is typed with echo off, so neither the typed word nor the list
// word it resembles may appear on the screen (or in a terminal's scrollback).
Result<std::uint16_t> lookup(std::string_view typed, std::size_t position, WipedStrings& scratch) {
  auto decomposed = hangul::decompose(typed);
  if (!decomposed.ok()) return make_error(Errc::malformed, i18n::tr("the codename is not valid text (UTF-8)"));
  std::string& word = scratch.add(std::move(decomposed).value());
  bool hangul = false, ascii_letters = true;
  for (char32_t c : code_points(word)) {
    hangul = hangul || hangul::is_hangul(c);
    ascii_letters = ascii_letters && c < 0x80 && std::isalpha(static_cast<int>(c));
  }
  if (!hangul && !ascii_letters)
    return make_error(Errc::malformed,
                      i18n::trf("word %s of the codename is not an English or Korean codename word", position + 1));
  Language language = hangul ? Language::korean : Language::english;
  if (!hangul)
    for (auto& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto index = find_word(language, word)) return *index;
  return make_error(Errc::malformed, i18n::trf("word %s of the codename is not in the codename word list; compare it "
                                               "with the written codename, letter by letter",
                                               position + 1));
}

}  // namespace

std::uint16_t codename_check_word(std::span<const std::uint16_t, kCodenameRandomWords> indices) {
  ByteArray<kCodenameRandomWords * kCodenameIndexBytes> encoded{};
  crypto::WipeOnExit wipe_encoded(encoded);
  for (std::size_t i = 0; i < indices.size(); ++i) put_u16be(encoded.data() + 2 * i, indices[i]);
  const std::uint8_t context_length = static_cast<std::uint8_t>(kCodenameCheckContext.size());
  ByteArray<32> digest{};
  crypto::WipeOnExit wipe_digest(digest);
  crypto::Blake2b hash(digest.size());
  hash.update(ByteView(&context_length, 1));
  hash.update(as_bytes(kCodenameCheckContext));
  hash.update(encoded);
  hash.final(digest);
  return static_cast<std::uint16_t>(get_u16be(digest.data()) % kWordListSize);
}

Result<Codename> Codename::from_indices(std::span<const std::uint16_t> indices) {
  if (indices.size() != kCodenameWords)
    return make_error(Errc::invalid_argument, i18n::trf("a codename has %s words, not %s", kCodenameWords, indices.size()));
  for (auto i : indices)
    if (i >= kWordListSize) return make_error(Errc::invalid_argument, i18n::tr("a codename word index is over 2047"));
  if (codename_check_word(indices.first<kCodenameRandomWords>()) != indices[kCodenameRandomWords])
    return make_error(Errc::invalid_argument, i18n::tr("the codename's check word does not match its other words"));
  crypto::Secret password(kCodenamePasswordBytes);
  for (std::size_t i = 0; i < kCodenameWords; ++i)
    put_u16be(password.data() + kCodenameIndexBytes * i, indices[i]);
  return Codename(std::move(password));
}

std::uint16_t Codename::index(std::size_t position) const {
  if (position >= kCodenameWords) std::abort();  // programmer error
  return get_u16be(password_.data() + kCodenameIndexBytes * position);
}

Codename generate_codename() {
  std::array<std::uint16_t, kCodenameWords> indices{};
  for (std::size_t i = 0; i < kCodenameRandomWords; ++i)
    indices[i] = static_cast<std::uint16_t>(crypto::random_uniform(kWordListSize));
  indices[kCodenameRandomWords] = codename_check_word(std::span(indices).first<kCodenameRandomWords>());
  auto codename = Codename::from_indices(indices);
  crypto::wipe(indices.data(), sizeof indices);
  if (!codename.ok()) std::abort();  // indices are in range and checked by construction
  return std::move(codename).value();
}

crypto::Secret format_codename(const Codename& codename, Language language, std::size_t words_per_line) {
  std::size_t length = kCodenameWords - 1;  // separators
  for (std::size_t i = 0; i < kCodenameWords; ++i) length += display_word(language, codename.index(i)).size();
  crypto::Secret text(length);
  std::size_t at = 0;
  for (std::size_t i = 0; i < kCodenameWords; ++i) {
    if (i > 0) text.data()[at++] = (words_per_line != 0 && i % words_per_line == 0) ? '\n' : ' ';
    auto word = display_word(language, codename.index(i));
    std::copy(word.begin(), word.end(), text.data() + at);
    at += word.size();
  }
  return text;
}

Result<Codename> parse_codename(std::string_view text) {
  if (text.size() > kMaxCodenameTextBytes)
    return make_error(Errc::too_large,
                      i18n::trf("the codename is longer than any codename (over %s bytes)", kMaxCodenameTextBytes));
  if (!is_valid_utf8(text)) return make_error(Errc::malformed, i18n::tr("the codename is not valid text (UTF-8)"));
  const auto words = split_words(text);
  if (words.size() > kMaxCodenameTokens)
    return make_error(Errc::malformed,
                      i18n::trf("a codename has %s words; this has %s", kCodenameWords, words.size()));
  // Every word is looked up before the count is checked, so a typo is
  // reported as the typo rather than as a wrong count.
  WipedStrings scratch;
  scratch.reserve(words.size());
  std::array<std::uint16_t, kMaxCodenameTokens> indices{};
  crypto::WipeOnExit wipe_indices(MutableByteView(reinterpret_cast<std::uint8_t*>(indices.data()), sizeof indices));
  for (std::size_t i = 0; i < words.size(); ++i) {
    CAIRN_TRY(indices[i], lookup(words[i], i, scratch));
  }
  if (words.size() != kCodenameWords)
    return make_error(Errc::malformed,
                      words.empty() ? i18n::trf("a codename has %s words; none was given", kCodenameWords)
                                    : i18n::trf("a codename has %s words; this has %s", kCodenameWords, words.size()));
  auto codename = Codename::from_indices(std::span(indices).first(kCodenameWords));
  if (!codename.ok())
    return make_error(Errc::checksum_mismatch,
                      i18n::tr("every word is in the list, but they do not fit together: one word is probably a "
                               "different word from the list, or two words are swapped (the last word is a check "
                               "word)"));
  return codename;
}

Result<crypto::ReplyKeys> derive_reply_key(const Codename& codename, crypto::Argon2Cost cost) {
  CAIRN_TRY(auto secret, crypto::argon2id(codename.password().view(), as_bytes(kReplyKeySalt), cost,
                                          kReplySecretBytes));
  crypto::Secret seed(crypto::hybrid_kem::kSeedBytes);
  crypto::blake2b(seed.bytes(), as_bytes(kReplyHybridSeedContext), secret.view());
  CAIRN_TRY(auto hybrid, crypto::hybrid_kem::derive_key_pair(std::move(seed)));
  CAIRN_TRY(auto x25519, crypto::x25519_from_secret(std::move(secret)));
  return crypto::ReplyKeys{std::move(x25519), std::move(hybrid)};
}

Result<Language> parse_language(std::string_view name) {
  if (name == "en") return Language::english;
  if (name == "ko") return Language::korean;
  return make_error(Errc::invalid_argument, i18n::trf("unknown codename language \"%s\"; use en (English) or ko (Korean)", name));
}

}  // namespace cairn::client
