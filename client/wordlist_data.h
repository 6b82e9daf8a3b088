// The BIP-39 word lists compiled into the program (generated at build time
// from client/wordlists/ by cmake/EmbedWordlists.cmake). Use client/wordlist.h;
// this header only declares the raw arrays.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace cairn::client::wordlist_data {

inline constexpr std::size_t kWords = 2048;

extern const std::array<std::string_view, kWords> kEnglish;     // lower-case ASCII
extern const std::array<std::string_view, kWords> kKoreanNfkd;  // UTF-8, NFKD

}  // namespace cairn::client::wordlist_data
