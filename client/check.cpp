#include "client/check.h"

#include <algorithm>
#include <optional>

#include "client/relay_error.h"
#include "client/relay_order.h"
#include "common/utf8.h"
#include "crypto/age.h"
#include "crypto/reply_batch.h"
#include "wire/protocol.h"

#include "i18n/catalog.h"

namespace cairn::client {

namespace {

// One page as the relay sent it, checked against what was asked.
struct BoardPage {
  v1::ReplyBoard board;
  std::size_t response_bytes = 0;
};

// Sets `changed`; the error is what the source sees when the fetch from the
// start changes again.
Error board_changed(bool& changed) {
  changed = true;
  return make_error(Errc::protocol, i18n::tr("the relay's reply board changed twice while it was being fetched; "
                                               "run the command again"));
}

// `changed`: the page no longer exists because the board changed on the
// relay (a batch published, replies expired) since page 0; the caller may
// start again.
Result<BoardPage> fetch_page(RelayConnection& conn, std::uint32_t page, bool& changed) {
  v1::Request request;
  request.mutable_get_reply_board()->set_page(page);
  CAIRN_TRY(auto response, conn.call(request));
  if (response.has_error() && response.error().code() == v1::ERROR_CODE_NO_SUCH_PAGE && page > 0)
    return board_changed(changed);
  if (response.has_error()) return relay_refused(response.error());
  if (!response.has_reply_board())
    return make_error(Errc::protocol, i18n::tr("the relay answered with something other than the reply board"));
  BoardPage out;
  out.response_bytes = response.ByteSizeLong();
  out.board = std::move(*response.mutable_reply_board());
  const auto& board = out.board;
  if (board.page() != page)
    return make_error(Errc::protocol, i18n::trf("the relay answered with page %s of the reply board when page %s was "
                                                "asked for", board.page() + std::uint64_t{1}, page + std::uint64_t{1}));
  if (board.page_count() > crypto::kMaxBoardPages)
    return make_error(Errc::too_large, i18n::trf("the relay's reply board has %s pages; a board has at most %s",
                                                 board.page_count(), crypto::kMaxBoardPages));
  if (static_cast<std::size_t>(board.replies_size()) > crypto::kBoardPageReplies)
    return make_error(Errc::too_large, i18n::trf("a page of the relay's reply board has %s replies; a page holds at "
                                                 "most %s",
                                                 board.replies_size(), crypto::kBoardPageReplies));
  return out;
}

// Every page, 0 first, on one connection. `changed` as for fetch_page, or
// a page of another page count or board digest than page 0's.
Result<ReplyBoardDownload> fetch_all_pages(RelayConnection& conn, bool& changed) {
  changed = false;
  CAIRN_TRY(auto first, fetch_page(conn, 0, changed));
  // 0: a relay from before paging, whose one page is the whole board.
  const std::uint32_t pages = std::max<std::uint32_t>(1, first.board.page_count());
  ReplyBoardDownload out;
  out.pages = pages;
  out.response_bytes = first.response_bytes;
  out.replies.reserve(static_cast<std::size_t>(first.board.replies_size()) * pages);
  for (auto& r : *first.board.mutable_replies()) out.replies.push_back(to_bytes(r));
  for (std::uint32_t page = 1; page < pages; ++page) {
    CAIRN_TRY(auto next, fetch_page(conn, page, changed));
    if (next.board.page_count() != first.board.page_count() ||
        next.board.board_digest() != first.board.board_digest())
      return board_changed(changed);
    out.response_bytes += next.response_bytes;
    for (auto& r : *next.board.mutable_replies()) out.replies.push_back(to_bytes(r));
  }
  return out;
}

}  // namespace

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
  // A board that changes once (a batch published mid-check) is fetched again
  // from page 0; one that changes again is reported.
  bool changed = false;
  auto board = fetch_all_pages(conn, changed);
  if (!board.ok() && changed) board = fetch_all_pages(conn, changed);
  return board;
}

FoundReplies find_replies(std::span<const Bytes> board, const crypto::X25519KeyPair& reply_key) {
  FoundReplies found;
  found.board_size = board.size();
  for (const auto& reply : board) {
    // Only a well-formed reply can be meant for anyone: skip anything else
    // before trying the key, so damage elsewhere on the board is not
    // mistaken for a reply to us.
    if (reply.size() != crypto::kReplySize) continue;
    auto file = crypto::age::parse_file(reply);
    if (!file.ok() || file->header.stanzas.size() != 1 ||
        file->header.stanzas[0].type() != crypto::age::kX25519StanzaType)
      continue;
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
