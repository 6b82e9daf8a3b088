// `cairn check`: download the whole reply board and find the replies that
// open with the source's reply key (docs/PROTOCOL.md, "Replies and codenames"). Every client
// sends the same request (GetReplyBoard, empty) and, at a given moment, gets
// the same response bytes: the relay learns nothing about who is checking or
// whether anything was found. Nothing is written to disk.
#pragma once

#include <span>
#include <vector>

#include "client/relay_connection.h"
#include "client/submit.h"
#include "common/result.h"
#include "crypto/drop_address.h"
#include "crypto/reply.h"
#include "crypto/x25519.h"

namespace cairn::client {

struct ReplyBoardDownload {
  std::vector<Bytes> replies;
  std::size_t response_bytes = 0;  // the serialized Response as received (same for every client)
};

// Connects, sends GetReplyBoard, and returns every reply on the board.
// Errors: those of RelayConnection, Errc::protocol (the relay answered with
// something else, or an error), Errc::too_large (more replies than a board
// holds).
[[nodiscard]] Result<ReplyBoardDownload> fetch_reply_board(const crypto::RelayAddress& relay,
                                                           const ConnectOptions& options);

// The board of the first relay of the address that answers, trying them in a
// random order (client/relay_order.h): every relay of an organisation carries
// the same reply batches. `failed` is told of each relay that did not answer.
[[nodiscard]] Result<ReplyBoardDownload> fetch_reply_board(const crypto::DropAddress& address,
                                                           const ConnectOptions& options,
                                                           const RelayFailed& failed = {});

struct FoundReplies {
  std::vector<crypto::ReplyContent> replies;  // opened with the key, oldest first
  std::size_t board_size = 0;                 // replies on the board, for everyone
  // Replies that matched the key but could not be read (damaged, or a newer
  // version): reported so the source knows to update rather than silently
  // missing them.
  std::size_t unreadable = 0;
};

// Trial-decrypts every reply with the key. Replies for others (and anything
// else that does not open) are skipped without a trace.
[[nodiscard]] FoundReplies find_replies(std::span<const Bytes> board, const crypto::X25519KeyPair& reply_key);

}  // namespace cairn::client
