// cairn: the source's tool. Writes nothing to disk; keeps no state. This file
// parses the command line and dispatches; the commands are
// client/*_command.cpp and client/guided.cpp (client/commands.h).
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/commands.h"
#include "client/tor_bridges.h"
#include "common/cli.h"
#include "common/hardening.h"
#include "i18n/catalog.h"

namespace {

using namespace cairn;
using i18n::N_;
using i18n::tr;
using i18n::trf;

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
  client::CodenameOptions codename;
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
    f.request.tor_progress = client::tor_progress_printer();
    return 0;
  };
  if (alone_in_a_terminal || *guide) {
    if (int rc = finish_route(guide_route); rc != 0) return rc;
    return client::guided_command(*language, guide_route.request);
  }
  if (*submit) {
    if (int rc = finish_route(submit_route); rc != 0) return rc;
    codename.lang = *language == i18n::Language::korean ? "ko" : "en";
    return client::submit_command(to, submit_route.request, text_path, attach, keep, codename);
  }
  if (*check) {
    if (int rc = finish_route(check_route); rc != 0) return rc;
    return client::check_command(check_to, check_route.request, check_codename_fd);
  }
  return cli::kExitUsage;
}
