#include "db/wal_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cairn::db {

Status preallocate_wal_index(const std::filesystem::path& database, std::uint64_t bytes) {
  const std::string shm = database.string() + "-shm";
  // Never O_CREAT: the file is SQLite's; if it does not exist the database is not open in WAL mode.
  int fd = ::open(shm.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return make_error(Errc::not_found, "cannot open the WAL index " + shm + ": " + std::strerror(errno));
  // Linux fallocate, not posix_fallocate: glibc's fallback for file systems
  // without fallocate writes zero bytes, which would race with SQLite's own
  // stores through the mapping.
  int rc = 0;
  do {
    rc = ::fallocate(fd, 0, 0, static_cast<off_t>(bytes));
  } while (rc != 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (rc == 0) return ok_status();
  std::string why = "cannot preallocate the WAL index " + shm + ": " + std::strerror(err);
  if (err == ENOSPC) return make_error(Errc::io, why + " (the disk is full)");
  if (err == EOPNOTSUPP) return make_error(Errc::unsupported, why);
  return make_error(Errc::io, why);
}

}  // namespace cairn::db
