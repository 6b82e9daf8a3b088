// Replies (docs/protocol/replies.md): what an analyst writes to a source. A
// reply is a drop-formatted age file (crypto/drop.h) of exactly kReplySize
// bytes to a single recipient, the source's reply key (derived from the
// codename). Its body is a serialized Reply (proto/reply.proto). Every reply
// has the same size whatever its text, so the board shows only a count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
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

// The most bytes of UTF-8 text one reply holds with both days set (about a
// third as many Korean characters).
[[nodiscard]] std::size_t reply_text_capacity();

// Seals a reply to the source's reply public key. Errors:
// Errc::invalid_argument (text not UTF-8; a low-order key), Errc::too_large
// (text over reply_text_capacity(), with the limit in the message).
[[nodiscard]] Result<Bytes> seal_reply(const ReplyContent& reply, const X25519Public& reply_public_key);

// Opens a reply with the source's reply key pair. A reply for someone else
// fails with Errc::no_identity_match (what trial decryption expects for
// almost every reply on the board). Other errors: Errc::malformed (not
// exactly kReplySize bytes, checked first; bad framing or padding; a body
// that does not parse), Errc::decrypt_failed (altered), Errc::unsupported
// (a Reply version this program does not know).
[[nodiscard]] Result<ReplyContent> open_reply(ByteView reply, const X25519KeyPair& reply_key);

}  // namespace cairn::crypto
