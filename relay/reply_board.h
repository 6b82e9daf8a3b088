// The reply board as the relay serves it (docs/PROTOCOL.md, "Reply board"):
// every page pre-encoded once per reload as a Response{reply_board} and shared
// by every session, which seals it record by record. A board of more than one
// page pads every page to crypto::kBoardPageRecords records, so the wire shows
// how many pages there are and nothing else.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "common/bytes.h"

namespace cairn::relay {

struct ServedBoard {
  std::vector<Bytes> pages;  // serialized Response{reply_board}, page 0 first; never empty
  ByteArray<32> digest{};    // BLAKE2b-256 of the served replies, in order (each page's board_digest)
};

// The digest build_reply_board would give the same replies: cheap, so that
// an unchanged board is not encoded again.
[[nodiscard]] ByteArray<32> reply_board_digest(std::span<const Bytes> replies);

// Pages for the replies in board order. Replies that are not exactly
// crypto::kReplySize bytes, and any past crypto::kMaxBoardReplies, are left
// out (publish refuses both; this keeps every page within one message). No
// replies: one empty page.
[[nodiscard]] std::shared_ptr<const ServedBoard> build_reply_board(std::span<const Bytes> replies);

}  // namespace cairn::relay
