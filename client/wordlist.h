// The codename alphabet: the BIP-39 English and Korean word lists, 2048 words
// each in the same order, so index i is "the same word" in both languages and
// a codename can be shown in either (docs/protocol/replies.md). The lists are
// compiled into the program (client/wordlist_data.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cairn::client {

// --- Specification constants ---
inline constexpr std::size_t kWordListSize = 2048;  // 11 bits per word
inline constexpr unsigned kBitsPerWord = 11;

enum class Language { english, korean };

// The word as people see it: English lower-case ASCII, Korean in NFC
// (precomposed syllables). index < kWordListSize, else a programmer error.
[[nodiscard]] std::string_view display_word(Language language, std::uint16_t index);

// The word as the list stores it and as matching compares it: English as is,
// Korean in NFKD (conjoining jamo).
[[nodiscard]] std::string_view normalised_word(Language language, std::uint16_t index);

// The index of a word given in normalised form (lower-case ASCII English, or
// NFKD Korean), if it is in the list.
[[nodiscard]] std::optional<std::uint16_t> find_word(Language language, std::string_view normalised);

}  // namespace cairn::client
