// Codenames: the BIP-39 word lists as compiled in, Hangul normalisation,
// generation, parsing (typos named, suggestions, counts, check word), and the
// reply key derivation against an independently computed known answer.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "client/codename.h"
#include "client/hangul.h"
#include "client/wordlist.h"
#include "support/files.h"

namespace cairn::client {
namespace {

std::string text_of(const crypto::Secret& s) { return std::string(as_chars(s.view())); }

// Word lists read from the project's copies of the published files, to check
// the compiled-in lists against them.
std::vector<std::string> source_list(const std::string& name) {
  auto bytes = test::read_file(std::filesystem::path(CAIRN_SOURCE_DIR) / "client/wordlists" / name);
  std::istringstream in(std::string(as_chars(bytes)));
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) words.push_back(line);
  return words;
}

std::string must_decompose(std::string_view s) {
  auto r = hangul::decompose(s);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : "";
}
std::string must_compose(std::string_view s) {
  auto r = hangul::compose(s);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : "";
}

Codename must_codename(std::span<const std::uint16_t> indices) {
  auto c = Codename::from_indices(indices);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return std::move(c).value();
}

// The known-answer vector (tests/vectors/codename/reply_key.txt).
struct KnownAnswer {
  std::vector<std::uint16_t> indices;
  std::string english, korean;
  Bytes password, secret, public_key, hybrid_seed, hybrid_public;
};

KnownAnswer known_answer() {
  auto bytes = test::read_file(test::vectors_dir() / "codename/reply_key.txt");
  std::istringstream in(std::string(as_chars(bytes)));
  std::map<std::string, std::string> fields;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(": ");
    fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  KnownAnswer k;
  std::istringstream idx(fields.at("indices"));
  for (unsigned v; idx >> v;) k.indices.push_back(static_cast<std::uint16_t>(v));
  k.english = fields.at("english");
  k.korean = fields.at("korean");
  k.password = test::hex(fields.at("password"));
  k.secret = test::hex(fields.at("secret"));
  k.public_key = test::hex(fields.at("public"));
  k.hybrid_seed = test::hex(fields.at("hybrid-seed"));
  k.hybrid_public = test::hex(fields.at("hybrid-public"));
  return k;
}

// ---- Word lists ----

TEST(WordList, CompiledListsMatchThePublishedFilesInOrder) {
  auto english = source_list("bip39-english.txt");
  auto korean = source_list("bip39-korean.txt");
  ASSERT_EQ(english.size(), kWordListSize);
  ASSERT_EQ(korean.size(), kWordListSize);
  for (std::uint16_t i = 0; i < kWordListSize; ++i) {
    EXPECT_EQ(normalised_word(Language::english, i), english[i]) << i;
    EXPECT_EQ(normalised_word(Language::korean, i), korean[i]) << i;
  }
}

TEST(WordList, SpotChecksAgainstBip39) {
  EXPECT_EQ(display_word(Language::english, 0), "abandon");
  EXPECT_EQ(display_word(Language::english, 1), "ability");
  EXPECT_EQ(display_word(Language::english, 2047), "zoo");
  EXPECT_EQ(display_word(Language::korean, 0), "가격");
  EXPECT_EQ(display_word(Language::korean, 2047), "힘껏");
  // The stored Korean list is NFKD: 가격 as conjoining jamo.
  EXPECT_EQ(normalised_word(Language::korean, 0), "\u1100\u1161\u1100\u1167\u11a8");
}

TEST(WordList, EveryWordIsFoundAtItsIndexAndIsUnique) {
  std::set<std::string_view> en, ko;
  for (std::uint16_t i = 0; i < kWordListSize; ++i) {
    EXPECT_EQ(find_word(Language::english, normalised_word(Language::english, i)), i);
    EXPECT_EQ(find_word(Language::korean, normalised_word(Language::korean, i)), i);
    en.insert(normalised_word(Language::english, i));
    ko.insert(normalised_word(Language::korean, i));
  }
  EXPECT_EQ(en.size(), kWordListSize);
  EXPECT_EQ(ko.size(), kWordListSize);
  EXPECT_FALSE(find_word(Language::english, "zoos").has_value());
  EXPECT_FALSE(find_word(Language::korean, "가격").has_value()) << "lookup takes NFKD, not NFC";
}

TEST(WordList, KoreanWordsRoundTripBetweenNfkdAndNfc) {
  for (std::uint16_t i = 0; i < kWordListSize; ++i) {
    const auto nfkd = normalised_word(Language::korean, i);
    const auto nfc = display_word(Language::korean, i);
    EXPECT_NE(nfc, nfkd);
    EXPECT_EQ(must_compose(nfkd), nfc) << i;
    EXPECT_EQ(must_decompose(nfc), nfkd) << i;
    EXPECT_EQ(must_decompose(must_compose(nfkd)), nfkd) << i;
    // Displayed words are whole precomposed syllables (3 UTF-8 bytes each).
    EXPECT_EQ(nfc.size() % 3, 0u);
    EXPECT_EQ(must_compose(nfc), nfc);
  }
}

// ---- Hangul normalisation ----

TEST(Hangul, DecomposesEverySyllableAndComposesItBack) {
  std::string all;
  for (char32_t s = hangul::kSBase; s < hangul::kSBase + hangul::kSCount; ++s) {
    const std::uint32_t u = s;
    all += static_cast<char>(0xe0 | (u >> 12));
    all += static_cast<char>(0x80 | ((u >> 6) & 0x3f));
    all += static_cast<char>(0x80 | (u & 0x3f));
  }
  auto nfd = must_decompose(all);
  EXPECT_GT(nfd.size(), all.size());
  EXPECT_EQ(must_compose(nfd), all);
}

TEST(Hangul, KnownDecompositions) {
  EXPECT_EQ(must_decompose("가"), "\u1100\u1161");         // LV
  EXPECT_EQ(must_decompose("각"), "\u1100\u1161\u11a8");   // LVT
  EXPECT_EQ(must_decompose("힣"), "\u1112\u1175\u11c2");   // the last syllable
  EXPECT_EQ(must_decompose("abc 가 xyz"), "abc \u1100\u1161 xyz");
  EXPECT_EQ(must_compose("\u1100\u1161\u11a8"), "각");
  EXPECT_EQ(must_compose("가\u11a8"), "각");  // LV syllable + T
  EXPECT_EQ(must_compose("각\u11a8"), "각\u11a8");  // an LVT syllable takes no second T
  EXPECT_EQ(must_compose("\u1100"), "\u1100");       // a lone L stays
  EXPECT_EQ(must_compose("Привет"), "Привет");
}

TEST(Hangul, RefusesInvalidUtf8) {
  EXPECT_EQ(hangul::decompose("\xff").code(), Errc::malformed);
  EXPECT_EQ(hangul::compose("\xea\xb0").code(), Errc::malformed);  // cut-short 가
}

// ---- Codename generation and format ----

TEST(Codename, CarriesAtLeast96RandomBits) {
  EXPECT_GE(kCodenameRandomWords * kBitsPerWord, 96u);
  EXPECT_EQ(kCodenameWords, kCodenameRandomWords + 1);
}

TEST(Codename, GeneratedCodenamesParseBackInBothLanguages) {
  for (int n = 0; n < 50; ++n) {
    auto codename = generate_codename();
    for (auto language : {Language::english, Language::korean}) {
      auto text = format_codename(codename, language);
      auto parsed = parse_codename(text_of(text));
      ASSERT_TRUE(parsed.ok()) << parsed.error().message;
      EXPECT_TRUE(parsed->password() == codename.password());
    }
  }
}

TEST(Codename, GeneratedWordsSpreadOverTheList) {
  // 200 codenames draw 2200 random words; a uniform draw hits about 1350
  // distinct indices. A broken generator (constant, or a few bits) does not.
  std::set<std::uint16_t> seen;
  std::set<std::string> passwords;
  for (int n = 0; n < 200; ++n) {
    auto c = generate_codename();
    for (std::size_t i = 0; i < kCodenameRandomWords; ++i) seen.insert(c.index(i));
    passwords.insert(std::string(as_chars(c.password().view())));
  }
  EXPECT_GT(seen.size(), 1100u);
  EXPECT_EQ(passwords.size(), 200u);
}

TEST(Codename, FormatsWordsPerLine) {
  auto k = known_answer();
  auto c = must_codename(k.indices);
  EXPECT_EQ(text_of(format_codename(c, Language::english)), k.english);
  EXPECT_EQ(text_of(format_codename(c, Language::korean)), k.korean);
  EXPECT_EQ(text_of(format_codename(c, Language::english, 4)),
            "abandon zoo laptop ability\nlength divide poet aim\nwheel abstract romance figure");
}

TEST(Codename, FromIndicesChecksCountRangeAndCheckWord) {
  auto k = known_answer();
  EXPECT_TRUE(Codename::from_indices(k.indices).ok());
  auto short_list = k.indices;
  short_list.pop_back();
  EXPECT_EQ(Codename::from_indices(short_list).code(), Errc::invalid_argument);
  auto out_of_range = k.indices;
  out_of_range[3] = 2048;
  EXPECT_EQ(Codename::from_indices(out_of_range).code(), Errc::invalid_argument);
  auto bad_check = k.indices;
  bad_check[11] = static_cast<std::uint16_t>((bad_check[11] + 1) % 2048);
  EXPECT_EQ(Codename::from_indices(bad_check).code(), Errc::invalid_argument);
}

// ---- Parsing what people type ----

TEST(CodenameParse, AcceptsCaseWhitespaceNfcNfkdAndMixedLanguages) {
  auto k = known_answer();
  auto expected = must_codename(k.indices);
  std::vector<std::string> inputs = {
      k.english,
      "  ABANDON Zoo\tlaptop\n\nability length divide\r\npoet aim wheel abstract romance figure\n",
      k.korean,
      must_decompose(k.korean),                             // NFKD, as the list stores it
      "가격\u3000힘껏\u00a0신념 가끔 실컷 무더위 이슬 강북 화분 가방 절약 부인",  // ideographic and no-break spaces
      "abandon 힘껏 laptop 가끔 length 무더위 poet 강북 wheel 가방 romance 부인",  // mixed
  };
  for (const auto& input : inputs) {
    auto parsed = parse_codename(input);
    ASSERT_TRUE(parsed.ok()) << input << ": " << parsed.error().message;
    EXPECT_TRUE(parsed->password() == expected.password()) << input;
  }
}

struct TypoCase {
  std::string input;
  std::vector<std::string> message_has;
  std::vector<std::string> never_shown;  // the typed word, and list words it resembles
};

// The codename is typed with echo off: an error names the word's position
// and never prints the typed word or the list word it resembles.
TEST(CodenameParse, AMistypedWordIsNamedByItsPositionOnly) {
  auto k = known_answer();
  std::vector<TypoCase> cases = {
      {"abandn zoo laptop ability length divide poet aim wheel abstract romance figure",
       {"word 1 of the codename", "not in the codename word list"}, {"abandn", "abandon"}},
      {"abandon zoo lapton ability length divide poet aim wheel abstract romance figure",
       {"word 3 of the codename", "not in the codename word list"}, {"lapton", "laptop"}},
      {"abandon zoo laptop ability length divide poet aim wheel abstract romance figurine",
       {"word 12 of the codename"}, {"figurine", "figure"}},
      {"가겍 힘껏 신념 가끔 실컷 무더위 이슬 강북 화분 가방 절약 부인",
       {"word 1 of the codename"}, {"가겍", "가격"}},
      {must_decompose("가격 힘껏 신념 가끔 실컷 무더위 이슬 강북 화분 가방 절약 부인구"),
       {"word 12 of the codename"}, {"부인구", must_decompose("부인구"), "부인"}},
      {"abandon zoo laptop ability length divide poet aim wheel abstract romance Привет",
       {"word 12 of the codename", "not an English or Korean codename word"}, {"Привет"}},
  };
  for (const auto& c : cases) {
    auto parsed = parse_codename(c.input);
    ASSERT_FALSE(parsed.ok()) << c.input;
    EXPECT_EQ(parsed.code(), Errc::malformed) << c.input;
    const auto& message = parsed.error().message;
    for (const auto& part : c.message_has)
      EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nexpected to contain: " << part;
    for (const auto& word : c.never_shown)
      EXPECT_EQ(message.find(word), std::string::npos) << "message: " << message << "\nshows: " << word;
    EXPECT_EQ(message.find('"'), std::string::npos) << "message quotes something: " << message;
  }
}

TEST(CodenameParse, WrongWordCountIsReportedWithTheCount) {
  auto k = known_answer();
  struct Case {
    std::string input;
    std::string message_has;
  };
  std::vector<Case> cases = {
      {"", "none was given"},
      {"   \n ", "none was given"},
      {"abandon zoo laptop ability length divide poet aim wheel abstract romance", "this has 11"},
      {k.english + " zoo", "this has 13"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_codename(c.input);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.code(), Errc::malformed);
    EXPECT_NE(parsed.error().message.find("12 words"), std::string::npos) << parsed.error().message;
    EXPECT_NE(parsed.error().message.find(c.message_has), std::string::npos) << parsed.error().message;
  }
}

TEST(CodenameParse, AListWordInTheWrongPlaceFailsTheCheckWord) {
  auto k = known_answer();
  // Swap two words.
  auto swapped = k.indices;
  std::swap(swapped[0], swapped[1]);
  // Replace a word with another list word (chosen so the check word differs).
  auto replaced = k.indices;
  for (std::uint16_t w = 0; w < kWordListSize; ++w) {
    replaced[5] = w;
    if (w != k.indices[5] && !Codename::from_indices(replaced).ok()) break;
  }
  for (const auto& indices : {swapped, replaced}) {
    std::string text;
    for (auto i : indices) text += std::string(display_word(Language::english, i)) + " ";
    auto parsed = parse_codename(text);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.code(), Errc::checksum_mismatch);
    EXPECT_NE(parsed.error().message.find("do not fit together"), std::string::npos);
  }
}

