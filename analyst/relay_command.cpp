#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "analyst/keys.h"
#include "common/cli.h"
#include "crypto/key_text.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

int relay_add_command(const CommandContext& g, const std::string& name, const std::string& keys_text) {
  auto keys = crypto::parse_relay_keys(keys_text);
  if (!keys.ok())
    return cli::fail(keys.error(), tr("copy the cairn-relay1… line that cairn-relay init printed, exactly"));
  return with_vault(g, [&](Vault& vault) {
    Result<RelayRecord> added = make_error(Errc::internal, "not run");
    auto st = vault.transaction([&]() -> Status {
      added = add_relay(vault, name, *keys, g.today);
      if (!added.ok()) return added.error();
      return ok_status();
    });
    if (!st.ok()) return cli::fail(st.error());
    std::cout << trf("certified relay '%s' until %s", name, format_day(added->not_after_day)) << "\n";
    cli::info(trf("next: %s, and carry FILE to the relay", "cairn-analyst keys bundle --relay " + name + " --out FILE"));
    return 0;
  });
}

int relay_list_command(const CommandContext& g) {
  return with_vault(g, [&](Vault& vault) {
    auto all = relays(vault);
    if (!all.ok()) return cli::fail(all.error());
    for (const auto& r : *all)
      std::cout << sanitize_for_terminal(r.name, Lines::flatten) << "  " << crypto::encode_relay_keys(r.keys) << "  "
                << trf("certified until %s", format_day(r.not_after_day)) << "\n";
    return 0;
  });
}

}  // namespace cairn::analyst
