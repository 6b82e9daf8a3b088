// cairn-analyst relay address NAME HOST:PORT…: where a certified relay
// listens, for the key bundles and drop addresses the station makes
// (analyst/relay_endpoints.h).
#include <iostream>

#include "analyst/commands.h"
#include "analyst/display.h"
#include "analyst/relay_endpoints.h"
#include "common/cli.h"

namespace cairn::analyst {

int relay_address_command(const CommandContext& g, const std::string& name, const std::vector<std::string>& endpoints) {
  std::vector<Endpoint> parsed;
  for (const auto& text : endpoints) {
    auto e = parse_endpoint(text);
    if (!e.ok()) return cli::fail(e.error(), "write each place as HOST:PORT, e.g. relay.example.org:443");
    parsed.push_back(std::move(e).value());
  }
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto st = vault->transaction([&] { return set_relay_endpoints(*vault, name, parsed); });
  if (!st.ok()) return cli::fail(st.error());
  std::cout << "relay '" << sanitize_for_terminal(name, Lines::flatten) << "' listens at " << parsed.size()
            << " place(s); key bundles made from now on list them\n";
  cli::info("next: cairn-analyst keys bundle --relay NAME --out FILE for each relay, and keys address --relay NAME…");
  return 0;
}

}  // namespace cairn::analyst
