// The guided mode (issue 11): `cairn` alone on a terminal (client/commands.h).
// Asks one thing at a time, in the source's language, and then does exactly
// what `cairn submit` or `cairn check` does, through the same functions.
// Nothing is sent before the source says yes to the summary, and cairn writes
// nothing to disk, so Ctrl-C at any step leaves nothing behind; the only
// terminal setting ever changed (echo, for a codename) is restored by
// common/terminal.h.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/commands.h"
#include "common/cli.h"
#include "common/day.h"
#include "i18n/catalog.h"

namespace cairn::client {

using i18n::tr;
using i18n::trf;

namespace {

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
Result<crypto::Plaintext> ask_testimony() {
  std::cout << tr("Type or paste your testimony. It can be many lines long.\n"
                  "When you have finished, type a single dot (.) alone on a new line and press Enter,\n"
                  "or press Ctrl-D.")
            << "\n";
  return read_text_lines(std::cin);
}

}  // namespace

int guided_command(i18n::Language language, const RouteRequest& route_request) {
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
    return check_command(address->first, route_request, -1);
  }

  step(2, tr("your testimony"));
  auto text = ask_testimony();
  if (!text.ok()) return cli::fail(text.error());

  step(3, tr("files (photos, documents)"));
  std::cout << tr("To attach a file, type its name with its folder (or drag it into this window) and press Enter.\n"
                  "Hidden details (place, camera, author) are removed before sending. When you have no more files,\n"
                  "just press Enter.")
            << "\n";
  std::vector<AttachmentInput> attachments;
  std::vector<std::string> names;
  for (;;) {
    auto line = ask_line(tr("File (or Enter to go on): "));
    if (!line) return nothing_sent();
    auto path = trimmed(*line);
    // Terminals put a dragged file's name in quotes.
    if (path.size() >= 2 && (path.front() == '\'' || path.front() == '"') && path.back() == path.front())
      path = path.substr(1, path.size() - 2);
    if (path.empty()) break;
    std::vector<AttachmentInput> one;
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
  std::optional<crypto::ReplyKeys> reply_key;
  if (*replies) {
    CodenameOptions o;
    o.reply = true;
    o.lang = language == i18n::Language::korean ? "ko" : "en";
    if (int rc = new_codename(o, reply_key); rc != 0) return rc;
  }

  SubmissionInput input;
  input.text = text->text();
  input.day = today_utc();
  if (reply_key) input.reply_key = crypto::public_keys(*reply_key);
  input.attachments = std::move(attachments);
  if (auto checked = check_submission(input); !checked.ok()) {
    cli::fail(checked.error());
    return nothing_sent();
  }

  step(5, tr("check and send"));
  std::size_t lines = 0;
  for (char c : input.text) lines += c == '\n' ? 1 : 0;
  const auto& relays = address->second.relays;
  std::string hosts;
  for (const auto& r : relays) hosts += (hosts.empty() ? "" : ", ") + r.host;
  std::cout << (relays.size() == 1 ? trf("To: the relay at %s", hosts)
                                   : trf("To: one of the organisation's %s relays (%s)", relays.size(), hosts))
            << "\n"
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
    std::cout << tr("The testimony did not arrive whole. Check the connection and run cairn again: it is then sent "
                    "again from the start.")
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

}  // namespace cairn::client
