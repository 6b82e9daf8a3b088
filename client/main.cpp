// cairn: the source's tool. Writes nothing to disk; keeps no state.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <algorithm>
#include <functional>
#include <cerrno>
#include <cstring>
#include <optional>
#include <iostream>

#include "client/attachment.h"
#include "client/check.h"
#include "client/codename.h"
#include "common/files.h"
#include "common/hardening.h"
#include "client/secret_input.h"
#include "client/submit.h"
#include "client/tor_route.h"
#include "common/cli.h"
#include "common/text.h"
#include "i18n/catalog.h"
#include "crypto/drop_address.h"

namespace {

using namespace cairn;
using i18n::N_;
using i18n::tr;
using i18n::trf;
namespace fs = std::filesystem;

constexpr std::size_t kMaxTextBytes = 16u << 20;

Result<std::string> read_text(const std::string& path) {
  if (path.empty() || path == "-") {
    if (::isatty(STDIN_FILENO))
      cli::info(tr("type or paste your testimony, then press Ctrl-D on a new line"));
    std::string text;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > kMaxTextBytes) return make_error(Errc::too_large, tr("the testimony text is larger than 16 MiB"));
    }
    return text;
  }
  auto bytes = read_file_capped(path, kMaxTextBytes, "");
  if (!bytes.ok() && bytes.code() == Errc::too_large) return make_error(Errc::too_large, trf("%s is larger than 16 MiB", path));
  if (!bytes.ok())
    return make_error(bytes.code(), trf("cannot read %s: %s", path,
                                        bytes.code() == Errc::not_found ? std::strerror(ENOENT) : bytes.error().message));
  std::string text(as_chars(*bytes));
  crypto::wipe(*bytes);
  return text;
}

// "connecting to Tor: 45%": on a terminal one line updated in place,
// otherwise a line for each change.
std::function<void(int, const std::string&)> tor_progress_printer() {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  return [tty](int percent, const std::string& summary) {
    if (tty) {
      auto line = trf("connecting to Tor: %s%% (%s)", percent, summary);
      std::fprintf(stderr, "\rcairn: %s\x1b[K", line.c_str());
      if (percent >= 100) std::fprintf(stderr, "\n");
      return;
    }
    cli::info(trf("connecting to Tor: %s%% (%s)", percent, summary));
  };
}

// How to reach the relay: through Tor unless --direct (client/tor_route.h).
// 0, or the exit status after printing why not.
int open_route_for(const crypto::DropAddress& address, const client::RouteRequest& request, client::Route& route) {
  std::string hint;
  auto r = client::open_route(address, request, hint);
  if (!r.ok()) return cli::fail(r.error(), hint);
  route = std::move(r).value();
  if (route.connect.direct)
    cli::warn(client::direct_connection_warning(address));
  else
    cli::info(trf("connecting %s", route.description));
  return 0;
}

// ---- Two-way contact: codenames and replies (issue: two-way contact) ----

struct CodenameOptions {
  bool reply = false;           // submit --reply: make a new codename
  std::string lang = "en";      // its words: "ko" when cairn speaks Korean, else "en"
  int codename_out_fd = -1;     // where to write it instead of the terminal (scripts)
  bool reply_codename = false;  // submit --reply-codename: reuse a codename
  int codename_fd = -1;         // where to read a codename instead of the terminal
};

constexpr const char* kCodenameHint =
    N_("type the 12 words exactly as you were shown them, in English or in Korean, separated by spaces");

// The codename from --codename-fd, else the terminal (echo off), else
// standard input when it is not needed for the testimony.
Result<crypto::Secret> read_codename(int codename_fd, bool stdin_is_free) {
  if (codename_fd >= 0) return client::read_secret_from_fd(codename_fd);
  if (::isatty(STDIN_FILENO)) return client::read_secret_from_terminal(tr("codename (12 words; typing is not shown): "));
  if (stdin_is_free) return client::read_secret_from_fd(STDIN_FILENO);
  return make_error(Errc::invalid_argument,
                    tr("the codename cannot come from standard input here: standard input is the testimony"));
}

