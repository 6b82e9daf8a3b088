// Test helpers for Noise: key pairs from hex, copies of key pairs, and a
// completed NK handshake between two in-memory parties.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "crypto/handshake_state.h"
#include "crypto/noise.h"
#include "crypto/x25519.h"
#include "support/files.h"

namespace cairn::test {

inline crypto::X25519KeyPair key_pair_from_hex(std::string_view secret_hex) {
  auto secret = hex(secret_hex);
  auto kp = crypto::x25519_from_secret(crypto::Secret::copy_of(secret));
  crypto::wipe(secret);
  if (!kp.ok()) throw std::runtime_error("bad X25519 secret in test");
  return std::move(kp).value();
}

inline crypto::X25519KeyPair copy_of(const crypto::X25519KeyPair& kp) {
  return crypto::X25519KeyPair{kp.secret.clone(), kp.public_key};
}

struct TransportPair {
  crypto::noise::TransportCiphers initiator;
  crypto::noise::TransportCiphers responder;
};

// Runs Noise_NK with random keys; fails the calling test (and returns
// nullopt) if anything goes wrong.
inline std::optional<TransportPair> nk_transport_pair(ByteView prologue = as_bytes("cairn test")) {
  using namespace crypto::noise;
  auto relay = crypto::x25519_generate();
  auto i = make_nk_initiator(prologue, relay.public_key);
  auto r = make_nk_responder(prologue, relay);
  if (!i.ok() || !r.ok()) {
    ADD_FAILURE() << "cannot create NK parties";
    return std::nullopt;
  }
  auto m1 = i->write_message({});
  if (!m1.ok() || !r->read_message(*m1).ok()) {
    ADD_FAILURE() << "NK message 1 failed";
    return std::nullopt;
  }
  auto m2 = r->write_message({});
  if (!m2.ok() || !i->read_message(*m2).ok()) {
    ADD_FAILURE() << "NK message 2 failed";
    return std::nullopt;
  }
  auto ti = i->split();
  auto tr = r->split();
  if (!ti.ok() || !tr.ok()) {
    ADD_FAILURE() << "NK split failed";
    return std::nullopt;
  }
  return TransportPair{std::move(ti).value(), std::move(tr).value()};
}

}  // namespace cairn::test
