// The configuration the client gives its own private tor (docs/PROTOCOL.md,
// "The private tor"). Built here as text, so the production defaults are
// tested by reading them, never by running them against the Tor network.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "client/tor_bridges.h"
#include "common/result.h"

namespace cairn::client {

struct PrivateTorSettings {
  std::filesystem::path directory;  // on a RAM file system; tor's data, control socket and cookie live here
  long owner_pid = 0;               // this process: tor exits if it dies
  std::vector<BridgeLine> bridges;  // none: connect to the Tor network directly
  // Transport name -> absolute path of its program (for the bridges' transports).
  std::map<std::string, std::filesystem::path> transport_programs;
};

// File names inside PrivateTorSettings::directory.
inline constexpr std::string_view kTorDataSubdir = "data";
inline constexpr std::string_view kTorControlSocket = "control";
inline constexpr std::string_view kTorControlCookie = "control.cookie";

// The torrc, one option a line, read by tor from its standard input (so it
// never touches a disk and never shows in the process list). It starts tor
// with DisableNetwork 1: tor contacts nothing until the client has taken
// ownership over the control port and turns the network on.
// Errc::invalid_argument if a path holds characters tor's configuration
// would misread, or a bridge's transport has no program.
[[nodiscard]] Result<std::string> private_torrc(const PrivateTorSettings& settings);

}  // namespace cairn::client
