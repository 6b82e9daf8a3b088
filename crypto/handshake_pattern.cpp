#include "crypto/handshake_pattern.h"

#include <algorithm>
#include <array>

#include "common/text.h"

namespace cairn::crypto::noise {
namespace {

// Specification constants (section 8: protocol names).
constexpr std::size_t kMaxProtocolNameBytes = 255;
constexpr std::string_view kProtocolPrefix = "Noise_";
constexpr std::string_view kDhName = "25519";
constexpr std::string_view kCipherName = "ChaChaPoly";
constexpr std::string_view kHashName = "BLAKE2b";

constexpr bool kInitiatorKnown = true, kResponderKnown = true, kOneWay = true;

constexpr HandshakePattern make(std::string_view name, bool initiator_static_known,
                                bool responder_static_known, bool one_way,
                                std::initializer_list<MessagePattern> messages) {
  HandshakePattern p;
  p.name = name;
  p.initiator_static_known = initiator_static_known;
  p.responder_static_known = responder_static_known;
  p.one_way = one_way;
  for (const auto& m : messages) p.messages[p.message_count++] = m;
  return p;
}

using enum Token;

// Transcribed from the spec (section 7.4 one-way, 7.5 interactive); the
// comment above each entry is the spec's notation. tests/crypto checks the
// table against the spec's validity rules (section 7.3).
constexpr std::array kPatterns = {
    // N:  <- s  ...  -> e, es
    make("N", false, kResponderKnown, kOneWay, {{e, es}}),
    // K:  -> s  <- s  ...  -> e, es, ss
    make("K", kInitiatorKnown, kResponderKnown, kOneWay, {{e, es, ss}}),
    // X:  <- s  ...  -> e, es, s, ss
    make("X", false, kResponderKnown, kOneWay, {{e, es, s, ss}}),
    // NN: -> e  <- e, ee
    make("NN", false, false, false, {{e}, {e, ee}}),
    // NK: <- s  ...  -> e, es  <- e, ee
    make("NK", false, kResponderKnown, false, {{e, es}, {e, ee}}),
    // NX: -> e  <- e, ee, s, es
    make("NX", false, false, false, {{e}, {e, ee, s, es}}),
    // KN: -> s  ...  -> e  <- e, ee, se
    make("KN", kInitiatorKnown, false, false, {{e}, {e, ee, se}}),
    // KK: -> s  <- s  ...  -> e, es, ss  <- e, ee, se
    make("KK", kInitiatorKnown, kResponderKnown, false, {{e, es, ss}, {e, ee, se}}),
    // KX: -> s  ...  -> e  <- e, ee, se, s, es
    make("KX", kInitiatorKnown, false, false, {{e}, {e, ee, se, s, es}}),
    // XN: -> e  <- e, ee  -> s, se
    make("XN", false, false, false, {{e}, {e, ee}, {s, se}}),
    // XK: <- s  ...  -> e, es  <- e, ee  -> s, se
    make("XK", false, kResponderKnown, false, {{e, es}, {e, ee}, {s, se}}),
    // XX: -> e  <- e, ee, s, es  -> s, se
    make("XX", false, false, false, {{e}, {e, ee, s, es}, {s, se}}),
    // IN: -> e, s  <- e, ee, se
    make("IN", false, false, false, {{e, s}, {e, ee, se}}),
    // IK: <- s  ...  -> e, es, s, ss  <- e, ee, se
    make("IK", false, kResponderKnown, false, {{e, es, s, ss}, {e, ee, se}}),
    // IX: -> e, s  <- e, ee, se, s, es
    make("IX", false, false, false, {{e, s}, {e, ee, se, s, es}}),
};

Role peer_of(Role r) { return r == Role::initiator ? Role::responder : Role::initiator; }

bool pre_shares_static(const HandshakePattern& p, Role r) {
  return r == Role::initiator ? p.initiator_static_known : p.responder_static_known;
}

bool sends_static(const HandshakePattern& p, Role r) {
  auto msgs = p.message_patterns();
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    if (HandshakePattern::sender_of(i) != r) continue;
    auto tokens = msgs[i].view();
    if (std::find(tokens.begin(), tokens.end(), Token::s) != tokens.end()) return true;
  }
  return false;
}

}  // namespace

