// cairn check: the replies to a codename (client/commands.h, client/check.h).
#include <iostream>
#include <optional>
#include <string>

#include "client/check.h"
#include "client/commands.h"
#include "common/cli.h"
#include "common/day.h"
#include "common/text.h"
#include "i18n/catalog.h"

namespace cairn::client {

using i18n::tr;
using i18n::trf;

int check_command(const std::string& to, const RouteRequest& route_request, int codename_fd) {
  auto address = crypto::parse_drop_address(to);
  if (!address.ok()) return cli::fail(address.error(), tr("copy the drop address again, exactly as published"));
  auto typed = read_codename(codename_fd, /*stdin_is_free=*/true);
  if (!typed.ok()) return cli::fail(typed.error());
  std::optional<crypto::ReplyKeys> key;
  if (int rc = codename_key(*typed, key); rc != 0) return rc;
  Route route;
  if (int rc = open_route_for(*address, route_request, route); rc != 0) return rc;
  SubmitOptions options;
  options.connect = route.connect;
  options.relay_failed = relay_failure_printer();
  auto board = check_reply_board(*address, options, today_utc());
  if (!board.ok()) {
    std::string hint;
    if (board.code() == Errc::io || board.code() == Errc::timeout) hint = tr("check your connection and try again");
    return cli::fail(board.error(), hint);
  }
  auto found = find_replies(board->replies, *key);
  // The same words whether the codename is wrong or simply has no replies yet.
  if (found.replies.empty()) std::cout << tr("no replies for this codename\n");
  for (std::size_t i = 0; i < found.replies.size(); ++i) {
    const auto& r = found.replies[i];
    std::cout << trf("reply %s of %s", i + 1, found.replies.size());
    if (r.day != 0) std::cout << trf(", written %s", format_day(r.day));
    if (r.in_reply_to_day != 0) std::cout << trf(", answering your message of %s", format_day(r.in_reply_to_day));
    std::cout << ":\n" << sanitize_for_terminal(r.text) << "\n\n";
  }
  std::cout.flush();
  if (found.unreadable > 0)
    cli::warn(trf("replies for this codename that could not be read: %s (damaged, or written by a newer Cairn: "
                  "update cairn)",
                  found.unreadable));
  return 0;
}

}  // namespace cairn::client
