// cairn-analyst relay address NAME HOST:PORT…: where a certified relay
// listens, for the key bundles and drop addresses the station makes
// (analyst/relay_endpoints.h).
#include <iostream>

#include "analyst/commands.h"
#include "analyst/display.h"
#include "analyst/relay_endpoints.h"
#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

int relay_address_command(const CommandContext& g, const std::string& name, const std::vector<std::string>& endpoints) {
  std::vector<Endpoint> parsed;
  for (const auto& text : endpoints) {
    auto e = parse_endpoint(text);
    if (!e.ok()) return cli::fail(e.error(), tr("write each place as HOST:PORT, e.g. relay.example.org:443"));
    parsed.push_back(std::move(e).value());
  }
  return with_vault(g, [&](Vault& vault) {
    auto st = vault.transaction([&] { return set_relay_endpoints(vault, name, parsed); });
    if (!st.ok()) return cli::fail(st.error());
    std::cout << trf("relay '%s' listens at %s place(s); key bundles made from now on list them",
                     sanitize_for_terminal(name, Lines::flatten), parsed.size())
              << "\n";
    cli::info(trf("next: %s for each relay, and %s", "cairn-analyst keys bundle --relay NAME --out FILE",
                  "keys address --relay NAME…"));
    return 0;
  });
}

}  // namespace cairn::analyst
