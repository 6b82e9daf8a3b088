// Noise handshake patterns as data (Noise spec rev. 34, section 7): the
// fundamental one-way patterns (N, K, X) and interactive patterns (NN ... IX),
// and the parser for full protocol names such as
// "Noise_NK_25519_ChaChaPoly_BLAKE2b". Cairn implements exactly one suite
// (25519, ChaChaPoly, BLAKE2b) and no pattern modifiers (psk, fallback) and no
// deferred patterns: those are reported as Errc::unsupported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cairn::crypto::noise {

// Tokens in the spec's notation: in "es", the first letter is the initiator's
// key and the second the responder's, whoever writes the message.
enum class Token : std::uint8_t { e, s, ee, es, se, ss };

[[nodiscard]] std::string_view to_string(Token t);

enum class Role : std::uint8_t { initiator, responder };

// Implementation constants: enough room for every fundamental pattern
// (the longest message is KX/IX's "<- e, ee, se, s, es"; the longest
// handshake has three messages).
inline constexpr std::size_t kMaxTokensPerMessage = 5;
inline constexpr std::size_t kMaxHandshakeMessages = 3;

struct MessagePattern {
  std::array<Token, kMaxTokensPerMessage> tokens{};
  std::uint8_t size = 0;

  constexpr MessagePattern() = default;
  constexpr MessagePattern(std::initializer_list<Token> list) {
    for (Token t : list) tokens[size++] = t;
  }
  [[nodiscard]] constexpr std::span<const Token> view() const { return {tokens.data(), size}; }
};

struct HandshakePattern {
  std::string_view name;
  // Pre-messages: fundamental patterns only ever pre-share static keys.
  bool initiator_static_known = false;  // "-> s ..."
  bool responder_static_known = false;  // "<- s ..."
  bool one_way = false;                 // section 7.4: one message, then initiator -> responder only
  std::array<MessagePattern, kMaxHandshakeMessages> messages{};
  std::uint8_t message_count = 0;

  [[nodiscard]] std::span<const MessagePattern> message_patterns() const {
    return {messages.data(), message_count};
  }
  // Message i is written by the initiator when i is even (patterns alternate, starting with "->").
  [[nodiscard]] static constexpr Role sender_of(std::size_t i) {
    return i % 2 == 0 ? Role::initiator : Role::responder;
  }
  // Whether `role` must hold a static key pair (it pre-shares or sends "s").
  [[nodiscard]] bool needs_local_static(Role role) const;
  // Whether `role` must be given the peer's static key (the peer pre-shares it).
  [[nodiscard]] bool needs_remote_static(Role role) const;
  // Whether `role` uses the peer's static key at all (pre-shared or received).
  [[nodiscard]] bool uses_remote_static(Role role) const;
};

// Every pattern Cairn implements, one-way first, in the spec's order.
[[nodiscard]] std::span<const HandshakePattern> supported_patterns();

// The pattern for a name such as "NK"; Errc::unsupported for modifiers,
// deferred patterns and unknown names, with a message saying which.
[[nodiscard]] Result<const HandshakePattern*> find_pattern(std::string_view pattern_name);

// Parses "Noise_<pattern>_<dh>_<cipher>_<hash>". Errc::malformed if the name
// does not have that shape; Errc::unsupported for anything but
// 25519/ChaChaPoly/BLAKE2b and the patterns above.
[[nodiscard]] Result<const HandshakePattern*> parse_protocol_name(std::string_view protocol_name);

// The pattern in the spec's notation, e.g. "<- s\n...\n-> e, es\n<- e, ee".
[[nodiscard]] std::string to_string(const HandshakePattern& pattern);

}  // namespace cairn::crypto::noise
