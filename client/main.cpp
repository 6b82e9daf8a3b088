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
#include "i18n/command_line.h"

using namespace cairn;
using i18n::tr;
using i18n::trf;

int main(int argc, char** argv) {
  harden_process();
  auto language = i18n::start_language(argc, argv, i18n::kClientDomain);
  if (!language) return cli::kExitUsage;

  CLI::App app{tr("cairn: send testimony safely to the organisation's analysts"), "cairn"};
  app.require_subcommand(1);
  app.fallthrough();  // --lang may come after the command too
  std::string ui_lang;
  i18n::translate_help(app, ui_lang, tr("the language of cairn's messages: ko (Korean), ru (Russian) or en (English)"));

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
                        "any other kind of file is refused unless named by --keep-metadata. The text and all files together "
                        "may be at most 512 MiB"));
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
  i18n::translate_commands(app);

  const bool alone_in_a_terminal = argc == 1 && ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  if (!alone_in_a_terminal) {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);  // --help
      return i18n::usage_error(
          e, app,
          {.no_command = tr("say what to do: cairn submit to send a testimony, cairn check to read replies"),
           .no_command_hint = tr("cairn submit --help shows how to send"),
           .unknown_command_hint = tr("cairn submit sends a testimony; cairn check reads replies; cairn --help tells more"),
           .missing_option = "--to",
           .missing_option_error = tr("the drop address is missing: give it with --to cairn1…"),
           .missing_option_hint =
               tr("the drop address is the text starting with cairn1 that the organisation published")});
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
