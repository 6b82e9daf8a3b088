#include "analyst/commands.h"

#include <unistd.h>

#include <cstdio>

#include "analyst/display.h"
#include "analyst/reply.h"
#include "common/cli.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

namespace {
void say(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }
}  // namespace

int show_command(const CommandContext& g, std::int64_t id, bool raw) {
  if (raw && ::isatty(STDOUT_FILENO) != 0)
    return cli::fail(tr("refusing to write raw testimony to the terminal: escape sequences in it could take control of it"),
                     tr("drop --raw to see it safely, or redirect the output to a file"));
  return with_vault(g, [&](Vault& vault) {
    auto t = load_testimony(vault, id);
    if (!t.ok()) return cli::fail(t.error());
    const auto& s = t->summary;
    // About the testimony on stderr; the testimony alone on stdout.
    const std::string written = s.written_day != 0 ? format_day(s.written_day) : tr("on an unknown day");
    say(t->has_reply_key ? trf("testimony %s (%s), written %s, imported %s, the source can be answered", s.id,
                               testimony_kind(s), written, format_day(s.imported_day))
                         : trf("testimony %s (%s), written %s, imported %s", s.id, testimony_kind(s), written,
                               format_day(s.imported_day)));
    if (auto sent = replies_sent(vault, id); sent.ok())
      for (const auto& r : *sent)
        say(trf("reply sent %s: %s", format_day(r.day), sanitize_for_terminal(r.text.substr(0, 60), Lines::flatten)));
    for (const auto& a : t->attachments)
      say(trf("attachment %s: %s (%s, %s), %s", a.position + 1, sanitize_for_terminal(a.name, Lines::flatten),
              human_size(a.size), sanitize_for_terminal(a.media_type, Lines::flatten), tr(std::string(describe(a.metadata)).c_str())));
    if (s.state == TestimonyState::damaged) {
      say(trf("its %s parts arrived but do not fit together (altered or damaged); they are kept in the vault as they "
              "came",
              s.chunks_total));
      return 0;
    }
    if (s.state == TestimonyState::refused) {
      say(trf("refused: %s; its %s parts are kept in the vault as they came",
              sanitize_for_terminal(s.problem, Lines::flatten), s.chunks_total));
      return 0;
    }
    if (s.state == TestimonyState::incomplete) {
      say(trf("only %s of %s parts have arrived; the text and files appear when the rest is imported", s.chunks_have,
              s.chunks_total));
      return 0;
    }
    std::string sanitized = raw ? std::string() : sanitize_for_terminal(t->text.text());
    const std::string_view text = raw ? t->text.text() : std::string_view(sanitized);
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (!raw && !text.empty() && text.back() != '\n') std::fputc('\n', stdout);
    crypto::wipe(sanitized.data(), sanitized.size());
    return std::fflush(stdout) == 0 ? 0 : cli::fail(tr("cannot write to standard output"));
  });
}

}  // namespace cairn::analyst
