#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "common/cli.h"

namespace cairn::analyst {

namespace fs = std::filesystem;

int extract_command(const CommandContext& g, std::int64_t id, const fs::path& out) {
  int rc = 0;
  auto vault = open_or_report(g, rc);
  if (!vault) return rc;
  auto files = extract_attachments(*vault, id, out);
  if (!files.ok()) return cli::fail(files.error());
  std::string with_metadata;
  for (const auto& f : *files) {
    std::cout << (out / f.name).string() << " (" << human_size(f.size) << ")\n";
    if (f.metadata == FileMetadata::kept || f.metadata == FileMetadata::unspecified)
      with_metadata += (with_metadata.empty() ? "" : ", ") + sanitize_for_terminal(f.name, Lines::flatten);
  }
  if (!with_metadata.empty())
    cli::warn("file metadata (photo EXIF and GPS, document authors, device names) may identify the source; "
              "strip it before these files leave the station (not removed by the source's client: " +
              with_metadata + ")");
  else
    cli::info("the source's client removed the files' hidden details; what they show (faces, places, papers) "
              "can still identify the source");
  return 0;
}

}  // namespace cairn::analyst
