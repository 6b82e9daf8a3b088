#include "analyst/commands.h"

#include <unistd.h>

#include <cstdio>

#include "analyst/display.h"
#include "analyst/reply.h"
#include "common/cli.h"
#include "crypto/secret.h"

namespace cairn::analyst {

int show_command(const CommandContext& g, std::int64_t id, bool raw) {
  if (raw && ::isatty(STDOUT_FILENO) != 0)
    return cli::fail("refusing to write raw testimony to the terminal: escape sequences in it could take control of it",
                     "drop --raw to see it safely, or redirect the output to a file");
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto t = load_testimony(*vault, id);
  if (!t.ok()) return cli::fail(t.error());
  const auto& s = t->summary;
  // About the testimony on stderr; the testimony alone on stdout.
  std::string about = "testimony " + std::to_string(s.id) + " (" + testimony_kind(s) + "), written " +
                      (s.written_day != 0 ? format_day(s.written_day) : "on an unknown day") + ", imported " +
                      format_day(s.imported_day) + (t->has_reply_key ? ", the source can be answered" : "");
  std::fprintf(stderr, "%s\n", about.c_str());
  if (auto sent = replies_sent(*vault, id); sent.ok())
    for (const auto& r : *sent)
      std::fprintf(stderr, "reply sent %s: %s\n", format_day(r.day).c_str(),
                   sanitize_for_terminal(r.text.substr(0, 60), Lines::flatten).c_str());
  for (const auto& a : t->attachments)
    std::fprintf(stderr, "attachment %zu: %s (%s, %s), %s\n", a.position + 1,
                 sanitize_for_terminal(a.name, Lines::flatten).c_str(), human_size(a.size).c_str(),
                 sanitize_for_terminal(a.media_type, Lines::flatten).c_str(), std::string(describe(a.metadata)).c_str());
  if (s.state == TestimonyState::damaged) {
    std::fprintf(stderr, "its %u parts arrived but do not fit together (altered or damaged); they are kept in the "
                         "vault as they came\n", s.chunks_total);
    return 0;
  }
  if (s.state == TestimonyState::refused) {
    std::fprintf(stderr, "refused: %s; its %u parts are kept in the vault as they came\n",
                 sanitize_for_terminal(s.problem, Lines::flatten).c_str(), s.chunks_total);
    return 0;
  }
  if (s.state == TestimonyState::incomplete) {
    std::fprintf(stderr, "only %u of %u parts have arrived; the text and files appear when the rest is imported\n",
                 s.chunks_have, s.chunks_total);
    return 0;
  }
  std::string sanitized = raw ? std::string() : sanitize_for_terminal(t->text.text());
  const std::string_view text = raw ? t->text.text() : std::string_view(sanitized);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!raw && !text.empty() && text.back() != '\n') std::fputc('\n', stdout);
  crypto::wipe(sanitized.data(), sanitized.size());
  return std::fflush(stdout) == 0 ? 0 : cli::fail("cannot write to standard output");
}

}  // namespace cairn::analyst
