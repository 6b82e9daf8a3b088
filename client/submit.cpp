#include "client/submit.h"

#include <future>

#include "client/drop_window.h"
#include "client/relay_error.h"
#include "crypto/drop.h"

#include "i18n/catalog.h"

namespace cairn::client {
namespace {

// Connections in a row that broke before any drop was acknowledged: then the
// way to the relay is not working, and the source is told.
constexpr int kMaxFruitlessConnections = 3;

}  // namespace

Status check_relay_parameters(const v1::HandshakePayload& params, const crypto::VerifiedKeyBundle& bundle) {
  if (params.drop_size() != bundle.drop_size)
    return make_error(Errc::protocol, i18n::tr("the relay and its key bundle disagree about the drop size"));
  // The organisation signs the most work a source may be asked for: a relay
  // (perhaps seized) must not make a source's laptop compute for hours.
  if (params.pow_bits() > bundle.pow_bits)
    return make_error(Errc::untrusted, i18n::trf("the relay asks for more proof of work (%s bits) than the "
                                                 "organisation allows (%s bits)",
                                                 params.pow_bits(), bundle.pow_bits));
  return ok_status();
}

Result<crypto::VerifiedKeyBundle> fetch_key_bundle(RelayConnection& conn, const crypto::DropAddress& address,
                                                   DayNumber today) {
  v1::Request req;
  req.mutable_get_key_bundle();
  CAIRN_TRY(auto resp, conn.call(req));
  if (resp.has_error()) return relay_refused(resp.error());
  if (!resp.has_key_bundle()) return make_error(Errc::protocol, i18n::tr("the relay answered with something other than keys"));
  CAIRN_TRY(auto bundle, crypto::verify_key_bundle(as_bytes(resp.key_bundle().signed_key_bundle()),
                                                   address.organisation_key, today));
  if (bundle.relay_noise_key != address.relay_noise_key)
    return make_error(Errc::untrusted, i18n::tr("the analysts' keys are certified for a different relay than this drop address"));
  return bundle;
}

Result<SubmitReport> submit(const crypto::DropAddress& address, const SubmissionInput& input,
                            const SubmitOptions& options, DayNumber today) {
  CAIRN_CHECK(check_submission(input));  // before any connection: input mistakes need no network
  // Every connection must take at least one drop, or the loop below would
  // reconnect for ever.
  ConnectOptions connect = options.connect;
  auto open_for_drops = [&]() -> Result<RelayConnection> {
    CAIRN_TRY(auto c, RelayConnection::open(address, connect));
    if (c.relay_parameters().max_drops_per_connection() == 0)
      return make_error(Errc::protocol, i18n::tr("the relay takes no drops (it allows 0 per connection); try again later"));
    return c;
  };
  CAIRN_TRY(auto conn, open_for_drops());
  CAIRN_TRY(auto bundle, fetch_key_bundle(conn, address, today));
  CAIRN_CHECK(check_relay_parameters(conn.relay_parameters(), bundle));
  CAIRN_TRY(auto capacity, crypto::drop_body_capacity(bundle.drop_size, bundle.messaging_keys.size()));
  CAIRN_TRY(auto source, submission_drops(input, capacity));

  const std::size_t count = source.count;
  SubmitReport report{count, 0, bundle.analysts.size()};
  DropWindow window(std::move(source), bundle.messaging_keys, bundle.drop_size, options.window, options.threads);
  DropWindow::Progress progress;
  if (count > 1 && options.progress) progress = options.progress;

  std::optional<RelayConnection> current(std::move(conn));
  // The next connection, opened while the current one drains (a Tor circuit
  // and a handshake are two round trips the drops need not wait for).
  std::future<Result<RelayConnection>> next_connection;
  auto open_next = [&] { next_connection = std::async(std::launch::async, open_for_drops); };
  bool rerouted = false;
  int fruitless = 0;
  while (!window.done()) {
    if (!current) {
      // A connection opened ahead that failed is tried again now: its failure
      // may be stale (the route changed meanwhile), and this one decides.
      const bool ahead = next_connection.valid();
      auto reopened = ahead ? next_connection.get() : open_for_drops();
      if (!reopened.ok() && ahead) reopened = open_for_drops();
      if (!reopened.ok() && options.reroute && !rerouted) {
        rerouted = true;
        auto other = options.reroute(bundle, reopened.error());
        if (other) {
          connect = std::move(*other);
          reopened = open_for_drops();
        }
      }
      CAIRN_TRY(auto fresh, std::move(reopened));
      // Every connection's handshake is held to the signed bundle, not only
      // the first: a relay must not raise the work or change the size later.
      CAIRN_CHECK(check_relay_parameters(fresh.relay_parameters(), bundle));
      current.emplace(std::move(fresh));
    }
    const std::size_t before = window.acknowledged();
    auto sent = window.send_on(*current, progress, relay_refused, open_next);
    current.reset();  // it has taken all the drops the relay allows, or it broke
    report.drops_acknowledged = window.acknowledged();
    if (sent.ok()) continue;
    // A broken connection: the drops in flight go again on a new one, as long
    // as connections keep getting drops through.
    if (!window.connection_broke()) return sent.error();
    fruitless = window.acknowledged() > before ? 0 : fruitless + 1;
    if (fruitless >= kMaxFruitlessConnections) return sent.error();
  }
  return report;
}

}  // namespace cairn::client
