// The cairn commands: client/main.cpp parses the command line and calls one
// of these. Each lives in a file named after what it does (submit_command.cpp,
// check_command.cpp, guided.cpp), speaks to the source in the source's
// language (i18n/catalog.h), prints its failure as "cairn: error: ..."
// (common/cli.h) and returns the process exit code. None writes anything to
// disk.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/attachment.h"
#include "client/submission.h"
#include "client/submit.h"
#include "client/testimony_text.h"
#include "client/tor_route.h"
#include "common/result.h"
#include "crypto/drop_address.h"
#include "crypto/secret.h"
#include "crypto/reply.h"
#include "crypto/x25519.h"
#include "i18n/language.h"

namespace cairn::client {

// ---- Reaching the relay (route_progress.cpp) ----

// "connecting to Tor: 45%": on a terminal (standard error) one line updated
// in place, otherwise a line for each change. For RouteRequest::tor_progress.
[[nodiscard]] std::function<void(int, const std::string&)> tor_progress_printer();

// How to reach the relay: through Tor unless --direct (client/tor_route.h),
// said on standard error. 0, or the exit status after printing why not.
[[nodiscard]] int open_route_for(const crypto::DropAddress& address, const RouteRequest& request, Route& route);

// "relay x port p could not be used (why); trying another relay of the
// organisation": a line for each relay given up while others remain
// (client/submit.h, client/check.h). Nothing when none remains: the command's
// error then says why.
[[nodiscard]] RelayFailed relay_failure_printer();

// ---- Two-way contact: codenames (codename_prompt.cpp) ----

struct CodenameOptions {
  bool reply = false;           // submit --reply: make a new codename
  std::string lang = "en";      // its words: "ko" when cairn speaks Korean, else "en"
  int codename_out_fd = -1;     // where to write it instead of the terminal (scripts)
  bool reply_codename = false;  // submit --reply-codename: reuse a codename
  int codename_fd = -1;         // where to read a codename instead of the terminal
};

// The codename from codename_fd (>= 0), else the terminal (echo off), else
// standard input when stdin_is_free (it is not the testimony).
[[nodiscard]] Result<crypto::Secret> read_codename(int codename_fd, bool stdin_is_free);

// Parses a typed codename and derives its reply key; 0 or the exit status.
[[nodiscard]] int codename_key(const crypto::Secret& typed, std::optional<crypto::ReplyKeys>& key);

// submit --reply: a new codename, shown once (on the terminal, or written to
// codename_out_fd). 0 or the exit status.
[[nodiscard]] int new_codename(const CodenameOptions& o, std::optional<crypto::ReplyKeys>& key);

// The reply key of a submission: a new codename (--reply), a codename typed
// again (--reply-codename), or none. 0 or the exit status.
[[nodiscard]] int submission_reply_key(const CodenameOptions& o, const std::string& text_path,
                                       std::optional<crypto::ReplyKeys>& key);

// ---- submit (submit_command.cpp) ----

// The testimony text from a file, or from standard input for "" or "-"
// (with a prompt on a terminal); at most kMaxTextBytes.
[[nodiscard]] Result<crypto::Plaintext> read_text(const std::string& path);

// Reads and cleans every attachment and shows the source what was removed
// (standard error), before anything else happens; appends them to out. 0 or
// the exit status.
[[nodiscard]] int prepare_attachments(const std::vector<std::string>& attach, const std::vector<std::string>& keep,
                                      std::vector<AttachmentInput>& out);

// Reaches the relay and sends a checked submission, showing progress. 0 or
// the exit status. `new_codename`: the source was just shown a codename.
[[nodiscard]] int send_submission(const crypto::DropAddress& to, const RouteRequest& route_request,
                                  const SubmissionInput& input, bool new_codename);

// cairn submit: checks everything given, then sends it.
[[nodiscard]] int submit_command(const std::string& to, const RouteRequest& route_request, const std::string& text_path,
                                 const std::vector<std::string>& attach, const std::vector<std::string>& keep,
                                 const CodenameOptions& codename);

// ---- check (check_command.cpp) ----

// cairn check: asks for the codename and prints the replies to it.
[[nodiscard]] int check_command(const std::string& to, const RouteRequest& route_request, int codename_fd);

// ---- The guided mode (guided.cpp) ----

// `cairn` alone on a terminal (or `cairn guide`): asks one thing at a time,
// in the source's language, then does what submit or check does.
[[nodiscard]] int guided_command(i18n::Language language, const RouteRequest& route_request);

}  // namespace cairn::client
