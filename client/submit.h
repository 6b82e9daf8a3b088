// `cairn submit`: fetch and verify the key bundle, seal the testimony into
// drops for every current analyst, pay the proof of work, send with many
// drops in flight (client/drop_window.h), and count acknowledgements. A
// connection that breaks is replaced, and the drops it had not acknowledged
// are sent again, as long as connections keep getting drops through.
//
// Several relays (docs/PROTOCOL.md, "Several relays"): the relays of the drop
// address are tried in a random order until one answers with a verified key
// bundle; every drop of the submission then goes to that relay for as long
// as it can be reached. Only when it cannot (a reconnect fails, or three
// connections in a row got no drop through) do the remaining drops, the same
// sealed bytes, go to the next relay, of the address or of the bundle's list.
//
// Traffic shapes (docs/PROTOCOL.md, "Traffic shapes"): the first connection
// to a relay fetches the key bundle and then every page of the reply board,
// as `cairn check` does, before any drop; the drops are padded with cover to
// their size class (client/cover.h) and the cover shuffled among them. A
// check goes through the same code with no drop of its own: one cover drop.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "client/drop_window.h"
#include "client/relay_connection.h"
#include "client/reply_board.h"
#include "client/submission.h"
#include "common/day.h"
#include "crypto/key_bundle.h"

namespace cairn::client {

// A relay that could not be used (`more`: another will be tried), for the
// source's progress lines.
using RelayFailed = std::function<void(const crypto::RelayAddress& relay, const Error& why, bool more)>;

struct SubmitOptions {
  ConnectOptions connect;
  // Called after each acknowledged drop of a multi-drop submission.
  std::function<void(std::size_t acknowledged, std::size_t total)> progress;
  // Called once if a reconnect (for the next drops) fails, with the verified
  // key bundle: another way to the relay to try once (cairn's own tor with
  // the organisation's signed bridge lines), or nothing to give up.
  std::function<std::optional<ConnectOptions>(const crypto::VerifiedKeyBundle&, const Error&)> reroute;
  // A relay could not be used; and the drops moved to another relay after
  // `acknowledged` of `total` were acknowledged.
  RelayFailed relay_failed;
  std::function<void(const crypto::RelayAddress& to, std::size_t acknowledged, std::size_t total)> relay_moved;
  // Drops in flight on a connection, and threads sealing them (0: one per
  // core); client/drop_window.h.
  std::size_t window = kDefaultWindow;
  unsigned threads = 0;
  // Every page of the reply board, fetched on the first connection to each
  // relay right after the key bundle. Unset (a submission): the board is
  // dropped, and only a connection that breaks while fetching it gives the
  // relay up. Set (a check): given the board or the error; an error it
  // returns gives the relay up.
  std::function<Status(Result<ReplyBoardDownload>)> board;
};

struct SubmitReport {
  std::size_t drops_total = 0;  // the size class: real drops and cover
  std::size_t cover = 0;        // cover drops among them
  std::size_t drops_acknowledged = 0;
  std::size_t analysts = 0;
};

// Fetches the relay's key bundle and verifies every chain to the organisation
// key pinned in the drop address (and that it certifies this relay's key).
[[nodiscard]] Result<crypto::VerifiedKeyBundle> fetch_key_bundle(RelayConnection& conn, const crypto::RelayAddress& relay,
                                                                 const crypto::Ed25519Public& organisation_key,
                                                                 DayNumber today);

// A connection's handshake parameters against the verified bundle: the same
// drop size, and no more proof of work than the organisation allows. Checked
// on every connection of a submission.
[[nodiscard]] Status check_relay_parameters(const v1::HandshakePayload& params,
                                            const crypto::VerifiedKeyBundle& bundle);

// The drops to deliver, made once the key bundle tells how much one holds
// (crypto::drop_body_capacity) and which kind of keys it has; deliver() pads
// them with cover.
using MakeDrops = std::function<Result<DropSource>(std::size_t capacity, crypto::DropRecipients kind)>;

// The shape every source connection has: relays tried in order until one
// answers with a verified bundle; on it the board (options.board), then the
// drops of `make` with cover added up to their size class
// (client/cover.h; none at all: one cover drop), sent and acknowledged.
[[nodiscard]] Result<SubmitReport> deliver(const crypto::DropAddress& address, const MakeDrops& make,
                                           const SubmitOptions& options, DayNumber today);

// check_submission, then deliver() of the submission's drops.
[[nodiscard]] Result<SubmitReport> submit(const crypto::DropAddress& address, const SubmissionInput& input,
                                          const SubmitOptions& options, DayNumber today);

}  // namespace cairn::client