std::string_view to_string(Token t) {
  switch (t) {
    case Token::e: return "e";
    case Token::s: return "s";
    case Token::ee: return "ee";
    case Token::es: return "es";
    case Token::se: return "se";
    case Token::ss: return "ss";
  }
  return "?";
}

bool HandshakePattern::needs_local_static(Role role) const {
  return pre_shares_static(*this, role) || sends_static(*this, role);
}

bool HandshakePattern::needs_remote_static(Role role) const {
  return pre_shares_static(*this, peer_of(role));
}

bool HandshakePattern::uses_remote_static(Role role) const {
  return needs_remote_static(role) || sends_static(*this, peer_of(role));
}

std::span<const HandshakePattern> supported_patterns() { return kPatterns; }

Result<const HandshakePattern*> find_pattern(std::string_view pattern_name) {
  for (const auto& p : kPatterns)
    if (p.name == pattern_name) return &p;
  if (pattern_name.find("psk") != std::string_view::npos)
    return make_error(Errc::unsupported, "Noise pattern " + quoted(pattern_name) +
                                             " uses a psk modifier; pre-shared keys are not supported");
  if (pattern_name.find("fallback") != std::string_view::npos)
    return make_error(Errc::unsupported, "Noise pattern " + quoted(pattern_name) +
                                             " uses the fallback modifier, which is not supported");
  if (pattern_name.find_first_of("0123456789") != std::string_view::npos)
    return make_error(Errc::unsupported, "Noise pattern " + quoted(pattern_name) +
                                             " is a deferred pattern; only fundamental patterns are supported");
  return make_error(Errc::unsupported, "unknown Noise handshake pattern " + quoted(pattern_name));
}

Result<const HandshakePattern*> parse_protocol_name(std::string_view name) {
  if (name.size() > kMaxProtocolNameBytes)
    return make_error(Errc::too_large, "a Noise protocol name is at most 255 bytes");
  if (!name.starts_with(kProtocolPrefix))
    return make_error(Errc::malformed, "not a Noise protocol name (expected Noise_<pattern>_<dh>_<cipher>_<hash>): " +
                                           quoted(name));
  std::array<std::string_view, 4> parts;
  std::string_view rest = name.substr(kProtocolPrefix.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto cut = rest.find('_');
    if ((cut == std::string_view::npos) != (i == parts.size() - 1))
      return make_error(Errc::malformed,
                        "not a Noise protocol name (expected Noise_<pattern>_<dh>_<cipher>_<hash>): " + quoted(name));
    parts[i] = rest.substr(0, cut);
    if (parts[i].empty())
      return make_error(Errc::malformed, "Noise protocol name has an empty field: " + quoted(name));
    if (cut != std::string_view::npos) rest.remove_prefix(cut + 1);
  }
  if (parts[1] != kDhName)
    return make_error(Errc::unsupported, "Noise DH function " + quoted(parts[1]) + " is not supported (only 25519)");
  if (parts[2] != kCipherName)
    return make_error(Errc::unsupported,
                      "Noise cipher " + quoted(parts[2]) + " is not supported (only ChaChaPoly)");
  if (parts[3] != kHashName)
    return make_error(Errc::unsupported, "Noise hash " + quoted(parts[3]) + " is not supported (only BLAKE2b)");
  return find_pattern(parts[0]);
}

std::string to_string(const HandshakePattern& p) {
  std::string out;
  auto line = [&out](Role sender, std::span<const Token> tokens) {
    if (!out.empty()) out += '\n';
    out += sender == Role::initiator ? "->" : "<-";
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      out += i == 0 ? " " : ", ";
      out += to_string(tokens[i]);
    }
  };
  static constexpr std::array kS = {Token::s};
  if (p.initiator_static_known) line(Role::initiator, kS);
  if (p.responder_static_known) line(Role::responder, kS);
  if (!out.empty()) out += "\n...";
  auto msgs = p.message_patterns();
  for (std::size_t i = 0; i < msgs.size(); ++i) line(HandshakePattern::sender_of(i), msgs[i].view());
  return out;
}

}  // namespace cairn::crypto::noise
