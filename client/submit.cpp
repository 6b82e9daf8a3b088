#include "client/submit.h"

#include <future>

#include "client/cover.h"
#include "client/drop_window.h"
#include "client/relay_error.h"
#include "client/relay_order.h"
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

Result<crypto::VerifiedKeyBundle> fetch_key_bundle(RelayConnection& conn, const crypto::RelayAddress& relay,
                                                   const crypto::Ed25519Public& organisation_key, DayNumber today) {
  v1::Request req;
  req.mutable_get_key_bundle();
  CAIRN_TRY(auto resp, conn.call(req));
  if (resp.has_error()) return relay_refused(resp.error());
  if (!resp.has_key_bundle()) return make_error(Errc::protocol, i18n::tr("the relay answered with something other than keys"));
  CAIRN_TRY(auto bundle, crypto::verify_key_bundle(as_bytes(resp.key_bundle().signed_key_bundle()),
                                                   organisation_key, today));
  if (bundle.relay_noise_key != relay.relay_noise_key)
    return make_error(Errc::untrusted, i18n::tr("the analysts' keys are certified for a different relay than this drop address"));
  return bundle;
}

namespace {

// A relay that answered with a verified key bundle, ready for drops.
struct Started {
  RelayConnection conn;
  crypto::VerifiedKeyBundle bundle;
  const crypto::RelayAddress* relay;
};

}  // namespace

Result<SubmitReport> submit(const crypto::DropAddress& address, const SubmissionInput& input,
                            const SubmitOptions& options, DayNumber today) {
  CAIRN_CHECK(check_submission(input));  // before any connection: input mistakes need no network
  return deliver(address,
                 [&input](std::size_t capacity, crypto::DropRecipients kind) {
                   return submission_drops(input, capacity, kind);
                 },
                 options, today);
}

Result<SubmitReport> deliver(const crypto::DropAddress& address, const MakeDrops& make, const SubmitOptions& options,
                             DayNumber today) {
  RelayOrder order(address);
  // Every connection must take at least one drop, or the loop below would
  // reconnect for ever.
  ConnectOptions connect = options.connect;
  auto open_for_drops = [&](const crypto::RelayAddress& relay) -> Result<RelayConnection> {
    CAIRN_TRY(auto c, RelayConnection::open(relay, connect));
    if (c.relay_parameters().max_drops_per_connection() == 0)
      return make_error(Errc::protocol, i18n::tr("the relay takes no drops (it allows 0 per connection); try again later"));
    return c;
  };
  // The next relay of the order that answers with a verified bundle (of the
  // same drop size as `first`'s, once drops are sealed). `failed`: why the
  // relay before failed, returned when there is no other relay to try.
  auto start_on = [&](const crypto::VerifiedKeyBundle* first, std::optional<Error> failed) -> Result<Started> {
    while (const auto* relay = order.next()) {
      auto started = [&]() -> Result<Started> {
        CAIRN_TRY(auto c, open_for_drops(*relay));
        CAIRN_TRY(auto b, fetch_key_bundle(c, *relay, address.organisation_key, today));
        CAIRN_CHECK(check_relay_parameters(c.relay_parameters(), b));
        if (first && b.drop_size != first->drop_size)
          return make_error(Errc::protocol, i18n::tr("this relay's key bundle has another drop size than the relay "
                                                     "the submission started on"));
        // The board, as a check fetches it, before any drop.
        auto board = fetch_board(c);
        if (options.board) CAIRN_CHECK(options.board(std::move(board)));
        else if (!board.ok() && is_broken_connection(board.error())) return board.error();
        return Started{std::move(c), std::move(b), relay};
      }();
      if (started.ok()) return started;
      failed = started.error();
      if (options.relay_failed) options.relay_failed(*relay, *failed, order.remaining() > 0);
    }
    if (!failed) return make_error(Errc::invalid_argument, i18n::tr("the drop address names no relay"));
    if (order.size() > 1)
      return make_error(failed->code, i18n::trf("none of the %s relays could be used; the last one: %s", order.size(),
                                                failed->message));
    return *failed;  // one relay: its own error, as it always was
  };

  CAIRN_TRY(auto started, start_on(nullptr, std::nullopt));
  order.add_listed(started.bundle);
  crypto::VerifiedKeyBundle bundle = std::move(started.bundle);
  const crypto::RelayAddress* relay = started.relay;
  CAIRN_TRY(auto capacity, crypto::drop_body_capacity(bundle.drop_size, bundle.messaging_key_count(),
                                                            bundle.drop_recipients().kind()));
  CAIRN_TRY(auto real, make(capacity, bundle.drop_recipients().kind()));
  const std::size_t real_count = real.count;
  auto source = with_cover(std::move(real), size_class(real_count));

  const std::size_t count = source.count;
  SubmitReport report{count, count - real_count, 0, bundle.analysts.size()};
  DropWindow window(std::move(source), bundle.drop_recipients(), bundle.drop_size, options.window, options.threads);
  DropWindow::Progress progress;
  if (count > 1 && options.progress) progress = options.progress;

  std::optional<RelayConnection> current(std::move(started.conn));
  // The next connection to the same relay, opened while the current one
  // drains (a Tor circuit and a handshake are two round trips the drops need
  // not wait for).
  std::future<Result<RelayConnection>> next_connection;
  const crypto::RelayAddress* next_for = nullptr;
  auto open_next = [&] {
    next_for = relay;
    next_connection = std::async(std::launch::async, [&open_for_drops, to = relay] { return open_for_drops(*to); });
  };
  // The current relay cannot be reached: the drops not yet acknowledged go
  // to another relay (the same sealed bytes; the station keeps each once).
  auto move_on = [&](const Error& why) -> Status {
    if (options.relay_failed) options.relay_failed(*relay, why, order.remaining() > 0);
    if (order.remaining() == 0) return why;
    CAIRN_TRY(auto other, start_on(&bundle, why));
    relay = other.relay;
    bundle = std::move(other.bundle);
    current.emplace(std::move(other.conn));
    if (options.relay_moved) options.relay_moved(*relay, window.acknowledged(), count);
    return ok_status();
  };
  bool rerouted = false;
  int fruitless = 0;
  while (!window.done()) {
    if (!current) {
      // A connection opened ahead that failed is tried again now: its failure
      // may be stale (the route changed meanwhile), and this one decides.
      const bool ahead = next_connection.valid() && next_for == relay;
      auto reopened = ahead ? next_connection.get() : open_for_drops(*relay);
      if (next_connection.valid()) next_connection = {};  // opened for a relay given up
      if (!reopened.ok() && ahead) reopened = open_for_drops(*relay);
      if (!reopened.ok() && options.reroute && !rerouted) {
        rerouted = true;
        auto other = options.reroute(bundle, reopened.error());
        if (other) {
          connect = std::move(*other);
          reopened = open_for_drops(*relay);
        }
      }
      if (!reopened.ok()) {
        CAIRN_CHECK(move_on(reopened.error()));
        fruitless = 0;
      } else {
        // Every connection's handshake is held to the signed bundle, not only
        // the first: a relay must not raise the work or change the size later.
        CAIRN_CHECK(check_relay_parameters(reopened->relay_parameters(), bundle));
        current.emplace(std::move(reopened).value());
      }
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
    if (fruitless >= kMaxFruitlessConnections) {
      CAIRN_CHECK(move_on(sent.error()));
      fruitless = 0;
    }
  }
  return report;
}

}  // namespace cairn::client
