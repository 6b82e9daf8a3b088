#include "analyst/key_bundle.h"

#include <algorithm>
#include <map>

#include "analyst/files.h"
#include "analyst/keys.h"
#include "analyst/relay_endpoints.h"
#include "common/files.h"
#include "common/lines.h"
#include "crypto/drop_address.h"
#include "i18n/catalog.h"
#include "wire/file_kind.h"

namespace cairn::analyst {
namespace {

using i18n::tr;
using i18n::trf;

// Implementation constant: a bridges file is small.
constexpr std::size_t kBridgesFileMaxBytes = 64 * 1024;


Result<RelayRecord> choose_relay(Vault& vault, std::string_view name) {
  if (!name.empty()) return find_relay(vault, name);
  CAIRN_TRY(auto all, relays(vault));
  if (all.size() == 1) return all.front();
  if (all.empty())
    return make_error(Errc::not_found,
                      trf("this organisation has certified no relay yet (%s)", "cairn-analyst relay add NAME cairn-relay1…"));
  std::string names;
  for (const auto& r : all) names += (names.empty() ? "'" : ", '") + r.name + "'";
  return make_error(Errc::invalid_argument, trf("this organisation has several relays (%s); say which one with --relay", names));
}

}  // namespace

Result<std::vector<std::string>> read_bridge_lines(const std::filesystem::path& path) {
  CAIRN_TRY(auto bytes, read_file_capped(path, kBridgesFileMaxBytes, "the bridges file"));
  std::vector<std::string> out;
  CAIRN_CHECK(for_each_content_line(as_chars(bytes), [&](std::string_view line, std::size_t number) -> Status {
    if (auto problem = crypto::bridge_line_problem(line); !problem.empty())
      return make_error(Errc::malformed, trf("%s, line %s: %s", path.string(), number, problem));
    if (out.size() == crypto::kKeyBundleMaxBridgeLines)
      return make_error(Errc::too_large,
                        trf("%s has more than %s bridge lines", path.string(), crypto::kKeyBundleMaxBridgeLines));
    out.emplace_back(line);
    return ok_status();
  }));
  return out;
}

Result<StationBundle> make_key_bundle(Vault& vault, const BundleOptions& options, DayNumber today) {
  CAIRN_TRY(auto relay, choose_relay(vault, options.relay));
  CAIRN_TRY(auto org, organisation_key(vault));
  CAIRN_TRY(auto people, analysts(vault));
  CAIRN_TRY(auto keys, messaging_keys(vault));
  // Only keys of the organisation's kind: a bundle is never mixed.
  CAIRN_TRY(const bool hybrid, hybrid_messaging(vault));
  std::erase_if(keys, [hybrid](const MessagingKeyRecord& k) { return k.hybrid_key.has_value() != hybrid; });

  crypto::KeyBundleParams params;
  params.issued_day = days_before(today, kClockToleranceDays);
  params.drop_size = options.drop_size;
  params.pow_bits = options.pow_bits;
  params.bridge_lines = options.bridge_lines;
  DayNumber expires = std::min(relay.not_after_day, today + kMessagingKeyValidDays);
  std::size_t usable = 0;
  for (const auto& a : people) {
    if (a.not_after_day < today) continue;  // an analyst whose identity expired is left out
    params.certificates.push_back(a.identity_certificate);
    std::optional<DayNumber> newest_expiry;
    for (const auto& k : keys) {
      if (k.analyst_id != a.id || k.destroyed_day || k.not_after_day < today) continue;
      params.certificates.push_back(k.certificate);
      newest_expiry = std::max(newest_expiry.value_or(0), k.not_after_day);
      if (k.valid_on(today)) ++usable;
    }
    if (newest_expiry) expires = std::min({expires, *newest_expiry, a.not_after_day});
  }
  if (usable == 0)
    return make_error(Errc::expired, tr("no analyst has a messaging key valid today; run cairn-analyst keys rotate first"));
  params.expires_day = std::max(expires, today);
  params.certificates.push_back(relay.noise_certificate);
  params.certificates.push_back(relay.signing_certificate);
  // Every relay of the organisation whose certificates are valid today, with
  // where it listens: a source that reaches one can go on through another.
  CAIRN_TRY(auto all_relays, relays(vault));
  for (const auto& r : all_relays) {
    if (r.not_after_day < today) continue;
    CAIRN_TRY(auto endpoints, relay_endpoints(vault, r.name));
    params.relays.push_back({r.noise_certificate, r.signing_certificate, std::move(endpoints)});
  }

  CAIRN_TRY(auto signed_bundle, crypto::build_key_bundle(org, params));
  CAIRN_TRY(auto verified, crypto::verify_key_bundle(signed_bundle, org.public_key, today));
  CAIRN_CHECK(vault.transaction([&]() -> Status {
    CAIRN_TRY(auto q, vault.db().prepare("INSERT OR IGNORE INTO drop_sizes (size) VALUES (?1);"));
    return q.bind(1, std::int64_t{options.drop_size}).run();
  }));
  return StationBundle{wire::wrap_file(wire::FileKind::key_bundle, signed_bundle), std::move(verified), relay.name};
}

Result<std::string> make_drop_address(Vault& vault, const std::vector<std::string>& relay_names,
                                      const std::optional<Endpoint>& at) {
  if (relay_names.empty()) return make_error(Errc::invalid_argument, tr("name at least one relay with --relay"));
  if (at && relay_names.size() > 1)
    return make_error(Errc::invalid_argument, tr("--host and --port name the place of one relay; for several relays, "
                                                 "record where each listens with cairn-analyst relay address NAME "
                                                 "HOST:PORT and leave them out"));
  crypto::DropAddress address;
  CAIRN_TRY(address.organisation_key, organisation_public_key(vault));
  for (const auto& name : relay_names) {
    CAIRN_TRY(auto relay, find_relay(vault, name));
    std::vector<Endpoint> endpoints;
    if (at) {
      endpoints.push_back(*at);
    } else {
      CAIRN_TRY(endpoints, relay_endpoints(vault, relay.name));
      if (endpoints.empty())
        return make_error(Errc::not_found, trf("the station does not know where relay '%s' listens: record it with "
                                               "%s, or give --host and --port",
                                               relay.name, "cairn-analyst relay address " + relay.name + " HOST:PORT"));
    }
    for (auto& [host, port] : endpoints) address.relays.push_back({relay.keys.noise, std::move(host), port});
  }
  return crypto::encode_drop_address(address);
}

}  // namespace cairn::analyst