TEST(CodenameParse, RefusesOversizedAndInvalidText) {
  EXPECT_EQ(parse_codename(std::string(kMaxCodenameTextBytes + 1, 'a')).code(), Errc::too_large);
  EXPECT_EQ(parse_codename("abandon \xff zoo").code(), Errc::malformed);
  std::string many;
  for (int i = 0; i < 100; ++i) many += "zoo ";
  auto parsed = parse_codename(many);
  EXPECT_EQ(parsed.code(), Errc::malformed);
  // A control character in a typo is not echoed to the terminal.
  auto escape = parse_codename("abandon\x1b[2J zoo laptop ability length divide poet aim wheel abstract romance figure");
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.error().message.find('\x1b'), std::string::npos);
}

TEST(CodenameParse, LanguageNames) {
  EXPECT_EQ(*parse_language("en"), Language::english);
  EXPECT_EQ(*parse_language("ko"), Language::korean);
  EXPECT_EQ(parse_language("fr").code(), Errc::invalid_argument);
}

// ---- Reply key derivation ----

TEST(ReplyKey, KnownAnswerFromIndependentTools) {
  // Computed with the reference argon2 CLI and Python's cryptography; see
  // tests/vectors/codename/README.md.
  auto k = known_answer();
  auto codename = must_codename(k.indices);
  EXPECT_EQ(to_hex(codename.password().view()), to_hex(k.password));
  auto key = derive_reply_key(codename);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(to_hex(key->x25519.secret.view()), to_hex(k.secret));
  EXPECT_EQ(to_hex(key->x25519.public_key), to_hex(k.public_key));
  ASSERT_TRUE(key->hybrid.has_value());
  EXPECT_EQ(to_hex(key->hybrid->seed.view()), to_hex(k.hybrid_seed));
  ASSERT_EQ(k.hybrid_public.size(), crypto::hybrid_kem::kEncapsulationKeyBytes);
  EXPECT_EQ(to_hex(key->hybrid->encapsulation_key), to_hex(k.hybrid_public));
}

