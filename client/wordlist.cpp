#include "client/wordlist.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <utility>

#include "client/hangul.h"
#include "client/wordlist_data.h"

namespace cairn::client {
namespace {

static_assert(wordlist_data::kWords == kWordListSize);
static_assert(std::size_t{1} << kBitsPerWord == kWordListSize);

// Built once, on first use: the NFC form of every Korean word (for display)
// and each list sorted for lookup (the published order is the index order and
// must not change; the sorted copies are only an index).
struct Tables {
  std::array<std::string, kWordListSize> korean_nfc;
  std::array<std::pair<std::string_view, std::uint16_t>, kWordListSize> english_sorted;
  std::array<std::pair<std::string_view, std::uint16_t>, kWordListSize> korean_sorted;

  Tables() {
    for (std::size_t i = 0; i < kWordListSize; ++i) {
      auto nfc = hangul::compose(wordlist_data::kKoreanNfkd[i]);
      if (!nfc.ok()) std::abort();  // the compiled-in list is not UTF-8: a build error
      korean_nfc[i] = std::move(nfc).value();
      english_sorted[i] = {wordlist_data::kEnglish[i], static_cast<std::uint16_t>(i)};
      korean_sorted[i] = {wordlist_data::kKoreanNfkd[i], static_cast<std::uint16_t>(i)};
    }
    std::sort(english_sorted.begin(), english_sorted.end());
    std::sort(korean_sorted.begin(), korean_sorted.end());
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

void check_index(std::uint16_t index) {
  if (index >= kWordListSize) std::abort();  // indices come from our own code, never from input
}

}  // namespace

std::string_view display_word(Language language, std::uint16_t index) {
  check_index(index);
  if (language == Language::english) return wordlist_data::kEnglish[index];
  return tables().korean_nfc[index];
}

std::string_view normalised_word(Language language, std::uint16_t index) {
  check_index(index);
  return language == Language::english ? wordlist_data::kEnglish[index] : wordlist_data::kKoreanNfkd[index];
}

std::optional<std::uint16_t> find_word(Language language, std::string_view normalised) {
  const auto& sorted = language == Language::english ? tables().english_sorted : tables().korean_sorted;
  auto it = std::lower_bound(sorted.begin(), sorted.end(), normalised,
                             [](const auto& entry, std::string_view w) { return entry.first < w; });
  if (it == sorted.end() || it->first != normalised) return std::nullopt;
  return it->second;
}

}  // namespace cairn::client
