#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "analyst/keys.h"
#include "common/cli.h"
#include "crypto/key_text.h"

namespace cairn::analyst {

int relay_add_command(const CommandContext& g, const std::string& name, const std::string& keys_text) {
  auto keys = crypto::parse_relay_keys(keys_text);
  if (!keys.ok()) return cli::fail(keys.error(), "copy the cairn-relay1… line that cairn-relay init printed, exactly");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  Result<RelayRecord> added = make_error(Errc::internal, "not run");
  auto st = vault->transaction([&]() -> Status {
    added = add_relay(*vault, name, *keys, g.today);
    if (!added.ok()) return added.error();
    return ok_status();
  });
  if (!st.ok()) return cli::fail(st.error());
  std::cout << "certified relay '" << name << "' until " << format_day(added->not_after_day) << "\n";
  cli::info("next: cairn-analyst keys bundle --relay " + name + " --out FILE, and carry FILE to the relay");
  return 0;
}

int relay_list_command(const CommandContext& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto all = relays(*vault);
  if (!all.ok()) return cli::fail(all.error());
  for (const auto& r : *all)
    std::cout << sanitize_for_terminal(r.name, Lines::flatten) << "  " << crypto::encode_relay_keys(r.keys)
              << "  certified until " << format_day(r.not_after_day) << "\n";
  return 0;
}

}  // namespace cairn::analyst