TEST(ReplyKey, EnglishAndKoreanWordsOfTheSameIndicesGiveTheSameKey) {
  auto k = known_answer();
  auto from_english = parse_codename(k.english);
  auto from_korean = parse_codename(k.korean);
  ASSERT_TRUE(from_english.ok() && from_korean.ok());
  auto cost = crypto::Argon2Cost::test_only_minimum();
  auto a = derive_reply_key(*from_english, cost);
  auto b = derive_reply_key(*from_korean, cost);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->x25519.public_key, b->x25519.public_key);
  EXPECT_TRUE(a->x25519.secret == b->x25519.secret);
  ASSERT_TRUE(a->hybrid && b->hybrid);
  EXPECT_EQ(a->hybrid->encapsulation_key, b->hybrid->encapsulation_key);
  // A different codename gives different keys.
  auto other = derive_reply_key(generate_codename(), cost);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->x25519.public_key, a->x25519.public_key);
  EXPECT_NE(other->hybrid->encapsulation_key, a->hybrid->encapsulation_key);
}

TEST(ReplyKey, TheRealCostIsTheDocumentedOne) {
  EXPECT_EQ(kReplyKeyCost.ops, 3u);
  EXPECT_EQ(kReplyKeyCost.memory_bytes, std::uint64_t{64} << 20);
  EXPECT_EQ(kReplyKeySalt.size(), 16u);
}

}  // namespace
}  // namespace cairn::client
