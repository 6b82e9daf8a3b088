#include "crypto/handshake_state.h"

#include <algorithm>
#include <string>
#include <utility>

namespace cairn::crypto::noise {
namespace {

std::string_view role_name(Role r) { return r == Role::initiator ? "initiator" : "responder"; }

void append(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

Status check_key_pair(const std::optional<X25519KeyPair>& kp, std::string_view what) {
  if (kp && kp->secret.size() != kX25519Bytes)
    return make_error(Errc::invalid_argument, std::string(what) + " secret key must be 32 bytes");
  return ok_status();
}

// Checks that the caller gave exactly the keys the pattern needs: a missing key
// cannot work, and an unexpected one means the caller has the wrong pattern in mind.
Status check_keys(const HandshakePattern& p, const HandshakeOptions& o) {
  const std::string who = "Noise " + std::string(p.name) + " " + std::string(role_name(o.role));
  if (p.needs_local_static(o.role) && !o.local_static)
    return make_error(Errc::invalid_argument, who + " needs its static key pair");
  if (!p.needs_local_static(o.role) && o.local_static)
    return make_error(Errc::invalid_argument, who + " has no static key, but one was given");
  if (p.needs_remote_static(o.role) && !o.remote_static)
    return make_error(Errc::invalid_argument, who + " needs the peer's static public key");
  if (!p.needs_remote_static(o.role) && o.remote_static)
    return make_error(Errc::invalid_argument,
                      who + (p.uses_remote_static(o.role) ? " receives the peer's static key in the handshake"
                                                          : " does not use a peer static key") +
                          ", but one was given");
  CAIRN_CHECK(check_key_pair(o.local_static, "the local static"));
  CAIRN_CHECK(check_key_pair(o.fixed_ephemeral, "the fixed ephemeral"));
  return ok_status();
}

// What each message adds to its payload: 32 bytes per "e", 32 (+16 once a key
// exists) per "s", and a 16-byte tag on the payload once a key exists. Known
// from the pattern alone, so lengths are checked before any crypto.
std::array<std::size_t, kMaxHandshakeMessages> message_overheads(const HandshakePattern& p) {
  std::array<std::size_t, kMaxHandshakeMessages> out{};
  bool has_key = false;
  auto msgs = p.message_patterns();
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    for (Token t : msgs[i].view()) {
      if (t == Token::e) {
        out[i] += kDhBytes;
      } else if (t == Token::s) {
        out[i] += kDhBytes + (has_key ? kTagBytes : 0);
      } else {
        has_key = true;  // every DH token ends in MixKey
      }
    }
    out[i] += has_key ? kTagBytes : 0;
  }
  return out;
}

}  // namespace

HandshakeState::HandshakeState(const HandshakePattern& pattern, Role role, SymmetricState symmetric)
    : pattern_(&pattern), role_(role), overhead_(message_overheads(pattern)), symmetric_(std::move(symmetric)) {}

Result<HandshakeState> HandshakeState::create(HandshakeOptions o) {
  CAIRN_TRY(const HandshakePattern* p, parse_protocol_name(o.protocol_name));
  CAIRN_CHECK(check_keys(*p, o));

  SymmetricState symmetric(o.protocol_name);
  symmetric.mix_hash(o.prologue);
  // Pre-messages: the initiator's key first, then the responder's (section 7.1).
  if (p->initiator_static_known)
    symmetric.mix_hash(o.role == Role::initiator ? ByteView(o.local_static->public_key) : ByteView(*o.remote_static));
  if (p->responder_static_known)
    symmetric.mix_hash(o.role == Role::responder ? ByteView(o.local_static->public_key) : ByteView(*o.remote_static));

  HandshakeState hs(*p, o.role, std::move(symmetric));
  hs.s_ = std::move(o.local_static);
  hs.rs_ = o.remote_static;
  hs.fixed_e_ = std::move(o.fixed_ephemeral);
  hs.hash_ = hs.symmetric_->handshake_hash();
  return hs;
}

bool HandshakeState::is_my_turn() const {
  return state_ == State::in_progress && HandshakePattern::sender_of(next_message_) == role_;
}

std::size_t HandshakeState::next_message_overhead() const {
  return state_ == State::in_progress ? overhead_[next_message_] : 0;
}

Status HandshakeState::check_turn(Role sender) const {
  switch (state_) {
    case State::failed:
      return make_error(Errc::protocol, "the Noise handshake failed earlier and cannot continue");
    case State::finished:
    case State::split:
      return make_error(Errc::protocol, "the Noise handshake is already finished");
    case State::in_progress:
      break;
  }
  Role expected = HandshakePattern::sender_of(next_message_);
  if (sender != expected)
    return make_error(Errc::protocol, "Noise " + std::string(pattern_->name) + " message " +
                                          std::to_string(next_message_ + 1) + " is written by the " +
                                          std::string(role_name(expected)) + ", not the " +
                                          std::string(role_name(sender)));
  return ok_status();
}

Status HandshakeState::mix_dh(Token token) {
  // The spec's token names the initiator's key first; map it to (ours, theirs).
  const bool initiator = role_ == Role::initiator;
  bool local_static = false, remote_static = false;
  switch (token) {
    case Token::ee: break;
    case Token::es: local_static = !initiator, remote_static = initiator; break;
    case Token::se: local_static = initiator, remote_static = !initiator; break;
    case Token::ss: local_static = true, remote_static = true; break;
    case Token::e:
    case Token::s: return make_error(Errc::internal, "not a DH token");
  }
  const std::optional<X25519KeyPair>& local = local_static ? s_ : e_;
  const std::optional<X25519Public>& remote = remote_static ? rs_ : re_;
  if (!local || !remote)  // the pattern table or the key checks are wrong
    return make_error(Errc::internal, "Noise DH token " + std::string(to_string(token)) + " without its keys");
  // x25519() fails on an all-zero result: a low-order key contributes nothing.
  CAIRN_TRY(Secret shared, x25519(local->secret, *remote));
  symmetric_->mix_key(shared.view());
  return ok_status();
}

Result<Bytes> HandshakeState::write_tokens(ByteView payload) {
  const std::size_t overhead = overhead_[next_message_];
  if (payload.size() > kMaxNoiseMessageBytes - overhead)
    return make_error(Errc::too_large, "Noise handshake payload of " + std::to_string(payload.size()) +
                                           " bytes makes the message exceed 65535 bytes");
  Bytes out;
  out.reserve(overhead + payload.size());
  for (Token t : pattern_->messages[next_message_].view()) {
    switch (t) {
      case Token::e: {  // e: a fresh ephemeral, sent in clear and hashed
        e_ = fixed_e_ ? std::move(*fixed_e_) : x25519_generate();
        fixed_e_.reset();
        append(out, e_->public_key);
        symmetric_->mix_hash(e_->public_key);
        break;
      }
      case Token::s: {  // s: our static public key, encrypted once a key exists
        CAIRN_TRY(Bytes encrypted, symmetric_->encrypt_and_hash(s_->public_key));
        append(out, encrypted);
        break;
      }
      case Token::ee:  // ee: DH(e, re)
      case Token::es:  // es: DH(initiator e, responder s)
      case Token::se:  // se: DH(initiator s, responder e)
      case Token::ss:  // ss: DH(s, rs)
        CAIRN_CHECK(mix_dh(t));
        break;
    }
  }
  CAIRN_TRY(Bytes encrypted_payload, symmetric_->encrypt_and_hash(payload));
  append(out, encrypted_payload);
  return out;
}

Result<Bytes> HandshakeState::read_tokens(ByteView message) {
  // Lengths first: every size is fixed by the pattern, so nothing is parsed,
  // hashed or decrypted before we know the message can be complete.
  const std::size_t overhead = overhead_[next_message_];
  if (message.size() > kMaxNoiseMessageBytes)
    return make_error(Errc::too_large, "Noise handshake message of " + std::to_string(message.size()) +
                                           " bytes exceeds the 65535-byte maximum");
  if (message.size() < overhead)
    return make_error(Errc::malformed, "Noise " + std::string(pattern_->name) + " message " +
                                           std::to_string(next_message_ + 1) + " is " +
                                           std::to_string(message.size()) + " bytes, shorter than the " +
                                           std::to_string(overhead) + " its keys and tags need");
  ByteView rest = message;
  for (Token t : pattern_->messages[next_message_].view()) {
    switch (t) {
      case Token::e: {  // e: the peer's ephemeral, in clear, hashed
        X25519Public re{};
        std::copy_n(rest.begin(), kDhBytes, re.begin());
        rest = rest.subspan(kDhBytes);
        re_ = re;
        symmetric_->mix_hash(re);
        break;
      }
      case Token::s: {  // s: the peer's static key, encrypted once a key exists
        const std::size_t len = kDhBytes + (symmetric_->has_key() ? kTagBytes : 0);
        CAIRN_TRY(Bytes rs, symmetric_->decrypt_and_hash(rest.first(len)));
        rest = rest.subspan(len);
        X25519Public key{};
        std::copy_n(rs.begin(), kDhBytes, key.begin());
        rs_ = key;
        break;
      }
      case Token::ee:  // ee: DH(e, re)
      case Token::es:  // es: DH(initiator e, responder s)
      case Token::se:  // se: DH(initiator s, responder e)
      case Token::ss:  // ss: DH(s, rs)
        CAIRN_CHECK(mix_dh(t));
        break;
    }
  }
  return symmetric_->decrypt_and_hash(rest);
}

// Every message, written or read, goes through here: a wrong turn or any
// failure inside ends the handshake for good (see the header's failure rule).
template <class Step>
Result<Bytes> HandshakeState::run_step(Role sender, Step&& step) {
  Status turn = check_turn(sender);
  if (!turn.ok()) {
    fail();
    return turn.error();
  }
  auto result = step();
  if (!result.ok()) {
    fail();
    return result;
  }
  advance();
  return result;
}

Result<Bytes> HandshakeState::write_message(ByteView payload) {
  return run_step(role_, [&] { return write_tokens(payload); });
}

Result<Bytes> HandshakeState::read_message(ByteView message) {
  return run_step(role_ == Role::initiator ? Role::responder : Role::initiator,
                  [&] { return read_tokens(message); });
}

Result<TransportCiphers> HandshakeState::split() {
  if (state_ != State::finished) {
    std::string why = state_ == State::split    ? "the Noise handshake was already split"
                      : state_ == State::failed ? "the Noise handshake failed"
                                                : "the Noise handshake is not finished";
    fail();
    return make_error(Errc::protocol, why);
  }
  SplitCiphers c = symmetric_->split();
  symmetric_.reset();  // ck is no longer needed; h stays in hash_
  state_ = State::split;
  TransportCiphers out;
  if (role_ == Role::initiator) {
    out.send = std::move(c.c1);
    if (!pattern_->one_way) out.receive = std::move(c.c2);
  } else {
    out.receive = std::move(c.c1);
    if (!pattern_->one_way) out.send = std::move(c.c2);
  }
  return out;
}

void HandshakeState::advance() {
  hash_ = symmetric_->handshake_hash();
  if (++next_message_ == pattern_->message_count) {
    state_ = State::finished;
    // The handshake's private keys have done their work; drop them now rather
    // than when the caller gets round to destroying us.
    e_.reset();
    s_.reset();
    fixed_e_.reset();
  }
}

void HandshakeState::fail() {
  state_ = State::failed;
  symmetric_.reset();
  e_.reset();
  s_.reset();
  fixed_e_.reset();
  re_.reset();
  rs_.reset();
  hash_.fill(0);
}

}  // namespace cairn::crypto::noise
