// cairn submit: the testimony text, the cleaned attachments and the reply
// key, checked before Tor is looked for, then sent with progress shown
// (client/commands.h, client/submit.h).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "client/attachment.h"
#include "client/commands.h"
#include "client/submit.h"
#include "common/cli.h"
#include "common/day.h"
#include "common/files.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {

using i18n::tr;
using i18n::trf;

Result<crypto::Plaintext> read_text(const std::string& path) {
  if (path.empty() || path == "-") {
    if (::isatty(STDIN_FILENO))
      cli::info(tr("type or paste your testimony, then press Ctrl-D on a new line"));
    return read_text_to_end(std::cin);
  }
  auto bytes = read_file_capped(path, kMaxTextBytes, "");
  if (!bytes.ok() && bytes.code() == Errc::too_large) return make_error(Errc::too_large, trf("%s is larger than 16 MiB", path));
  if (!bytes.ok())
    return make_error(bytes.code(), trf("cannot read %s: %s", path,
                                        bytes.code() == Errc::not_found ? i18n::system_error(ENOENT) : bytes.error().message));
  return crypto::Plaintext(std::move(*bytes));
}

// Reads and cleans every attachment and shows the source what was removed,
// before anything else happens. 0 or the exit status.
int prepare_attachments(const std::vector<std::string>& attach, const std::vector<std::string>& keep,
                        std::vector<AttachmentInput>& out) {
  auto flags = keep_metadata_flags(attach, keep);
  if (!flags.ok()) return cli::fail(flags.error(), tr("give --keep-metadata the same path as --attach"));
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < attach.size(); ++i) {
    auto a = prepare_attachment(attach[i], (*flags)[i]);
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

int submit_command(const std::string& to, const RouteRequest& route_request, const std::string& text_path,
               const std::vector<std::string>& attach, const std::vector<std::string>& keep,
               const CodenameOptions& codename) {
  auto address = crypto::parse_drop_address(to);
  if (!address.ok()) return cli::fail(address.error(), tr("copy the drop address again, exactly as published"));
  std::vector<AttachmentInput> attachments;
  if (int rc = prepare_attachments(attach, keep, attachments); rc != 0) return rc;
  std::optional<crypto::ReplyKeys> reply_key;
  if (int rc = submission_reply_key(codename, text_path, reply_key); rc != 0) return rc;
  auto text = read_text(text_path);
  if (!text.ok()) return cli::fail(text.error());
  SubmissionInput input;
  input.text = text->text();
  input.day = today_utc();
  if (reply_key) input.reply_key = crypto::public_keys(*reply_key);
  input.attachments = std::move(attachments);
  // Input mistakes are reported before Tor is looked for or started.
  if (auto checked = check_submission(input); !checked.ok()) return cli::fail(checked.error());
  return send_submission(*address, route_request, input, codename.reply);
}

// Reaches the relay and sends a checked submission, showing progress. 0 or
// the exit status. `new_codename`: the source was just shown a codename.
int send_submission(const crypto::DropAddress& to, const RouteRequest& route_request,
                    const SubmissionInput& input, bool new_codename) {
  const crypto::DropAddress* address = &to;
  SubmitOptions options;
  Route route;
  if (int rc = open_route_for(*address, route_request, route); rc != 0) return rc;
  options.connect = route.connect;
  // A reconnect that fails (Tor blocked mid-upload) may try once more through
  // cairn's own tor with the organisation's signed bridges.
  options.reroute = [&](const crypto::VerifiedKeyBundle& bundle,
                        const Error& why) -> std::optional<ConnectOptions> {
    auto request = route_with_bundle_bridges(route_request, bundle.bridge_lines);
    if (!request) return std::nullopt;
    cli::warn(trf("the connection to the relay failed (%s); trying again through cairn's own tor with %s bridge(s) "
                  "from the organisation's key bundle",
                  why.message, request->bridges.size()));
    Route other;
    if (open_route_for(*address, *request, other) != 0) return std::nullopt;
    route = std::move(other);  // the old route (and its tor, if any) ends here
    return route.connect;
  };
  options.relay_failed = relay_failure_printer();
  options.relay_moved = [tty = ::isatty(STDERR_FILENO) != 0](const crypto::RelayAddress& relay, std::size_t done,
                                                            std::size_t total) {
    if (tty) std::fprintf(stderr, "\n");  // below the progress line
    cli::info(trf("sending the remaining drops through relay %s port %s (%s of %s were already delivered)",
                  relay.host, relay.port, done, total));
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
  auto report = submit(*address, input, options, today_utc());
  if (!report.ok()) {
    std::string hint;
    if ((report.code() == Errc::io || report.code() == Errc::timeout) && new_codename)
      hint = tr("check your connection and run the command again with --reply-codename instead of --reply, typing "
                "the codename you were just shown: drops already sent go to the relay again, but the analysts then "
                "receive your testimony only once");
    else if (report.code() == Errc::io || report.code() == Errc::timeout)
      hint = tr("check your connection and run the same command again: drops already sent go to the relay again, but "
                "the analysts receive your testimony only once");
    return cli::fail(report.error(), hint);
  }
  std::cout << trf("delivered: %s of %s drop(s) acknowledged by the relay, sealed to %s analyst(s)\n",
                   report->drops_acknowledged, report->drops_total, report->analysts);
  return report->drops_acknowledged == report->drops_total ? 0 : cli::kExitFailure;
}

}  // namespace cairn::client
