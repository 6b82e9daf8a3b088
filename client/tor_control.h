// Tor's control protocol (control-spec.txt), the small part the client needs
// to drive its own private tor: cookie authentication, TAKEOWNERSHIP,
// SETCONF/RESETCONF and GETINFO, over a Unix socket. Replies are read line by
// line with a cap on each line and on their number, and a deadline on each
// read: tor is trusted not to be hostile, but not to be quick.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "client/socket.h"
#include "common/result.h"

namespace cairn::client {

// Implementation constants.
inline constexpr std::size_t kMaxControlLineChars = 8192;
inline constexpr std::size_t kMaxControlReplyLines = 256;
inline constexpr std::size_t kTorCookieBytes = 32;

struct ControlReply {
  int status = 0;                  // 250 for success
  std::vector<std::string> lines;  // each reply line's text after "NNN-", "NNN+" or "NNN "
};

class TorControl {
 public:
  // Connects to tor's control socket and authenticates with the cookie file.
  [[nodiscard]] static Result<TorControl> connect(const std::filesystem::path& socket_path,
                                                  const std::filesystem::path& cookie_path,
                                                  std::chrono::milliseconds timeout);

  // Sends one command line and reads its reply; Errc::protocol unless 250.
  [[nodiscard]] Result<ControlReply> command(const std::string& line);
  // GETINFO key: the value of "key=value".
  [[nodiscard]] Result<std::string> getinfo(const std::string& key);

  void close() { socket_.close(); }

 private:
  TorControl(Socket s, std::chrono::milliseconds timeout) : socket_(std::move(s)), timeout_(timeout) {}
  [[nodiscard]] Result<std::string> read_line();
  [[nodiscard]] Result<ControlReply> read_reply();
  Socket socket_;
  std::chrono::milliseconds timeout_;
};

// One bootstrap status, parsed from GETINFO status/bootstrap-phase:
// "NOTICE BOOTSTRAP PROGRESS=45 TAG=… SUMMARY=\"…\" [WARNING=\"…\" REASON=…]".
struct BootstrapPhase {
  int progress = 0;  // 0 to 100
  std::string tag;
  std::string summary;
  std::string warning;  // empty unless tor reports a problem
  std::string reason;
};
[[nodiscard]] Result<BootstrapPhase> parse_bootstrap_phase(std::string_view text);

}  // namespace cairn::client
