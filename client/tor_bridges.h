// Bridge lines, as Tor Browser and bridges.torproject.org give them
// (docs/PROTOCOL.md, "Bridges"): "[Bridge] [TRANSPORT] ADDRESS:PORT
// [FINGERPRINT] [KEY=VALUE ...]". Each is checked before it goes anywhere
// near tor's configuration, and each transport is matched to the Debian
// program that provides it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace cairn::client {

// Implementation constants (caps, checked before work).
inline constexpr std::size_t kMaxBridgeLineChars = 2048;  // a snowflake line is ~600
inline constexpr std::size_t kMaxBridges = 64;
inline constexpr std::size_t kMaxBridgesFileBytes = 64 * 1024;

struct BridgeLine {
  std::string transport;  // "" for a plain (vanilla) bridge, else e.g. "obfs4", "snowflake"
  std::string line;       // the line as tor's Bridge option takes it, without "Bridge "
};

// The Debian program that provides a pluggable transport, and its package.
struct TransportProgram {
  std::string_view program;  // looked up in PATH
  std::string_view package;  // what to install when it is missing
};

// Which program provides `transport`, or nothing if Cairn does not know it
// (then the line is refused: tor could not use it).
[[nodiscard]] std::optional<TransportProgram> transport_program(std::string_view transport);

// Parses one line. Errc::malformed (with the reason) for anything that is not
// a bridge line, or that holds a character that could change the meaning of
// tor's configuration (control characters, quotes, backslashes, '#');
// Errc::unsupported for a transport Cairn cannot run.
[[nodiscard]] Result<BridgeLine> parse_bridge_line(std::string_view text);

// A file of bridge lines: blank lines and lines starting with '#' are
// skipped. Errc::too_large over kMaxBridgesFileBytes or kMaxBridges; the
// first bad line's error names its line number.
[[nodiscard]] Result<std::vector<BridgeLine>> parse_bridge_lines(std::string_view text);
[[nodiscard]] Result<std::vector<BridgeLine>> read_bridges_file(const std::filesystem::path& path);

}  // namespace cairn::client
