// `cairn submit`: fetch and verify the key bundle, seal the testimony into
// drops for every current analyst, pay the proof of work, send with many
// drops in flight (client/drop_window.h), and count acknowledgements. A
// connection that breaks is replaced, and the drops it had not acknowledged
// are sent again, as long as connections keep getting drops through.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "client/drop_window.h"
#include "client/relay_connection.h"
#include "client/submission.h"
#include "common/day.h"
#include "crypto/key_bundle.h"

namespace cairn::client {

struct SubmitOptions {
  ConnectOptions connect;
  // Called after each acknowledged drop of a multi-drop submission.
  std::function<void(std::size_t acknowledged, std::size_t total)> progress;
  // Called once if a reconnect (for the next drops) fails, with the verified
  // key bundle: another way to the relay to try once (cairn's own tor with
  // the organisation's signed bridge lines), or nothing to give up.
  std::function<std::optional<ConnectOptions>(const crypto::VerifiedKeyBundle&, const Error&)> reroute;
  // Drops in flight on a connection, and threads sealing them (0: one per
  // core); client/drop_window.h.
  std::size_t window = kDefaultWindow;
  unsigned threads = 0;
};

struct SubmitReport {
  std::size_t drops_total = 0;
  std::size_t drops_acknowledged = 0;
  std::size_t analysts = 0;
};

// Fetches the relay's key bundle and verifies every chain to the organisation
// key pinned in the drop address (and that it certifies this relay's key).
[[nodiscard]] Result<crypto::VerifiedKeyBundle> fetch_key_bundle(RelayConnection& conn,
                                                                 const crypto::DropAddress& address, DayNumber today);

// A connection's handshake parameters against the verified bundle: the same
// drop size, and no more proof of work than the organisation allows. Checked
// on every connection of a submission.
[[nodiscard]] Status check_relay_parameters(const v1::HandshakePayload& params,
                                            const crypto::VerifiedKeyBundle& bundle);

[[nodiscard]] Result<SubmitReport> submit(const crypto::DropAddress& address, const SubmissionInput& input,
                                          const SubmitOptions& options, DayNumber today);

}  // namespace cairn::client