// Parses a typed codename and derives its reply key; 0 or the exit status.
int codename_key(const crypto::Secret& typed, std::optional<crypto::X25519KeyPair>& key) {
  auto codename = client::parse_codename(as_chars(typed.view()));
  if (!codename.ok()) return cli::fail(codename.error(), tr(kCodenameHint));
  auto derived = client::derive_reply_key(*codename);
  if (!derived.ok()) return cli::fail(derived.error());
  key = std::move(derived).value();
  return 0;
}

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
  (void)client::write_secret_to_fd(STDOUT_FILENO, block);  // a terminal: nothing useful to do on failure
}

// submit --reply: a new codename, shown once. 0 or the exit status.
int new_codename(const CodenameOptions& o, std::optional<crypto::X25519KeyPair>& key) {
  auto language = client::parse_language(o.lang);
  if (!language.ok()) return cli::fail(language.error());
  if (o.codename_out_fd < 0 && !::isatty(STDOUT_FILENO))
    return cli::fail(
        tr("refusing to print the codename: standard output is not a terminal, so it could end up in a file or a log"),
        tr("run cairn in a terminal window (scripts: --codename-out-fd N)"));
  auto codename = client::generate_codename();
  auto derived = client::derive_reply_key(codename);
  if (!derived.ok()) return cli::fail(derived.error());
  key = std::move(derived).value();
  if (o.codename_out_fd >= 0) {
    auto text = client::format_codename(codename, *language);
    crypto::Secret line(text.size() + 1);  // the codename and a newline, written at once
    std::copy(text.data(), text.data() + text.size(), line.data());
    line.data()[text.size()] = '\n';
    auto st = client::write_secret_to_fd(o.codename_out_fd, line);
    return st.ok() ? 0 : cli::fail(st.error());
  }
  std::fputs(tr("Your codename. Replies from the analysts can be read only with these 12 words:\n").c_str(), stdout);
  print_codename_block(client::format_codename(codename, *language, 4));
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
                         std::optional<crypto::X25519KeyPair>& key) {
  if (o.reply) return new_codename(o, key);
  if (!o.reply_codename) return 0;
  const bool text_from_file = !text_path.empty() && text_path != "-";
  auto typed = read_codename(o.codename_fd, text_from_file);
  if (!typed.ok())
    return cli::fail(typed.error(), tr("give the testimony with --text FILE, or the codename with --codename-fd N"));
  return codename_key(*typed, key);
}

int cmd_check(const std::string& to, const client::RouteRequest& route_request, int codename_fd) {
  auto address = crypto::parse_drop_address(to);
  if (!address.ok()) return cli::fail(address.error(), tr("copy the drop address again, exactly as published"));
  auto typed = read_codename(codename_fd, /*stdin_is_free=*/true);
  if (!typed.ok()) return cli::fail(typed.error());
  std::optional<crypto::X25519KeyPair> key;
  if (int rc = codename_key(*typed, key); rc != 0) return rc;
  client::Route route;
  if (int rc = open_route_for(*address, route_request, route); rc != 0) return rc;
  auto board = client::fetch_reply_board(*address, route.connect);
  if (!board.ok()) {
    std::string hint;
    if (board.code() == Errc::io || board.code() == Errc::timeout) hint = tr("check your connection and try again");
    return cli::fail(board.error(), hint);
  }
  auto found = client::find_replies(board->replies, *key);
  // The same words whether the codename is wrong or simply has no replies yet.
  if (found.replies.empty()) std::cout << tr("no replies for this codename\n");
  for (std::size_t i = 0; i < found.replies.size(); ++i) {
    const auto& r = found.replies[i];
    std::cout << trf("reply %s of %s", i + 1, found.replies.size());
    if (r.day != 0) std::cout << trf(", written %s", format_day(r.day));
    if (r.in_reply_to_day != 0) std::cout << trf(", answering your message of %s", format_day(r.in_reply_to_day));
    std::cout << ":\n" << sanitize_for_terminal(r.text) << "\n\n";
  }
  std::cout.flush();
  if (found.unreadable > 0)
    cli::warn(trf("replies for this codename that could not be read: %s (damaged, or written by a newer Cairn: "
                  "update cairn)",
                  found.unreadable));
  return 0;
}

// ---- end of two-way contact ----

