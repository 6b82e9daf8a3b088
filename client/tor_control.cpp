#include "client/tor_control.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

#include "crypto/secret.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {
namespace {

// "KEY=value" or KEY="quoted value" from a space-separated status line.
std::string field(std::string_view text, std::string_view key) {
  std::string pattern = " " + std::string(key) + "=";
  auto at = (" " + std::string(text)).find(pattern);
  if (at == std::string::npos) return {};
  auto v = text.substr(at + pattern.size() - 1);
  if (!v.empty() && v.front() == '"') {
    std::string out;
    for (std::size_t i = 1; i < v.size() && v[i] != '"'; ++i) {
      if (v[i] == '\\' && i + 1 < v.size()) ++i;
      out += v[i];
    }
    return out;
  }
  return std::string(v.substr(0, v.find(' ')));
}

}  // namespace

Result<TorControl> TorControl::connect(const std::filesystem::path& socket_path,
                                       const std::filesystem::path& cookie_path, std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const auto& p = socket_path.native();
  if (p.size() >= sizeof addr.sun_path)
    return make_error(Errc::invalid_argument, i18n::trf("tor's control socket path is too long: %s", p));
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  Socket s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.is_open()) return make_error(Errc::io, i18n::trf("cannot make a socket: %s", i18n::system_error(errno)));
  if (::connect(s.fd(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
    return make_error(Errc::io, i18n::trf("cannot open tor's control socket: %s", i18n::system_error(errno)));
  TorControl control(std::move(s), timeout);

  // The cookie: exactly 32 bytes, read into secure memory, sent as hex.
  std::ifstream in(cookie_path, std::ios::binary);
  crypto::Secret cookie(kTorCookieBytes);
  in.read(reinterpret_cast<char*>(cookie.data()), static_cast<std::streamsize>(cookie.size()));
  if (in.gcount() != static_cast<std::streamsize>(kTorCookieBytes) || in.peek() != std::char_traits<char>::eof())
    return make_error(Errc::protocol, i18n::tr("tor's control cookie is missing or not 32 bytes"));
  constexpr std::string_view kCommand = "AUTHENTICATE ";
  crypto::Secret line(kCommand.size() + 2 * kTorCookieBytes + 2);
  std::memcpy(line.data(), kCommand.data(), kCommand.size());
  constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < kTorCookieBytes; ++i) {
    line.data()[kCommand.size() + 2 * i] = static_cast<std::uint8_t>(kHex[cookie.data()[i] >> 4]);
    line.data()[kCommand.size() + 2 * i + 1] = static_cast<std::uint8_t>(kHex[cookie.data()[i] & 0xf]);
  }
  line.data()[line.size() - 2] = '\r';
  line.data()[line.size() - 1] = '\n';
  CAIRN_CHECK(control.socket_.write_all(line.view(), timeout));
  CAIRN_TRY(auto reply, control.read_reply());
  if (reply.status != 250) return make_error(Errc::protocol, i18n::tr("tor refused the control cookie"));
  return control;
}

Result<std::string> TorControl::read_line() {
  std::string line;
  for (;;) {
    ByteArray<1> c{};
    CAIRN_CHECK(socket_.read_exact(c, timeout_));
    if (c[0] == '\n') break;
    if (line.size() == kMaxControlLineChars)
      return make_error(Errc::too_large, i18n::tr("tor sent a control reply line longer than 8 KiB"));
    line += static_cast<char>(c[0]);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<ControlReply> TorControl::read_reply() {
  ControlReply reply;
  for (;;) {
    if (reply.lines.size() == kMaxControlReplyLines)
      return make_error(Errc::too_large, i18n::tr("tor sent a control reply of more than 256 lines"));
    CAIRN_TRY(auto line, read_line());
    int status = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + std::min<std::size_t>(3, line.size()), status);
    if (line.size() < 4 || ec != std::errc() || p != line.data() + 3)
      return make_error(Errc::protocol, i18n::tr("tor sent a malformed control reply"));
    reply.status = status;
    const char kind = line[3];
    reply.lines.push_back(line.substr(4));
    if (kind == ' ') return reply;
    if (kind == '+') {  // a data block, ended by a line holding only "."
      for (;;) {
        if (reply.lines.size() == kMaxControlReplyLines)
          return make_error(Errc::too_large, i18n::tr("tor sent a control reply of more than 256 lines"));
        auto data = read_line();
        if (!data.ok()) return data.error();
        if (data->size() == 1 && data->front() == '.') break;
        reply.lines.push_back(std::move(data).value());
      }
    } else if (kind != '-') {
      return make_error(Errc::protocol, i18n::tr("tor sent a malformed control reply"));
    }
  }
}

Result<ControlReply> TorControl::command(const std::string& line) {
  CAIRN_CHECK(socket_.write_all(as_bytes(line + "\r\n"), timeout_));
  CAIRN_TRY(auto reply, read_reply());
  if (reply.status != 250)
    return make_error(Errc::protocol, i18n::trf("tor refused a control command (%s): %s %s", line.substr(0, line.find(' ')),
                                                reply.status, reply.lines.empty() ? std::string() : reply.lines.back()));
  return reply;
}

Result<std::string> TorControl::getinfo(const std::string& key) {
  CAIRN_TRY(auto reply, command("GETINFO " + key));
  const std::string prefix = key + "=";
  for (std::size_t i = 0; i < reply.lines.size(); ++i) {
    if (reply.lines[i].rfind(prefix, 0) != 0) continue;
    auto value = reply.lines[i].substr(prefix.size());
    // A value too long for one line comes as a data block after "key=".
    if (value.empty() && i + 1 < reply.lines.size()) return reply.lines[i + 1];
    return value;
  }
  return make_error(Errc::protocol, i18n::trf("tor did not answer GETINFO %s", key));
}

Result<BootstrapPhase> parse_bootstrap_phase(std::string_view text) {
  BootstrapPhase phase;
  auto progress = field(text, "PROGRESS");
  auto [p, ec] = std::from_chars(progress.data(), progress.data() + progress.size(), phase.progress);
  if (progress.empty() || ec != std::errc() || p != progress.data() + progress.size() || phase.progress < 0 ||
      phase.progress > 100)
    return make_error(Errc::protocol, i18n::tr("tor's bootstrap status has no valid PROGRESS"));
  phase.tag = field(text, "TAG");
  phase.summary = field(text, "SUMMARY");
  phase.warning = field(text, "WARNING");
  phase.reason = field(text, "REASON");
  return phase;
}

}  // namespace cairn::client
