#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "analyst/keys.h"
#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

int analyst_add_command(const CommandContext& g, const std::string& name) {
  return with_vault(g, [&](Vault& vault) {
    Result<AnalystRecord> added = make_error(Errc::internal, "not run");
    auto st = vault.transaction([&]() -> Status {
      added = add_analyst(vault, name, g.today);
      if (!added.ok()) return added.error();
      return ok_status();
    });
    if (!st.ok()) return cli::fail(st.error());
    std::cout << trf("added analyst '%s' (identity key %s…) with a first messaging key", name,
                     to_hex(ByteView(added->identity_key).first(8)))
              << "\n";
    cli::info(tr("make a new key bundle (cairn-analyst keys bundle) so sources encrypt to this analyst too"));
    return 0;
  });
}

int analyst_list_command(const CommandContext& g) {
  return with_vault(g, [&](Vault& vault) {
    auto all = analysts(vault);
    if (!all.ok()) return cli::fail(all.error());
    for (const auto& a : *all)
      std::cout << trf("%s  identity %s…  valid until %s", sanitize_for_terminal(a.name, Lines::flatten),
                       to_hex(ByteView(a.identity_key).first(8)), format_day(a.not_after_day))
                << "\n";
    return 0;
  });
}

}  // namespace cairn::analyst