// Reads and cleans every attachment and shows the source what was removed,
// before anything else happens. 0 or the exit status.
int prepare_attachments(const std::vector<std::string>& attach, const std::vector<std::string>& keep,
                        std::vector<client::AttachmentInput>& out) {
  auto flags = client::keep_metadata_flags(attach, keep);
  if (!flags.ok()) return cli::fail(flags.error(), tr("give --keep-metadata the same path as --attach"));
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < attach.size(); ++i) {
    auto a = client::prepare_attachment(attach[i], (*flags)[i]);
    if (!a.ok()) {
      std::string hint;
      if (a.code() == Errc::unsupported)
        hint = trf("leave it out, or, only if you accept what it may reveal, send it as it is with --keep-metadata %s",
                   attach[i]);
      else if (a.code() == Errc::malformed)
        hint = tr("the file may be damaged: open it, save a new copy, and attach that");
      return cli::fail(trf("%s; nothing was sent", a.error().message), hint);
    }
    lines.push_back(std::move(a->report));
    out.push_back(std::move(a->input));
  }
  if (!lines.empty()) {
    cli::info(tr("files, checked for hidden details before sending:"));
    for (const auto& line : lines) std::fprintf(stderr, "  %s\n", line.c_str());
    std::fflush(stderr);
  }
  return 0;
}

int send_submission(const crypto::DropAddress& to, const client::RouteRequest& route_request,
                    const client::SubmissionInput& input, bool new_codename);

int cmd_submit(const std::string& to, const client::RouteRequest& route_request, const std::string& text_path,
               const std::vector<std::string>& attach, const std::vector<std::string>& keep,
               const CodenameOptions& codename) {
  auto address = crypto::parse_drop_address(to);
  if (!address.ok()) return cli::fail(address.error(), tr("copy the drop address again, exactly as published"));
  std::vector<client::AttachmentInput> attachments;
  if (int rc = prepare_attachments(attach, keep, attachments); rc != 0) return rc;
  std::optional<crypto::X25519KeyPair> reply_key;
  if (int rc = submission_reply_key(codename, text_path, reply_key); rc != 0) return rc;
  auto text = read_text(text_path);
  if (!text.ok()) return cli::fail(text.error());
  client::SubmissionInput input;
  input.text = std::move(text).value();
  input.day = today_utc();
  if (reply_key) input.reply_key = reply_key->public_key;
  input.attachments = std::move(attachments);
  // Input mistakes are reported before Tor is looked for or started.
  if (auto checked = client::check_submission(input); !checked.ok()) return cli::fail(checked.error());
  return send_submission(*address, route_request, input, codename.reply);
}

// Reaches the relay and sends a checked submission, showing progress. 0 or
// the exit status. `new_codename`: the source was just shown a codename.
int send_submission(const crypto::DropAddress& to, const client::RouteRequest& route_request,
                    const client::SubmissionInput& input, bool new_codename) {
  const crypto::DropAddress* address = &to;
  client::SubmitOptions options;
  client::Route route;
  if (int rc = open_route_for(*address, route_request, route); rc != 0) return rc;
  options.connect = route.connect;
  // A reconnect that fails (Tor blocked mid-upload) may try once more through
  // cairn's own tor with the organisation's signed bridges.
  options.reroute = [&](const crypto::VerifiedKeyBundle& bundle,
                        const Error& why) -> std::optional<client::ConnectOptions> {
    auto request = client::route_with_bundle_bridges(route_request, bundle.bridge_lines);
    if (!request) return std::nullopt;
    cli::warn(trf("the connection to the relay failed (%s); trying again through cairn's own tor with %s bridge(s) "
                  "from the organisation's key bundle",
                  why.message, request->bridges.size()));
    client::Route other;
    if (open_route_for(*address, *request, other) != 0) return std::nullopt;
    route = std::move(other);  // the old route (and its tor, if any) ends here
    return route.connect;
  };
  // On a terminal, one line updated in place; otherwise (logs, scripts) about ten lines.
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  options.progress = [tty, last_tenth = std::size_t{0}](std::size_t done, std::size_t total) mutable {
    if (tty) {
      auto line = trf("sending… %s of %s drops", done, total);
      std::fprintf(stderr, "\rcairn: %s", line.c_str());
      if (done == total) std::fprintf(stderr, "\n");
      return;
    }
    std::size_t tenth = done * 10 / total;
    if (tenth != last_tenth || done == total) {
      last_tenth = tenth;
      cli::info(trf("sent %s of %s drops", done, total));
    }
  };
  auto report = client::submit(*address, input, options, today_utc());
  if (!report.ok()) {
    std::string hint;
    if ((report.code() == Errc::io || report.code() == Errc::timeout) && new_codename)
      hint = tr("check your connection and run the command again with --reply-codename instead of --reply, typing "
                "the codename you were just shown: drops already sent are then not duplicated");
    else if (report.code() == Errc::io || report.code() == Errc::timeout)
      hint = tr("check your connection and run the same command again: drops already sent are not duplicated");
    return cli::fail(report.error(), hint);
  }
  std::cout << trf("delivered: %s of %s drop(s) acknowledged by the relay, sealed to %s analyst(s)\n",
                   report->drops_acknowledged, report->drops_total, report->analysts);
  return report->drops_acknowledged == report->drops_total ? 0 : cli::kExitFailure;
}

