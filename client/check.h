// `cairn check`: download the whole reply board and find the replies that
// open with the source's reply key (docs/PROTOCOL.md, "Replies and codenames"). Every client
// fetches every page of the board (GetReplyBoard{page}, 0 first) and, at a
// given moment, gets the same response bytes: the relay learns nothing about
// who is checking or whether anything was found. A check also fetches the key
// bundle and sends one cover drop, as the smallest submission does, so that
// checking and sending look alike. Nothing is written to disk.
#pragma once

#include <span>
#include <vector>

#include "client/relay_connection.h"
#include "client/reply_board.h"
#include "client/submit.h"
#include "common/result.h"
#include "crypto/drop_address.h"
#include "crypto/reply.h"
#include "crypto/x25519.h"

namespace cairn::client {

// `cairn check`'s fetch (docs/PROTOCOL.md, "Traffic shapes"): the traffic of
// the smallest submission, through the same code (client/submit.h, deliver):
// the key bundle, verified, every page of the board, then one cover drop, so
// the connection does not tell checking from sending. The board is returned
// once it was fetched, whatever then became of the cover drop (a relay that
// refuses it, full or busy, has still shown the board). Errors: those of
// fetch_key_bundle, fetch_board and deliver before the board was fetched.
[[nodiscard]] Result<ReplyBoardDownload> check_reply_board(const crypto::DropAddress& address,
                                                           const SubmitOptions& options, DayNumber today);

// The board alone, without the key bundle or the cover drop (so without a
// check's shape on the wire): tests and tools that read the board.
// Connects, then fetch_board (client/reply_board.h) on that connection.
[[nodiscard]] Result<ReplyBoardDownload> fetch_reply_board(const crypto::RelayAddress& relay,
                                                           const ConnectOptions& options);

// The board alone, from the first relay of the address that answers, trying them in a
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

// Trial-decrypts every reply with the keys (X25519, and the hybrid one for
// replies sealed to it). Replies for others (and anything
// else that does not open) are skipped without a trace.
[[nodiscard]] FoundReplies find_replies(std::span<const Bytes> board, const crypto::ReplyKeys& reply_key);

}  // namespace cairn::client
