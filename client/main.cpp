// cairn: the source's tool. Writes nothing to disk; keeps no state.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>

#include "client/hardening.h"
#include "client/submit.h"
#include "common/cli.h"
#include "crypto/drop_address.h"

namespace {

using namespace cairn;
namespace fs = std::filesystem;

constexpr std::size_t kMaxTextBytes = 16u << 20;
constexpr std::size_t kMaxAttachmentBytes = 256u << 20;

Result<std::string> read_text(const std::string& path) {
  if (path.empty() || path == "-") {
    if (::isatty(STDIN_FILENO))
      cli::info("type or paste your testimony, then press Ctrl-D on a new line");
    std::string text;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > kMaxTextBytes) return make_error(Errc::too_large, "the testimony text is larger than 16 MiB");
    }
    return text;
  }
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return make_error(Errc::not_found, "cannot read " + path + ": " + ec.message());
  if (size > kMaxTextBytes) return make_error(Errc::too_large, path + " is larger than 16 MiB");
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string guess_media_type(const fs::path& p) {
  auto ext = p.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".pdf") return "application/pdf";
  if (ext == ".txt") return "text/plain";
  if (ext == ".mp4") return "video/mp4";
  if (ext == ".m4a") return "audio/mp4";
  if (ext == ".doc" || ext == ".docx") return "application/msword";
  return "application/octet-stream";
}

Result<client::AttachmentInput> read_attachment(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return make_error(Errc::not_found, "cannot read the attachment " + path + ": " + ec.message());
  if (size > kMaxAttachmentBytes) return make_error(Errc::too_large, "the attachment " + path + " is larger than 256 MiB");
  std::ifstream in(path, std::ios::binary);
  client::AttachmentInput a;
  a.name = fs::path(path).filename().string();
  a.media_type = guess_media_type(path);
  a.content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (a.content.size() != size) return make_error(Errc::io, "could not read all of " + path);
  return a;
}

int cmd_submit(const std::string& to, const std::string& proxy, const std::string& text_path,
               const std::vector<std::string>& attach) {
  auto address = crypto::parse_drop_address(to);
  if (!address.ok()) return cli::fail(address.error(), "copy the drop address again, exactly as published");
  client::SubmitOptions options;
  if (!proxy.empty()) {
    auto p = client::parse_proxy_url(proxy);
    if (!p.ok()) return cli::fail(p.error(), "for Tor Browser use --proxy socks5h://127.0.0.1:9150; for tor, port 9050");
    options.connect.proxy = *p;
  } else if (address->is_onion()) {
    return cli::fail("this drop address is an onion service (.onion), which can only be reached through Tor",
                     "start Tor and add --proxy socks5h://127.0.0.1:9050 (Tor Browser: port 9150)");
  }
  auto text = read_text(text_path);
  if (!text.ok()) return cli::fail(text.error());
  client::SubmissionInput input;
  input.text = std::move(text).value();
  input.day = today_utc();
  for (const auto& path : attach) {
    auto a = read_attachment(path);
    if (!a.ok()) return cli::fail(a.error());
    input.attachments.push_back(std::move(a).value());
  }
  if (!input.attachments.empty())
    cli::warn("files can carry hidden details (camera, place, author); remove them if they could identify you");
  options.progress = [](std::string_view line) { cli::info(line); };
  auto report = client::submit(*address, input, options, today_utc());
  if (!report.ok()) {
    std::string hint;
    if (report.code() == Errc::io || report.code() == Errc::timeout)
      hint = "check your connection and run the same command again: drops already sent are not duplicated";
    return cli::fail(report.error(), hint);
  }
  std::cout << "delivered: " << report->drops_acknowledged << " of " << report->drops_total
            << " drop(s) acknowledged by the relay, sealed to " << report->analysts << " analyst(s)\n";
  return report->drops_acknowledged == report->drops_total ? 0 : cli::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  client::harden_process();
  CLI::App app{"cairn: send testimony safely to the organisation's analysts"};
  app.require_subcommand(1);

  std::string to, proxy, text_path;
  std::vector<std::string> attach;
  auto* submit = app.add_subcommand("submit", "send a testimony (text from a file or typed in) and files");
  submit->add_option("--to", to, "the drop address (cairn1…)")->required();
  submit->add_option("--proxy", proxy, "route through Tor: socks5h://127.0.0.1:9050");
  submit->add_option("--text", text_path, "a UTF-8 text file with the testimony (default: type it in)");
  submit->add_option("--attach", attach, "a file to send (repeat for more)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : cli::kExitUsage;
  }
  if (*submit) return cmd_submit(to, proxy, text_path, attach);
  return cli::kExitUsage;
}
