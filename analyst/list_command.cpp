#include "analyst/commands.h"

#include <cstdio>
#include <iostream>

#include "analyst/display.h"
#include "common/cli.h"
#include "crypto/secret.h"

namespace cairn::analyst {

std::string testimony_kind(const TestimonySummary& s) {
  switch (s.state) {
    case TestimonyState::incomplete:
      return "incomplete";
    case TestimonyState::damaged:
      return "damaged";
    case TestimonyState::refused:
      return "refused";
    case TestimonyState::complete:
      break;
  }
  return s.attachments == 0 ? "text" : "files(" + std::to_string(s.attachments) + ")";
}

int list_command(const CommandContext& g) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto all = list_testimonies(*vault);
  if (!all.ok()) return cli::fail(all.error());
  if (all->empty()) {
    std::cout << "the vault holds no testimony yet\n";
    return 0;
  }
  std::printf("%-5s %-10s %-11s %-10s %s\n", "ID", "WRITTEN", "KIND", "SIZE", "FIRST LINE");
  for (const auto& s : *all) {
    std::string day = s.written_day != 0 ? format_day(s.written_day) : "-";
    std::string size = s.state == TestimonyState::incomplete
                           ? std::to_string(s.chunks_have) + "/" + std::to_string(s.chunks_total) + " parts"
                           : human_size(s.size);
    std::string first = s.state == TestimonyState::complete ? preview(s.text_start.text())
                        : s.problem.empty()                 ? ""
                                                            : preview(s.problem, 100);
    std::printf("%-5lld %-10s %-11s %-10s %s\n", static_cast<long long>(s.id), day.c_str(), testimony_kind(s).c_str(),
                size.c_str(), first.c_str());
    crypto::wipe(first.data(), first.size());
  }
  auto quarantined = quarantine_count(*vault);
  if (quarantined.ok() && *quarantined > 0)
    cli::info(std::to_string(*quarantined) + " drop(s) with unusable content are kept in the vault's quarantine");
  return 0;
}

}  // namespace cairn::analyst
