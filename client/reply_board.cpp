#include "client/reply_board.h"

#include <algorithm>

#include "client/relay_error.h"
#include "crypto/reply_batch.h"
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

Result<ReplyBoardDownload> fetch_board(RelayConnection& conn) {
  // A board that changes once (a batch published mid-check) is fetched again
  // from page 0; one that changes again is reported.
  bool changed = false;
  auto board = fetch_all_pages(conn, changed);
  if (!board.ok() && changed) board = fetch_all_pages(conn, changed);
  return board;
}

}  // namespace cairn::client
