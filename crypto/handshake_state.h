// Noise HandshakeState (Noise spec rev. 34, section 5.3) for
// Noise_*_25519_ChaChaPoly_BLAKE2b: runs one side of a handshake pattern,
// message by message, and finally splits into the two transport CipherStates.
//
// Sans-IO: write_message() returns the bytes to send, read_message() takes the
// bytes received (one whole Noise message, without the wire's 2-byte length).
//
// Failure rule: ANY error from write_message(), read_message() or split()
// leaves the HandshakeState unusable: its keys are dropped and every later
// call fails with Errc::protocol. A handshake that failed is abandoned, never
// retried from the middle (spec section 5.3: "the handshake has failed and the
// HandshakeState is deleted"); this way no partially updated state can be
// exploited, e.g. by probing with forged messages and then sending the real one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/cipher_state.h"
#include "crypto/handshake_pattern.h"
#include "crypto/secret.h"
#include "crypto/symmetric_state.h"
#include "crypto/x25519.h"

namespace cairn::crypto::noise {

struct HandshakeOptions {
  std::string_view protocol_name;  // e.g. "Noise_NK_25519_ChaChaPoly_BLAKE2b"
  Role role = Role::initiator;
  ByteView prologue;               // both sides must use the same bytes
  // Our static key pair (s), if the pattern pre-shares or sends it.
  std::optional<X25519KeyPair> local_static;
  // The peer's static public key (rs), if the pattern pre-shares it.
  std::optional<X25519Public> remote_static;
  // FOR TEST VECTORS ONLY: the ephemeral key pair to use instead of a fresh
  // random one. Reusing an ephemeral key across handshakes destroys forward
  // secrecy and, in some patterns, authentication.
  std::optional<X25519KeyPair> fixed_ephemeral;
};

// The transport keys of one side, already oriented for its role, so that the
// caller cannot encrypt with the peer's sending key. In one-way patterns the
// initiator only sends and the responder only receives; the unused half is a
// CipherState without a key, which refuses to encrypt or decrypt.
struct TransportCiphers {
  CipherState send;
  CipherState receive;
};

class HandshakeState {
 public:
  // Initialize(): parses the protocol name, checks that exactly the keys the
  // pattern needs were given (Errc::invalid_argument otherwise), and mixes the
  // prologue and pre-message keys into h.
  [[nodiscard]] static Result<HandshakeState> create(HandshakeOptions options);

  HandshakeState(HandshakeState&&) noexcept = default;
  HandshakeState& operator=(HandshakeState&&) noexcept = default;

  // WriteMessage(payload): the next message, if it is our turn.
  //   Errc::protocol   - not our turn, handshake finished, or state failed earlier;
  //   Errc::too_large  - the message would exceed 65535 bytes.
  [[nodiscard]] Result<Bytes> write_message(ByteView payload);
  // ReadMessage(message): the peer's next message; returns its payload.
  //   Errc::protocol       - not the peer's turn, finished, or failed earlier;
  //   Errc::too_large      - message over 65535 bytes (checked before any crypto);
  //   Errc::malformed      - message shorter than its keys and tags (before any crypto);
  //   Errc::decrypt_failed - a static key or the payload does not authenticate, or
  //                          a DH with the peer's key gives the all-zero (low-order) result.
  [[nodiscard]] Result<Bytes> read_message(ByteView message);

  // What the next message adds to its payload (keys, encrypted keys, tags):
  // its size is next_message_overhead() + payload size. 0 once finished.
  [[nodiscard]] std::size_t next_message_overhead() const;

  [[nodiscard]] bool is_finished() const { return state_ == State::finished || state_ == State::split; }
  [[nodiscard]] bool is_my_turn() const;
  [[nodiscard]] bool has_failed() const { return state_ == State::failed; }
  [[nodiscard]] Role role() const { return role_; }
  [[nodiscard]] const HandshakePattern& pattern() const { return *pattern_; }

  // h: a unique, public identifier of this handshake (channel binding).
  // Final once is_finished(); before that the running hash; zeros after a failure.
  [[nodiscard]] const HandshakeHash& handshake_hash() const { return hash_; }
  // The peer's static public key, once known (pre-shared or received).
  [[nodiscard]] const std::optional<X25519Public>& remote_static() const { return rs_; }

  // Split(): the transport CipherStates, once, after the last message.
  // Errc::protocol before the handshake finished or on a second call.
  [[nodiscard]] Result<TransportCiphers> split();

 private:
  enum class State : std::uint8_t { in_progress, finished, split, failed };

  HandshakeState(const HandshakePattern& pattern, Role role, SymmetricState symmetric);

  [[nodiscard]] Result<Bytes> write_tokens(ByteView payload);
  [[nodiscard]] Result<Bytes> read_tokens(ByteView message);
  [[nodiscard]] Status check_turn(Role sender) const;
  template <class Step>
  [[nodiscard]] Result<Bytes> run_step(Role sender, Step&& step);
  [[nodiscard]] Status mix_dh(Token token);
  void advance();
  void fail();

  const HandshakePattern* pattern_;
  Role role_;
  State state_ = State::in_progress;
  std::size_t next_message_ = 0;
  // overhead_[i]: bytes message i adds to its payload (keys, encrypted keys, tags).
  std::array<std::size_t, kMaxHandshakeMessages> overhead_{};
  std::optional<SymmetricState> symmetric_;  // reset on failure and after split
  std::optional<X25519KeyPair> s_;            // local static
  std::optional<X25519KeyPair> e_;            // local ephemeral
  std::optional<X25519KeyPair> fixed_e_;      // test-vector ephemeral, consumed by "e"
  std::optional<X25519Public> rs_;            // remote static
  std::optional<X25519Public> re_;            // remote ephemeral
  HandshakeHash hash_{};                      // copy of h, kept after split/failure
};

}  // namespace cairn::crypto::noise
