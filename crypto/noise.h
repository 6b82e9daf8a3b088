// The one Noise protocol Cairn speaks: Noise_NK_25519_ChaChaPoly_BLAKE2b.
// The source (initiator) knows the relay's static key from the drop address;
// the relay (responder) learns nothing about the source.
//
//   NK:  <- s
//        ...
//        -> e, es      message 1: 32-byte e + payload + 16-byte tag
//        <- e, ee      message 2: 32-byte e + payload + 16-byte tag
//
// The prologue and the handshake payloads belong to the relay protocol; this
// header only fixes the pattern and who holds which key.
#pragma once

#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/handshake_state.h"
#include "crypto/x25519.h"

namespace cairn::crypto::noise {

// Specification constants (docs/PROTOCOL.md, "Transport").
inline constexpr std::string_view kCairnProtocolName = "Noise_NK_25519_ChaChaPoly_BLAKE2b";
inline constexpr std::size_t kNkMessage1Overhead = kDhBytes + kTagBytes;  // e, es, encrypted payload
inline constexpr std::size_t kNkMessage2Overhead = kDhBytes + kTagBytes;  // e, ee, encrypted payload

// The source's side: it must know the relay's static public key.
[[nodiscard]] Result<HandshakeState> make_nk_initiator(ByteView prologue, const X25519Public& relay_static_public);
// The relay's side. The key pair is copied (into secure memory) so that one
// long-lived relay key can serve many handshakes.
[[nodiscard]] Result<HandshakeState> make_nk_responder(ByteView prologue, const X25519KeyPair& relay_static);

}  // namespace cairn::crypto::noise