// ---- Language and usage errors (issue 11) ----

// The language asked for with --lang (anywhere on the command line: help
// texts are made before the command line is parsed), else the environment's.
// nullopt (after printing why) for a --lang that names no known language.
std::optional<i18n::Language> chosen_language(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    std::optional<std::string_view> value;
    if (a == "--lang" && i + 1 < argc) value = argv[i + 1];
    else if (a.starts_with("--lang=")) value = a.substr(7);
    if (!value) continue;
    if (auto l = i18n::parse_language(*value)) return l;
    (void)i18n::use_language(i18n::language_from_environment());
    cli::set_labels(tr("error: "), tr("hint: "), tr("warning: "));
    cli::fail(trf("there is no language '%s' in cairn", *value), tr("use --lang ko (Korean), --lang ru (Russian) or --lang en (English)"));
    return std::nullopt;
  }
  return i18n::language_from_environment();
}

// Edits (insert, delete, replace) between two short words.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

constexpr std::string_view kCommands[] = {"submit", "check", "guide"};

// `cairn sumbit`: the word is named, with the command it was probably meant to be.
std::optional<int> unknown_command(int argc, char** argv) {
  int i = 1;  // the command comes first, after --lang if given
  while (i < argc && (std::string_view(argv[i]) == "--lang" || std::string_view(argv[i]).starts_with("--lang=")))
    i += std::string_view(argv[i]) == "--lang" ? 2 : 1;
  if (i >= argc) return std::nullopt;
  std::string_view word = argv[i];
  if (word.empty() || word.starts_with("-")) return std::nullopt;
  for (auto c : kCommands)
    if (word == c) return std::nullopt;
  std::string_view best;
  std::size_t best_distance = 3;  // more than two edits away is not a typo
  for (auto c : kCommands)
    if (auto d = edit_distance(word.substr(0, 32), c); d < best_distance) best = c, best_distance = d;
  std::string shown(word.substr(0, 32));
  for (auto& ch : shown)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';  // never echo terminal controls
  if (!best.empty()) {
    cli::fail(trf("there is no command '%s'", shown), trf("did you mean: cairn %s", best));
  } else {
    cli::fail(trf("there is no command '%s'", shown),
              tr("cairn submit sends a testimony; cairn check reads replies; cairn --help tells more"));
  }
  return cli::kExitUsage;
}

// The text after "prefix" in a CLI11 message, or empty.
std::string after(std::string_view what, std::string_view prefix) {
  auto at = what.find(prefix);
  return at == std::string_view::npos ? std::string() : std::string(what.substr(at + prefix.size()));
}

