#include "client/submit.h"

#include "client/relay_error.h"
#include "crypto/drop.h"
#include "crypto/pow.h"

#include "i18n/catalog.h"

namespace cairn::client {
namespace {

// A proof of work expected to take 2^bits tries; give up far beyond that.
std::uint64_t pow_budget(std::uint32_t bits) { return (std::uint64_t{1} << bits) * 64 + 1024; }

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
  CAIRN_TRY(auto bodies, build_drop_bodies(input, capacity));

  SubmitReport report{bodies.size(), 0, bundle.analysts.size()};
  std::uint32_t sent_on_connection = 0;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    if (sent_on_connection >= conn.relay_parameters().max_drops_per_connection()) {
      auto reopened = open_for_drops();
      if (!reopened.ok() && options.reroute) {
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
      conn = std::move(fresh);
      sent_on_connection = 0;
    }
    CAIRN_TRY(auto drop, crypto::seal_drop(bodies[i], bundle.messaging_keys, bundle.drop_size));
    crypto::wipe(bodies[i]);
    const auto& params = conn.relay_parameters();
    crypto::pow::Challenge challenge{};
    std::copy(params.pow_challenge().begin(), params.pow_challenge().end(), challenge.begin());
    CAIRN_TRY(auto nonce, crypto::pow::solve(challenge, crypto::pow::context_for_drop(drop), params.pow_bits(),
                                             pow_budget(params.pow_bits())));
    v1::Request req;
    req.mutable_put_drop()->set_drop(drop.data(), drop.size());
    req.mutable_put_drop()->set_pow_nonce(nonce.data(), nonce.size());
    CAIRN_TRY(auto resp, conn.call(req));
    ++sent_on_connection;
    if (resp.has_error()) return relay_refused(resp.error());
    if (!resp.has_ack()) return make_error(Errc::protocol, i18n::tr("the relay did not acknowledge the drop"));
    ++report.drops_acknowledged;
    if (bodies.size() > 1 && options.progress) options.progress(i + 1, bodies.size());
  }
  return report;
}

}  // namespace cairn::client
