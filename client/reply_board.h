// Fetching the whole reply board on a connection (docs/PROTOCOL.md,
// "Paging"): every page, 0 first, whatever the caller is looking for. `cairn
// check` reads it; a submission fetches it too and drops it, so that the two
// look alike on the wire (docs/PROTOCOL.md, "Traffic shapes").
#pragma once

#include <cstdint>
#include <vector>

#include "client/relay_connection.h"
#include "common/bytes.h"
#include "common/result.h"

namespace cairn::client {

struct ReplyBoardDownload {
  std::vector<Bytes> replies;
  std::uint32_t pages = 1;
  std::size_t response_bytes = 0;  // the serialized Responses as received (same for every client)
};

// Every page of the board on `conn`, 0 first. A board that changed during the
// fetch (another page count or board digest, or a page that no longer
// exists) is fetched once more from page 0.
// Errors: those of RelayConnection, Errc::protocol (the relay answered with
// something else, another page than asked, an error, or a board that changed
// twice), Errc::too_large (more pages than a board has, or more replies on a
// page than a page holds).
[[nodiscard]] Result<ReplyBoardDownload> fetch_board(RelayConnection& conn);

}  // namespace cairn::client
