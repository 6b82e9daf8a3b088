// Hangul normalisation without ICU (Unicode 15.0, section 3.12, "Conjoining
// Jamo Behavior"). The Korean BIP-39 list is stored decomposed (NFKD: each
// syllable as leading consonant L, vowel V and optional trailing consonant T
// jamo), while people type precomposed syllables (NFC). For Hangul, NFD and
// NFKD are the same algorithmic decomposition and NFC is its inverse, so
// these two functions are all codename matching needs: compare decomposed
// forms, show composed ones.
//
// Only Hangul is transformed: every other code point is copied unchanged.
// (Full NFKD would also fold compatibility jamo and other scripts; codename
// words are whole Hangul syllables or ASCII letters, so that never matters.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cairn::client::hangul {

// --- Specification constants (Unicode section 3.12) ---
inline constexpr char32_t kSBase = 0xAC00;  // first precomposed syllable, 가
inline constexpr char32_t kLBase = 0x1100;  // first leading consonant (choseong)
inline constexpr char32_t kVBase = 0x1161;  // first vowel (jungseong)
inline constexpr char32_t kTBase = 0x11A7;  // one before the first trailing consonant (jongseong)
inline constexpr std::uint32_t kLCount = 19;
inline constexpr std::uint32_t kVCount = 21;
inline constexpr std::uint32_t kTCount = 28;                 // including "no trailing consonant"
inline constexpr std::uint32_t kNCount = kVCount * kTCount;  // 588 syllables per leading consonant
inline constexpr std::uint32_t kSCount = kLCount * kNCount;  // 11172 syllables

// Replaces every precomposed syllable (U+AC00..U+D7A3) by its L V [T] jamo:
// Hangul's NFD, which is also its NFKD. Errc::malformed if text is not UTF-8.
[[nodiscard]] Result<std::string> decompose(std::string_view text);

// Composes L V and LV T sequences into syllables: Hangul's NFC.
// Errc::malformed if text is not UTF-8.
[[nodiscard]] Result<std::string> compose(std::string_view text);

// True if c is a precomposed syllable or a conjoining jamo (U+1100..U+11FF).
[[nodiscard]] bool is_hangul(char32_t c);

}  // namespace cairn::client::hangul
