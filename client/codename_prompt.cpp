// Two-way contact: the codename a source is shown once, or types again, and
// the reply key derived from it (client/commands.h, client/codename.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "client/codename.h"
#include "client/commands.h"
#include "client/secret_input.h"
#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::client {

using i18n::N_;
using i18n::tr;

namespace {

constexpr const char* kCodenameHint =
    N_("type the 12 words exactly as you were shown them, in English or in Korean, separated by spaces");

// Writes the codename to the terminal, indented, four words a line, with
// write(2) from secure memory: stdio's buffer would keep a copy.
void print_codename_block(const crypto::Secret& text) {
  constexpr std::string_view kIndent = "\n    ";
  std::size_t breaks = 0;
  for (std::size_t i = 0; i < text.size(); ++i) breaks += text.data()[i] == '\n' ? 1 : 0;
  // Each line break grows by its indent; one indent before the first line, two newlines after.
  crypto::Secret block(kIndent.size() + text.size() + breaks * (kIndent.size() - 1) + 2);
  std::size_t at = 0;
  auto put = [&](std::string_view s) {
    std::copy(s.begin(), s.end(), block.data() + at);
    at += s.size();
  };
  put(kIndent);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.data()[i] == '\n')
      put(kIndent);  // the newline and the next line's indent
    else
      block.data()[at++] = text.data()[i];
  }
  put("\n\n");
  std::fflush(stdout);
  (void)write_secret_to_fd(STDOUT_FILENO, block);  // a terminal: nothing useful to do on failure
}

}  // namespace

// The codename from --codename-fd, else the terminal (echo off), else
// standard input when it is not needed for the testimony.
Result<crypto::Secret> read_codename(int codename_fd, bool stdin_is_free) {
  if (codename_fd >= 0) return read_secret_from_fd(codename_fd);
  if (::isatty(STDIN_FILENO)) return read_secret_from_terminal(tr("codename (12 words; typing is not shown): "));
  if (stdin_is_free) return read_secret_from_fd(STDIN_FILENO);
  return make_error(Errc::invalid_argument,
                    tr("the codename cannot come from standard input here: standard input is the testimony"));
}

// Parses a typed codename and derives its reply key; 0 or the exit status.
int codename_key(const crypto::Secret& typed, std::optional<crypto::ReplyKeys>& key) {
  auto codename = parse_codename(as_chars(typed.view()));
  if (!codename.ok()) return cli::fail(codename.error(), tr(kCodenameHint));
  auto derived = derive_reply_key(*codename);
  if (!derived.ok()) return cli::fail(derived.error());
  key = std::move(derived).value();
  return 0;
}

// submit --reply: a new codename, shown once. 0 or the exit status.
int new_codename(const CodenameOptions& o, std::optional<crypto::ReplyKeys>& key) {
  auto language = parse_language(o.lang);
  if (!language.ok()) return cli::fail(language.error());
  if (o.codename_out_fd < 0 && !::isatty(STDOUT_FILENO))
    return cli::fail(
        tr("refusing to print the codename: standard output is not a terminal, so it could end up in a file or a log"),
        tr("run cairn in a terminal window (scripts: --codename-out-fd N)"));
  auto codename = generate_codename();
  auto derived = derive_reply_key(codename);
  if (!derived.ok()) return cli::fail(derived.error());
  key = std::move(derived).value();
  if (o.codename_out_fd >= 0) {
    auto text = format_codename(codename, *language);
    crypto::Secret line(text.size() + 1);  // the codename and a newline, written at once
    std::copy(text.data(), text.data() + text.size(), line.data());
    line.data()[text.size()] = '\n';
    auto st = write_secret_to_fd(o.codename_out_fd, line);
    return st.ok() ? 0 : cli::fail(st.error());
  }
  std::fputs(tr("Your codename. Replies from the analysts can be read only with these 12 words:\n").c_str(), stdout);
  print_codename_block(format_codename(codename, *language, 4));
  std::fputs(tr("Memorise them, or hide them somewhere only you can find. They are shown only\n"
                "this once and are saved nowhere: without them nobody can read the replies to\n"
                "you, and anyone who has them can. Clear or close this window when you are done.\n"
                "To read replies later: cairn check --to <the same drop address>\n")
                 .c_str(),
             stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  return 0;
}

// The reply key of a submission: a new codename (--reply), a codename typed
// again (--reply-codename), or none. 0 or the exit status.
int submission_reply_key(const CodenameOptions& o, const std::string& text_path,
                         std::optional<crypto::ReplyKeys>& key) {
  if (o.reply) return new_codename(o, key);
  if (!o.reply_codename) return 0;
  const bool text_from_file = !text_path.empty() && text_path != "-";
  auto typed = read_codename(o.codename_fd, text_from_file);
  if (!typed.ok())
    return cli::fail(typed.error(), tr("give the testimony with --text FILE, or the codename with --codename-fd N"));
  return codename_key(*typed, key);
}

}  // namespace cairn::client
