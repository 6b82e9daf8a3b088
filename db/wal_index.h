// The WAL index: in WAL mode SQLite keeps `<database>-shm` mapped into memory
// (MAP_SHARED) and grows it 32 KiB at a time by writing one byte at the end of
// each 4 KiB page (os_unix.c, unixShmMap). On a file system whose blocks are
// smaller than a page (ext4 with 1 KiB blocks) that allocates one block of
// every four; the rest of each page is a hole, and when SQLite later stores
// into a hole through the mapping on a full disk, the kernel cannot allocate
// the block and the process gets SIGBUS: no error code, no log line.
// Reproduced in scripts/shm_hole_demo.py; see docs/RELIABILITY.md.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/result.h"

namespace cairn::db {

// One region of the WAL index: it indexes 4096 WAL frames.
inline constexpr std::uint64_t kWalIndexRegionBytes = 32 * 1024;

// Gives the first `bytes` of the database's open WAL index real blocks
// (fallocate, which never changes what is already written), growing the file
// if it is shorter, so that no later store through SQLite's mapping lands on a
// hole. Call it after opening the database in WAL mode, and again whenever the
// file may have been truncated (SQLite truncates it when the first connection
// opens the database). Errc::io if the disk has no room for it;
// Errc::unsupported if the file system cannot preallocate.
[[nodiscard]] Status preallocate_wal_index(const std::filesystem::path& database, std::uint64_t bytes);

}  // namespace cairn::db
