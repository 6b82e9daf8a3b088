// Replies (docs/PROTOCOL.md, "Replies and codenames"): what an analyst writes to a source. A
// reply is a drop-formatted age file (crypto/drop.h) of exactly kReplySize
// bytes to a single recipient, the source's reply key (derived from the
// codename). Its body is a serialized Reply (proto/reply.proto). Every reply
// has the same size whatever its text, so the board shows only a count.
//
// The codename gives two reply keys: X25519, and mlkem768x25519 (post-quantum
// hybrid). A source who submits to a hybrid key bundle sends the hybrid one,
// so the reply is as safe from a future quantum computer as the testimony; it
// holds less text (its stanza takes 1557 of the 4096 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/age_hybrid.h"
#include "crypto/drop.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

// --- Specification constants ---
inline constexpr std::size_t kReplySize = 4096;  // every reply on the board, exactly
inline constexpr std::uint32_t kReplyVersion = 1;

struct ReplyContent {
  std::string text;                // UTF-8
  DayNumber day = 0;               // day written; 0 = absent
  DayNumber in_reply_to_day = 0;   // day of the source's message it answers; 0 = absent
};

// The source's reply key pairs. `hybrid` is absent only for a source that
// has X25519 alone (tests of the classical path).
struct ReplyKeys {
  X25519KeyPair x25519;
  std::optional<age::HybridIdentity> hybrid;
};

// The reply public key a drop carries (DropBody.reply_public_key): 32 bytes
// (X25519) or 1216 bytes (an mlkem768x25519 encapsulation key).
using ReplyPublicKey = std::variant<X25519Public, age::HybridRecipient>;

// Both public halves, so a submission can carry whichever its key bundle's kind asks for.
struct ReplyPublicKeys {
  X25519Public x25519{};
  std::optional<age::HybridRecipient> hybrid;

  // The key for drops sealed to `kind`: the hybrid one for a hybrid bundle when there is one.
  [[nodiscard]] ReplyPublicKey for_drops(DropRecipients kind) const;
};
[[nodiscard]] ReplyPublicKeys public_keys(const ReplyKeys& keys);

// DropBody.reply_public_key's bytes as a key. Errc::malformed for a size
// other than 32 or 1216 (a key no one can encrypt to is found when a reply is
// sealed to it).
[[nodiscard]] Result<ReplyPublicKey> parse_reply_public_key(ByteView key);
[[nodiscard]] ByteView reply_public_key_bytes(const ReplyPublicKey& key);
[[nodiscard]] DropRecipients reply_key_kind(const ReplyPublicKey& key);

// The most bytes of UTF-8 text one reply to a key of this kind holds with
// both days set (about a third as many Korean characters).
[[nodiscard]] std::size_t reply_text_capacity(DropRecipients kind = DropRecipients::x25519);

// Seals a reply to the source's reply public key. Errors:
// Errc::invalid_argument (text not UTF-8; a key no one can encrypt to),
// Errc::too_large (text over reply_text_capacity() for the key's kind, with
// the limit in the message).
[[nodiscard]] Result<Bytes> seal_reply(const ReplyContent& reply, const ReplyPublicKey& reply_public_key);

// Opens a reply with the source's reply key pair(s): X25519, and the hybrid
// one when given. A reply for someone else fails with
// Errc::no_identity_match (what trial decryption expects for almost every
// reply on the board). Other errors: Errc::malformed (not exactly kReplySize
// bytes, checked first; bad framing or padding; a body that does not parse),
// Errc::decrypt_failed (altered), Errc::unsupported (a Reply version this
// program does not know).
[[nodiscard]] Result<ReplyContent> open_reply(ByteView reply, const X25519KeyPair& reply_key,
                                              const age::HybridIdentity* hybrid_key = nullptr);
[[nodiscard]] Result<ReplyContent> open_reply(ByteView reply, const ReplyKeys& reply_keys);

}  // namespace cairn::crypto
