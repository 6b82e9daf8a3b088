// Files on the station: everything written is new (never overwritten), owned
// by the analyst only where it matters, and synced before we say it is done.
// (Reading is common/files.h, read_file_capped.)
#pragma once

#include <sys/types.h>

#include <filesystem>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::analyst {

// Creates `path` (O_EXCL, O_NOFOLLOW) with `mode`, writes all of `data`, and
// fsyncs. Errc::already_exists if anything is there; on any failure the new
// file is removed.
[[nodiscard]] Status write_new_file(const std::filesystem::path& path, ByteView data, mode_t mode);

// The same, relative to an open directory (extract: no path resolution after
// the directory was opened, so no symlink race).
[[nodiscard]] Status write_new_file_at(int dir_fd, const std::string& name, ByteView data, mode_t mode);

}  // namespace cairn::analyst