// CLI11's parse errors, in the source's language, through the one printer.
int usage_error(const CLI::ParseError& e, const CLI::App& app) {
  const std::string what = e.what();
  std::string command = "cairn";
  for (const auto* sub : app.get_subcommands()) command += " " + sub->get_name();
  const std::string hint = trf("%s --help shows what can be given", command);
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (what.starts_with("A subcommand"))
      return cli::usage(tr("say what to do: cairn submit to send a testimony, cairn check to read replies"),
                       tr("cairn submit --help shows how to send"));
    auto option = what.substr(0, what.find(' '));
    if (option == "--to")
      return cli::usage(tr("the drop address is missing: give it with --to cairn1…"),
                       tr("the drop address is the text starting with cairn1 that the organisation published"));
    return cli::usage(trf("%s must be given", option), hint);
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) return cli::usage(trf("this was not expected here: %s", after(what, "expected: ")), hint);
  if (dynamic_cast<const CLI::ExcludesError*>(&e) != nullptr) {
    auto a = what.substr(0, what.find(' '));
    return cli::usage(trf("%s excludes %s: give only one of them", a, after(what, " excludes ")), hint);
  }
  if (dynamic_cast<const CLI::RequiresError*>(&e) != nullptr) {
    auto a = what.substr(0, what.find(' '));
    return cli::usage(trf("%s works only together with %s", a, after(what, " requires ")), hint);
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    auto a = what.substr(0, what.find_first_of(": "));
    if (what.starts_with("Expected")) a = after(what, " arguments to "), a = a.substr(0, a.find(','));
    return cli::usage(trf("%s needs a value", a), hint);
  }
  if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr ||
      dynamic_cast<const CLI::ConversionError*>(&e) != nullptr) {
    auto a = what.starts_with("Could not convert: ") ? after(what, "convert: ") : what;
    if (what.starts_with("The value ")) a = after(what, " allowed value for ");
    return cli::usage(trf("the value given to %s is not allowed", a.substr(0, a.find_first_of(" :="))), hint);
  }
  return cli::usage(tr("the command line is not right"), hint);
}

// ---- The guided mode (issue 11): `cairn` alone on a terminal ----
// Asks one thing at a time, in the source's language, and then does exactly
// what `cairn submit` or `cairn check` does, through the same functions.
// Nothing is sent before the source says yes to the summary, and cairn writes
// nothing to disk, so Ctrl-C at any step leaves nothing behind; the only
// terminal setting ever changed (echo, for a codename) is restored by
// common/terminal.h.

// One line from the terminal, or nullopt at Ctrl-D / end of input.
std::optional<std::string> ask_line(const std::string& prompt) {
  std::cout << prompt << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) {
    std::cin.clear();
    std::cout << "\n";
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string trimmed(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// 1 or 2 (digits work on every keyboard layout), or the first letter of yes
// or no in the three languages. nullopt at end of input.
std::optional<bool> ask_yes_no(const std::string& question) {
  for (;;) {
    auto line = ask_line(question + " " + tr("(1 = yes, 2 = no): "));
    if (!line) return std::nullopt;
    auto a = trimmed(*line);
    if (a == "1" || a == "y" || a == "Y" || a.starts_with("yes") || a.starts_with("예") || a.starts_with("네") ||
        a.starts_with("да") || a.starts_with("Да"))
      return true;
    if (a == "2" || a == "n" || a == "N" || a.starts_with("no") || a.starts_with("아니") || a.starts_with("нет") ||
        a.starts_with("Нет"))
      return false;
    std::cout << tr("Please type 1 for yes or 2 for no, then press Enter.") << "\n";
  }
}

int nothing_sent() {
  std::cout << "\n" << tr("Stopped. Nothing was sent.") << "\n";
  return cli::kExitFailure;
}

void step(int n, const std::string& title) { std::cout << "\n" << trf("Step %s of 6: %s", n, title) << "\n"; }

// The language, asked in all three at once; Enter keeps `current`.
i18n::Language ask_language(i18n::Language current) {
  static const std::pair<const char*, i18n::Language> kChoices[] = {
      {"1  조선말", i18n::Language::korean}, {"2  Русский", i18n::Language::russian}, {"3  English", i18n::Language::english}};
  std::cout << "언어를 고르십시오 / Выберите язык / Choose a language:\n";
  for (const auto& [label, l] : kChoices) std::cout << "  " << label << (l == current ? "  *" : "") << "\n";
  for (;;) {
    auto line = ask_line("[1/2/3]: ");
    if (!line) return current;
    auto a = trimmed(*line);
    if (a.empty()) return current;
    if (a == "1") return i18n::Language::korean;
    if (a == "2") return i18n::Language::russian;
    if (a == "3") return i18n::Language::english;
    if (auto l = i18n::parse_language(a)) return *l;
  }
}

// A drop address, checked as soon as it is pasted; asked again after a typo.
std::optional<std::pair<std::string, crypto::DropAddress>> ask_address() {
  for (;;) {
    auto line = ask_line(tr("Paste the drop address (it starts with cairn1) and press Enter: "));
    if (!line) return std::nullopt;
    if (trimmed(*line).empty()) continue;
    auto address = crypto::parse_drop_address(*line);
    if (address.ok()) {
      std::cout << tr("The drop address is correct.") << "\n";
      return std::make_pair(trimmed(*line), std::move(address).value());
    }
    cli::fail(address.error(), tr("copy the drop address again, exactly as published"));
  }
}

// The testimony, typed or pasted; ends at a line holding only "." or at Ctrl-D.
Result<std::string> ask_testimony() {
  std::cout << tr("Type or paste your testimony. It can be many lines long.\n"
                  "When you have finished, type a single dot (.) alone on a new line and press Enter,\n"
                  "or press Ctrl-D.")
            << "\n";
  std::string text;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == ".") break;
    text += line;
    text += '\n';
    if (text.size() > kMaxTextBytes) return make_error(Errc::too_large, tr("the testimony text is larger than 16 MiB"));
  }
  std::cin.clear();
  return text;
}

