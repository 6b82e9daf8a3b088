#include "client/check.h"

#include <algorithm>
#include <optional>

#include "client/relay_order.h"
#include "crypto/age.h"

#include "i18n/catalog.h"

namespace cairn::client {

Result<ReplyBoardDownload> check_reply_board(const crypto::DropAddress& address, const SubmitOptions& options,
                                             DayNumber today) {
  std::optional<ReplyBoardDownload> fetched;
  SubmitOptions o = options;
  o.board = [&fetched](Result<ReplyBoardDownload> board) -> Status {
    if (!board.ok()) return board.error();
    fetched = std::move(board).value();  // from the relay the cover drop then goes to
    return ok_status();
  };
  // No drop of its own: deliver() sends the one cover drop of the smallest class.
  auto sent = deliver(address, [](std::size_t, crypto::DropRecipients) -> Result<DropSource> { return DropSource{}; }, o, today);
  if (fetched) return std::move(*fetched);
  if (!sent.ok()) return sent.error();
  return make_error(Errc::internal, i18n::tr("the reply board was not fetched"));
}

Result<ReplyBoardDownload> fetch_reply_board(const crypto::DropAddress& address, const ConnectOptions& options,
                                             const RelayFailed& failed) {
  RelayOrder order(address);
  std::optional<Error> last;
  while (const auto* relay = order.next()) {
    auto board = fetch_reply_board(*relay, options);
    if (board.ok()) return board;
    last = board.error();
    if (failed) failed(*relay, *last, order.remaining() > 0);
  }
  if (!last) return make_error(Errc::invalid_argument, i18n::tr("the drop address names no relay"));
  if (order.size() > 1)
    return make_error(last->code, i18n::trf("none of the %s relays could be used; the last one: %s", order.size(),
                                            last->message));
  return *last;
}

Result<ReplyBoardDownload> fetch_reply_board(const crypto::RelayAddress& address, const ConnectOptions& options) {
  CAIRN_TRY(auto conn, RelayConnection::open(address, options));
  return fetch_board(conn);
}

FoundReplies find_replies(std::span<const Bytes> board, const crypto::ReplyKeys& reply_key) {
  FoundReplies found;
  found.board_size = board.size();
  for (const auto& reply : board) {
    // Only a well-formed reply can be meant for anyone: skip anything else
    // before trying the key, so damage elsewhere on the board is not
    // mistaken for a reply to us.
    if (reply.size() != crypto::kReplySize) continue;
    auto file = crypto::age::parse_file(reply);
    if (!file.ok() || file->header.stanzas.size() != 1) continue;
    const auto type = file->header.stanzas[0].type();
    if (type != crypto::age::kX25519StanzaType && type != crypto::age::kHybridStanzaType) continue;
    auto opened = crypto::open_reply(reply, reply_key);
    if (opened.ok())
      found.replies.push_back(std::move(opened).value());
    else if (opened.code() != Errc::no_identity_match)
      ++found.unreadable;  // our key opened its header: it was for us, but is damaged or too new
  }
  std::stable_sort(found.replies.begin(), found.replies.end(),
                   [](const auto& a, const auto& b) { return a.day < b.day; });
  return found;
}

}  // namespace cairn::client
