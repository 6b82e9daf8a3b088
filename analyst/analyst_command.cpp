#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "analyst/keys.h"
#include "common/cli.h"

namespace cairn::analyst {

int analyst_add_command(const CommandContext& g, const std::string& name) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  Result<AnalystRecord> added = make_error(Errc::internal, "not run");
  auto st = vault->transaction([&]() -> Status {
    added = add_analyst(*vault, name, g.today);
    if (!added.ok()) return added.error();
    return ok_status();
  });
  if (!st.ok()) return cli::fail(st.error());
  std::cout << "added analyst '" << name << "' (identity key " << to_hex(ByteView(added->identity_key).first(8))
            << "…) with a first messaging key\n";
  cli::info("make a new key bundle (cairn-analyst keys bundle) so sources encrypt to this analyst too");
  return 0;
}

int analyst_list_command(const CommandContext& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto all = analysts(*vault);
  if (!all.ok()) return cli::fail(all.error());
  for (const auto& a : *all)
    std::cout << sanitize_for_terminal(a.name, Lines::flatten) << "  identity " << to_hex(ByteView(a.identity_key).first(8))
              << "…  valid until " << format_day(a.not_after_day) << "\n";
  return 0;
}

}  // namespace cairn::analyst
