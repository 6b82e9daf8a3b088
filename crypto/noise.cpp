#include "crypto/noise.h"

#include <utility>

namespace cairn::crypto::noise {

Result<HandshakeState> make_nk_initiator(ByteView prologue, const X25519Public& relay_static_public) {
  HandshakeOptions o;
  o.protocol_name = kCairnProtocolName;
  o.role = Role::initiator;
  o.prologue = prologue;
  o.remote_static = relay_static_public;
  return HandshakeState::create(std::move(o));
}

Result<HandshakeState> make_nk_responder(ByteView prologue, const X25519KeyPair& relay_static) {
  HandshakeOptions o;
  o.protocol_name = kCairnProtocolName;
  o.role = Role::responder;
  o.prologue = prologue;
  o.local_static = X25519KeyPair{relay_static.secret.clone(), relay_static.public_key};
  return HandshakeState::create(std::move(o));
}

}  // namespace cairn::crypto::noise