int guided(i18n::Language language, const client::RouteRequest& route_request) {
  language = ask_language(language);
  if (auto loaded = i18n::use_language(language); !loaded.ok()) cli::warn(loaded.error().message);
  cli::set_labels(tr("error: "), tr("hint: "), tr("warning: "));
  std::cout << "\n" << tr("cairn sends your testimony safely to the organisation's analysts.\n"
                          "You can stop at any time with Ctrl-C: nothing is sent before you say yes at the end.")
            << "\n\n"
            << tr("What do you want to do?") << "\n  1  " << tr("send a testimony") << "\n  2  "
            << tr("read the replies to your codename") << "\n";
  bool send = true;
  for (;;) {
    auto line = ask_line("[1/2]: ");
    if (!line) return nothing_sent();
    auto a = trimmed(*line);
    if (a == "1" || a.empty()) break;
    if (a == "2") {
      send = false;
      break;
    }
  }
  step(1, tr("the drop address"));
  auto address = ask_address();
  if (!address) return nothing_sent();
  if (!send) {
    std::cout << "\n" << tr("Now type your codename: the 12 words you were shown when you sent your testimony.") << "\n";
    return cmd_check(address->first, route_request, -1);
  }

  step(2, tr("your testimony"));
  auto text = ask_testimony();
  if (!text.ok()) return cli::fail(text.error());

  step(3, tr("files (photos, documents)"));
  std::cout << tr("To attach a file, type its name with its folder (or drag it into this window) and press Enter.\n"
                  "Hidden details (place, camera, author) are removed before sending. When you have no more files,\n"
                  "just press Enter.")
            << "\n";
  std::vector<client::AttachmentInput> attachments;
  std::vector<std::string> names;
  for (;;) {
    auto line = ask_line(tr("File (or Enter to go on): "));
    if (!line) return nothing_sent();
    auto path = trimmed(*line);
    // Terminals put a dragged file's name in quotes.
    if (path.size() >= 2 && (path.front() == '\'' || path.front() == '"') && path.back() == path.front())
      path = path.substr(1, path.size() - 2);
    if (path.empty()) break;
    std::vector<client::AttachmentInput> one;
    if (prepare_attachments({path}, {}, one) != 0) {
      std::cout << tr("That file will not be sent. You can type another one.") << "\n";
      continue;
    }
    names.push_back(one.front().name);
    attachments.push_back(std::move(one.front()));
  }

  step(4, tr("replies"));
  std::cout << tr("The analysts can answer you. To read their answers you will need 12 secret words (a codename),\n"
                  "shown only once, now.")
            << "\n";
  auto replies = ask_yes_no(tr("Do you want to be able to read replies?"));
  if (!replies) return nothing_sent();
  std::optional<crypto::X25519KeyPair> reply_key;
  if (*replies) {
    CodenameOptions o;
    o.reply = true;
    o.lang = language == i18n::Language::korean ? "ko" : "en";
    if (int rc = new_codename(o, reply_key); rc != 0) return rc;
  }

  client::SubmissionInput input;
  input.text = std::move(text).value();
  input.day = today_utc();
  if (reply_key) input.reply_key = reply_key->public_key;
  input.attachments = std::move(attachments);
  if (auto checked = client::check_submission(input); !checked.ok()) {
    cli::fail(checked.error());
    return nothing_sent();
  }

  step(5, tr("check and send"));
  std::size_t lines = 0;
  for (char c : input.text) lines += c == '\n' ? 1 : 0;
  std::cout << trf("To: the relay at %s", address->second.host) << "\n"
            << trf("Testimony: %s lines", lines) << "\n"
            << trf("Files: %s", names.empty() ? tr("none") : [&] {
                 std::string all;
                 for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
                 return all;
               }()) << "\n"
            << (reply_key ? tr("Replies: yes (with the codename you were shown)") : tr("Replies: no")) << "\n";
  auto go = ask_yes_no(tr("Send it now?"));
  if (!go || !*go) return nothing_sent();

  int rc = send_submission(address->second, route_request, input, reply_key.has_value());
  step(6, tr("what next"));
  if (rc != 0) {
    std::cout << tr("The testimony did not arrive whole. Check the connection and run cairn again: drops that did "
                    "arrive are not counted twice.")
              << "\n";
    return rc;
  }
  std::cout << tr("Your testimony has arrived. cairn saved nothing on this computer; the files you attached are still "
                  "where they were: delete them if they could put you in danger.")
            << "\n";
  if (reply_key)
    std::cout << trf("In a few days, read the replies: run cairn again and choose 2, or type: cairn check --to %s",
                     address->first)
              << "\n";
  else
    std::cout << tr("You can close this window now.") << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  harden_process();
  auto language = chosen_language(argc, argv);
  if (!language) return cli::kExitUsage;
  if (auto loaded = i18n::use_language(*language); !loaded.ok()) cli::warn(loaded.error().message);
  cli::set_labels(tr("error: "), tr("hint: "), tr("warning: "));
  if (auto rc = unknown_command(argc, argv)) return *rc;

  CLI::App app{tr("cairn: send testimony safely to the organisation's analysts")};
  app.require_subcommand(1);
  app.fallthrough();  // --lang may come after the command too
  app.option_defaults()->group(tr("Options"));
  app.set_help_flag("-h,--help", tr("show this help and stop"));
  for (const char* label : {N_("Usage"), N_("OPTIONS"), N_("SUBCOMMAND"), N_("SUBCOMMANDS"), N_("REQUIRED"), N_("Needs"), N_("Excludes")})
    app.get_formatter()->label(label, tr(label));
  std::string ui_lang(i18n::language_code(*language));
  app.add_option("--lang", ui_lang, tr("the language of cairn's messages: ko (Korean), ru (Russian) or en (English)"));

  // Both commands reach the relay the same way: Tor unless --direct.
  struct RouteFlags {
    client::RouteRequest request;
    std::vector<std::string> bridge_lines;
    std::string bridges_file;
    unsigned tor_timeout_seconds = 300;
  };
  auto add_route_options = [](CLI::App* cmd, RouteFlags& r) {
    auto* proxy = cmd->add_option("--proxy", r.request.proxy, tr("use this Tor SOCKS port: socks5h://127.0.0.1:9050"));
    auto* direct = cmd->add_flag("--direct", r.request.direct,
                                 tr("connect without Tor (anyone watching the network sees you contact the relay)"));
    direct->excludes(proxy);
    auto* bridge = cmd->add_option("--bridge", r.bridge_lines,
                                   tr("a Tor bridge line (obfs4 or snowflake, as bridges.torproject.org gives it); "
                                      "repeat for more"));
    auto* bridges = cmd->add_option("--bridges", r.bridges_file, tr("a file of bridge lines, one a line"));
    auto* timeout = cmd->add_option("--tor-timeout", r.tor_timeout_seconds,
                                    tr("seconds to let cairn's own tor connect (default 300)"))
                        ->check(CLI::Range(10u, 3600u));
    for (auto* o : {bridge, bridges, timeout}) o->excludes(proxy)->excludes(direct);
  };

  std::string to, text_path;
  std::vector<std::string> attach, keep;
  RouteFlags submit_route;
  auto* submit = app.add_subcommand("submit", tr("send a testimony (text from a file or typed in) and files"));
  submit->add_option("--to", to, tr("the drop address (cairn1…)"))->required();
  add_route_options(submit, submit_route);
  submit->add_option("--text", text_path, tr("a UTF-8 text file with the testimony (default: type it in)"));
  submit->add_option("--attach", attach,
                     tr("a file to send (repeat for more). Hidden details are removed first, in memory: pictures "
                        "(JPEG, PNG, WebP, TIFF), PDF, Office and OpenDocument files; plain text is sent as it is; "
                        "any other kind of file is refused unless named by --keep-metadata"));
  submit->add_option("--keep-metadata", keep,
                     tr("send this attached file exactly as it is, with whatever it reveals (camera, place, author); "
                        "repeat for more"));
  // Two-way contact.
  CodenameOptions codename;
  auto* reply = submit->add_flag("--reply", codename.reply, tr("make a codename for reading replies (shown once)"));
  submit->add_option("--codename-out-fd", codename.codename_out_fd,
                     tr("write the new codename to this file descriptor instead of the terminal (scripts)"))
      ->needs(reply)
      ->check(CLI::NonNegativeNumber);
  auto* reuse = submit->add_flag("--reply-codename", codename.reply_codename,
                                 tr("link this testimony to a codename you already have (asked for, never an argument)"));
  reuse->excludes(reply);
  submit->add_option("--codename-fd", codename.codename_fd, tr("read the codename from this file descriptor (scripts)"))
      ->needs(reuse)
      ->check(CLI::NonNegativeNumber);

  std::string check_to;
  RouteFlags check_route;
  int check_codename_fd = -1;
  auto* check = app.add_subcommand("check", tr("read the replies to your codename (asks for the codename)"));
  check->add_option("--to", check_to, tr("the drop address (cairn1…)"))->required();
  add_route_options(check, check_route);
  check->add_option("--codename-fd", check_codename_fd, tr("read the codename from this file descriptor (scripts)"))
      ->check(CLI::NonNegativeNumber);

  RouteFlags guide_route;
  auto* guide = app.add_subcommand("guide", tr("ask step by step, in your language (what cairn does when started "
                                               "with nothing else in a terminal window)"));
  add_route_options(guide, guide_route);
  for (auto* command : {submit, check, guide}) command->group(tr("Commands"));

  const bool alone_in_a_terminal = argc == 1 && ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  if (!alone_in_a_terminal) {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);  // --help
      return usage_error(e, app);
    }
  }
  // Bridge lines are checked before anything else happens.
  auto finish_route = [](RouteFlags& f) -> int {
    for (const auto& line : f.bridge_lines) {
      auto b = client::parse_bridge_line(line);
      if (!b.ok()) return cli::fail(b.error(), tr("copy the bridge line again, exactly as you were given it"));
      f.request.bridges.push_back(std::move(b).value());
    }
    if (!f.bridges_file.empty()) {
      auto file = client::read_bridges_file(f.bridges_file);
      if (!file.ok()) return cli::fail(file.error(), tr("one bridge line a line, as bridges.torproject.org gives them"));
      for (auto& b : *file) f.request.bridges.push_back(std::move(b));
    }
    if (f.request.bridges.size() > client::kMaxBridges)
      return cli::fail(trf("more than %s bridge lines", client::kMaxBridges));
    f.request.tor_timeout = std::chrono::seconds(f.tor_timeout_seconds);
    f.request.tor_progress = tor_progress_printer();
    return 0;
  };
  if (alone_in_a_terminal || *guide) {
    if (int rc = finish_route(guide_route); rc != 0) return rc;
    return guided(*language, guide_route.request);
  }
  if (*submit) {
    if (int rc = finish_route(submit_route); rc != 0) return rc;
    codename.lang = *language == i18n::Language::korean ? "ko" : "en";
    return cmd_submit(to, submit_route.request, text_path, attach, keep, codename);
  }
  if (*check) {
    if (int rc = finish_route(check_route); rc != 0) return rc;
    return cmd_check(check_to, check_route.request, check_codename_fd);
  }
  return cli::kExitUsage;
}
