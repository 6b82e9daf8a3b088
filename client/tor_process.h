// The client's own private tor (docs/PROTOCOL.md, "The private tor"): Debian's
// `tor`, started as a child with its data in a fresh directory on a RAM file
// system, configured through its standard input, owned over its control
// socket (it exits when this process does), and stopped, with its directory
// removed, when the run ends. It never falls back to anything.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/socks5.h"
#include "client/tor_bridges.h"
#include "client/tor_control.h"
#include "client/tor_discovery.h"
#include "common/result.h"

namespace cairn::client {

// Implementation constants.
inline constexpr std::chrono::milliseconds kTorStartTimeout{30'000};  // until the control socket answers
inline constexpr std::chrono::seconds kDefaultBootstrapTimeout{300};  // snowflake can be slow
inline constexpr std::chrono::milliseconds kTorStopTimeout{10'000};

struct PrivateTorOptions {
  std::vector<BridgeLine> bridges;
  std::chrono::milliseconds bootstrap_timeout = kDefaultBootstrapTimeout;
  EnvLookup env = process_env;  // PATH (where tor and the transports are), XDG_RUNTIME_DIR
  // Bootstrap progress, on every change: percent and tor's summary.
  std::function<void(int percent, const std::string& summary)> progress;
};

// A program found in PATH, or nothing.
[[nodiscard]] std::optional<std::filesystem::path> find_program(const EnvLookup& env, std::string_view name);

// The RAM directory tor's private directory goes in: $XDG_RUNTIME_DIR if it
// is a RAM file system (tmpfs, ramfs), else /dev/shm if it is one.
// Errc::not_found if neither is: the client will not write tor's state to disk.
[[nodiscard]] Result<std::filesystem::path> ram_directory(const EnvLookup& env);

// A private tor failure: what failed, and what the source can try.
struct TorFailure {
  Error error;
  std::string hint;
};

class PrivateTor {
 public:
  // Starts tor and waits until it has bootstrapped (or fails: a specific
  // error within the bootstrap timeout, with a hint in `hint`).
  [[nodiscard]] static Result<std::unique_ptr<PrivateTor>> start(const PrivateTorOptions& options, std::string& hint);
  PrivateTor(const PrivateTor&) = delete;
  PrivateTor& operator=(const PrivateTor&) = delete;
  // Stops tor (closing the control socket ends it) and removes its directory.
  ~PrivateTor();

  // Its SOCKS port, with fresh stream-isolation credentials.
  [[nodiscard]] const ProxyUrl& socks() const { return socks_; }
  [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  PrivateTor() = default;
  void stop();
  std::filesystem::path directory_;
  pid_t pid_ = -1;
  int output_fd_ = -1;  // tor's stdout and stderr (errors only)
  std::optional<TorControl> control_;
  ProxyUrl socks_;
};

}  // namespace cairn::client
