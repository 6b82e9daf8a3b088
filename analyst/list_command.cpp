#include "analyst/commands.h"

#include <cstdio>
#include <iostream>

#include "analyst/display.h"
#include "common/cli.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

std::string testimony_kind(const TestimonySummary& s) {
  switch (s.state) {
    case TestimonyState::incomplete:
      return tr("incomplete");
    case TestimonyState::damaged:
      return tr("damaged");
    case TestimonyState::refused:
      return tr("refused");
    case TestimonyState::complete:
      break;
  }
  // TRANSLATORS: the kind of a testimony in list and show: "text", or text with this many files.
  return s.attachments == 0 ? tr("text") : trf("files(%s)", s.attachments);
}

int list_command(const CommandContext& g) {
  return with_vault(g, [&](Vault& vault) {
    auto all = list_testimonies(vault);
    if (!all.ok()) return cli::fail(all.error());
    if (all->empty()) {
      std::cout << tr("the vault holds no testimony yet") << "\n";
      return 0;
    }
    // TRANSLATORS: the column headings of list: ID, the day written, the kind, the size, the first line.
    std::printf("%-5s %-10s %-11s %-10s %s\n", tr("ID").c_str(), tr("WRITTEN").c_str(), tr("KIND").c_str(),
                tr("SIZE").c_str(), tr("FIRST LINE").c_str());
    for (const auto& s : *all) {
      std::string day = s.written_day != 0 ? format_day(s.written_day) : "-";
      std::string size = s.state == TestimonyState::incomplete ? trf("%s/%s parts", s.chunks_have, s.chunks_total)
                                                               : human_size(s.size);
      std::string first = s.state == TestimonyState::complete ? preview(s.text_start.text())
                          : s.problem.empty()                 ? ""
                                                              : preview(s.problem, 100);
      std::printf("%-5lld %-10s %-11s %-10s %s\n", static_cast<long long>(s.id), day.c_str(), testimony_kind(s).c_str(),
                  size.c_str(), first.c_str());
      crypto::wipe(first.data(), first.size());
    }
    auto quarantined = quarantine_count(vault);
    if (quarantined.ok() && *quarantined > 0)
      cli::info(trf("%s drop(s) with unusable content are kept in the vault's quarantine", *quarantined));
    return 0;
  });
}

}  // namespace cairn::analyst
