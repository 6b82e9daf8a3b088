// The cairn-relay commands: relay/main.cpp parses the command line and calls
// one of these. Each lives in a file named after it (init_command.cpp, ...),
// prints its result on standard output and its failure as "cairn: error: ..."
// (common/cli.h), and returns the process exit code. Everything they do is
// local: there is no network administration interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "relay/config.h"
#include "relay/relay_dir.h"

namespace cairn::relay {

// init: the relay's keys and an empty encrypted store of quota_bytes, every
// slot allocated now; prints the relay keys line for the analyst station.
[[nodiscard]] int init_command(const RelayDir& relay_dir, const std::string& organisation_key_text,
                               std::uint64_t quota_bytes);

// serve: runs the relay (config's store and key paths come from relay_dir).
[[nodiscard]] int serve_command(const RelayDir& relay_dir, ServeConfig config);

// publish: installs a key bundle or a reply batch signed on the station.
[[nodiscard]] int publish_command(const RelayDir& relay_dir, const std::filesystem::path& file,
                                  std::uint32_t reply_days);

// status: counts only (nothing per source).
[[nodiscard]] int status_command(const RelayDir& relay_dir);

// export: writes the stored drops to an export bundle (in parts of at most
// part_bytes) for the station.
[[nodiscard]] int export_command(const RelayDir& relay_dir, const std::filesystem::path& out, std::size_t max_drops,
                                 std::uint64_t part_bytes);

// purge: deletes the drops a signed import receipt names.
[[nodiscard]] int purge_command(const RelayDir& relay_dir, const std::filesystem::path& receipt);

}  // namespace cairn::relay
