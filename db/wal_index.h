// The WAL index: in WAL mode SQLite keeps `<database>-shm` mapped into memory
// (MAP_SHARED) and grows it 32 KiB at a time by writing one byte at the end of
// each 4 KiB page (os_unix.c, unixShmMap). On a file system whose blocks are
// smaller than a page (ext4 with 1 KiB blocks) that allocates one block of
// every four; the rest of each page is a hole, and when SQLite later stores
// into a hole through the mapping on a full disk, the kernel cannot allocate
// the block and the process gets SIGBUS: no error code, no log line.
// Reproduced by scripts/shm-sigbus-repro.sh; see docs/RELIABILITY.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace cairn::db {

// One region of the WAL index: it indexes 4096 WAL frames.
inline constexpr std::uint64_t kWalIndexRegionBytes = 32 * 1024;

// Real blocks for the first bytes of an open database's WAL index, and the
// descriptor that got them.
//
// Closing any descriptor of a file drops every POSIX record lock the process
// holds on it (fcntl(2)), SQLite's included: SQLite would lose the lock that
// tells other processes the WAL index is in use, and the next process to open
// the database would truncate the index under this one's mapping (SIGBUS
// again). So the descriptor stays open while this object lives, and the
// object MUST outlive every connection to the database in this process.
class WalIndexReservation {
 public:
  // Opens the WAL index of a database this process has open in WAL mode (call
  // it after the first connection opened: that one truncates the index).
  // Errc::not_found if there is none.
  [[nodiscard]] static Result<WalIndexReservation> open(const std::filesystem::path& database);

  // Gives the first `bytes` of the index real blocks (fallocate, which never
  // changes what is already written), growing the file if it is shorter.
  // Errc::unsupported if the file system cannot preallocate, Errc::io
  // otherwise (a full disk included).
  [[nodiscard]] Status preallocate(std::uint64_t bytes);

  WalIndexReservation(WalIndexReservation&& other) noexcept;
  WalIndexReservation& operator=(WalIndexReservation&&) = delete;
  WalIndexReservation(const WalIndexReservation&) = delete;
  WalIndexReservation& operator=(const WalIndexReservation&) = delete;
  ~WalIndexReservation();

 private:
  WalIndexReservation(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace cairn::db
