#include "analyst/commands.h"

#include <iostream>

#include "analyst/display.h"
#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

namespace fs = std::filesystem;
using i18n::tr;
using i18n::trf;

int extract_command(const CommandContext& g, std::int64_t id, const fs::path& out) {
  return with_vault(g, [&](Vault& vault) {
    auto files = extract_attachments(vault, id, out);
    if (!files.ok()) return cli::fail(files.error());
    std::string with_metadata;
    for (const auto& f : *files) {
      std::cout << (out / f.name).string() << " (" << human_size(f.size) << ")\n";
      if (f.metadata == FileMetadata::kept || f.metadata == FileMetadata::unspecified)
        with_metadata += (with_metadata.empty() ? "" : ", ") + sanitize_for_terminal(f.name, Lines::flatten);
    }
    if (!with_metadata.empty())
      cli::warn(trf("file metadata (photo EXIF and GPS, document authors, device names) may identify the source; "
                    "strip it before these files leave the station (not removed by the source's client: %s)",
                    with_metadata));
    else
      cli::info(tr("the source's client removed the files' hidden details; what they show (faces, places, papers) "
                   "can still identify the source"));
    return 0;
  });
}

}  // namespace cairn::analyst
