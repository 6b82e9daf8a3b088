// Codenames (docs/PROTOCOL.md, "Replies and codenames"): the words a source memorises to read
// replies. A codename is 12 word indices into the BIP-39 lists (client/
// wordlist.h): 11 chosen uniformly at random (121 bits) and a check word that
// catches a mistyped word that happens to be another list word. The same
// indices can be shown in English or Korean; the reply key is derived from
// the indices, never from the typed text, so either language opens the same
// replies.
//
//   reply secret = Argon2id(password = u16be(i_0) || ... || u16be(i_11),
//                           salt = "cairn-reply-key1", ops 3, 64 MiB) -> 32 bytes
//   reply key pair = X25519(reply secret)
//   hybrid seed    = BLAKE2b-256(key = reply secret, "cairn reply key hybrid v1")
//   hybrid reply key pair = mlkem768x25519 key pair of that seed (its SHAKE256
//                    expansion is FIPS 203's seeded ML-KEM key generation)
//
// A codename is a secret: its indices live in a Secret, its text form too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "client/wordlist.h"
#include "common/result.h"
#include "crypto/argon2.h"
#include "crypto/reply.h"
#include "crypto/secret.h"
#include "crypto/x25519.h"

namespace cairn::client {

// --- Specification constants ---
inline constexpr std::size_t kCodenameWords = 12;
inline constexpr std::size_t kCodenameRandomWords = 11;  // 121 bits of entropy; the last word is the check word
inline constexpr std::size_t kCodenameIndexBytes = 2;    // each index as u16 big-endian in the KDF password
inline constexpr std::size_t kCodenamePasswordBytes = kCodenameWords * kCodenameIndexBytes;  // 24
// The check word: BLAKE2b-256(u8(len(context)) || context || u16be(i_0..i_10)),
// first two bytes as u16 big-endian, mod 2048.
inline constexpr std::string_view kCodenameCheckContext = "cairn codename check v1";
// Argon2id salt: fixed, for domain separation (16 bytes, no NUL so any Argon2
// tool can reproduce the derivation).
inline constexpr std::string_view kReplyKeySalt = "cairn-reply-key1";
// Run once per `cairn submit --reply` or `cairn check`, on a possibly weak
// laptop: about half a second. The codename's 121 random bits, not this cost,
// are what resists guessing; the cost is defence in depth.
inline constexpr crypto::Argon2Cost kReplyKeyCost{3, std::uint64_t{64} << 20};
// The hybrid key's seed: keyed BLAKE2b-256 of this context, so the two keys
// share no secret bytes.
inline constexpr std::string_view kReplyHybridSeedContext = "cairn reply key hybrid v1";

// --- Implementation constants ---
inline constexpr std::size_t kMaxCodenameTextBytes = 1024;  // far beyond 12 words in either language
inline constexpr std::size_t kMaxCodenameTokens = 64;

static_assert(kCodenameRandomWords * kBitsPerWord >= 96, "a codename carries at least 96 random bits");
static_assert(kReplyKeySalt.size() == crypto::kArgon2SaltBytes);

class Codename {
 public:
  // From word indices (tests, and parse_codename). Errc::invalid_argument for
  // the wrong count, an index >= 2048, or a check word that does not match.
  [[nodiscard]] static Result<Codename> from_indices(std::span<const std::uint16_t> indices);

  [[nodiscard]] std::uint16_t index(std::size_t position) const;
  // The Argon2id password: the 12 indices as u16 big-endian (24 bytes).
  [[nodiscard]] const crypto::Secret& password() const { return password_; }

 private:
  explicit Codename(crypto::Secret password) : password_(std::move(password)) {}
  crypto::Secret password_;
};

// 11 uniformly random words (crypto::random_uniform) and the check word.
[[nodiscard]] Codename generate_codename();

// The check word for the first 11 indices (each < 2048).
[[nodiscard]] std::uint16_t codename_check_word(std::span<const std::uint16_t, kCodenameRandomWords> indices);

// The codename as people see it: words in the language (Korean in NFC),
// separated by single spaces, or by a newline after every words_per_line
// words when that is non-zero.
[[nodiscard]] crypto::Secret format_codename(const Codename& codename, Language language,
                                             std::size_t words_per_line = 0);

// Reads a typed codename: English or Korean words (they may be mixed),
// separated by any whitespace (including U+3000 and no-break spaces); English
// in any case; Korean in NFC or NFKD. Errors name the problem and the word:
//   Errc::malformed  - a word not in the list (named by its position only,
//                      never echoed or guessed at), the wrong number of
//                      words, text that is not UTF-8;
//   Errc::checksum_mismatch - every word is in the list but they do not fit
//                      together (a word was swapped for another list word);
//   Errc::too_large  - over kMaxCodenameTextBytes.
[[nodiscard]] Result<Codename> parse_codename(std::string_view text);

// The source's reply key pairs, X25519 and hybrid. The cost is a parameter
// only so that tests can run quickly; everything real uses kReplyKeyCost.
[[nodiscard]] Result<crypto::ReplyKeys> derive_reply_key(const Codename& codename,
                                                         crypto::Argon2Cost cost = kReplyKeyCost);

// "en" or "ko". Errc::invalid_argument otherwise.
[[nodiscard]] Result<Language> parse_language(std::string_view name);

}  // namespace cairn::client
