#include "db/wal_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace cairn::db {

Result<WalIndexReservation> WalIndexReservation::open(const std::filesystem::path& database) {
  std::string shm = database.string() + "-shm";
  // Never O_CREAT: the file is SQLite's; if it does not exist the database is not open in WAL mode.
  int fd = ::open(shm.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return make_error(Errc::not_found, "cannot open the WAL index " + shm + ": " + std::strerror(errno));
  return WalIndexReservation(fd, std::move(shm));
}

Status WalIndexReservation::preallocate(std::uint64_t bytes) {
  // Linux fallocate, not posix_fallocate: glibc's fallback for file systems
  // without fallocate writes zero bytes, which would race with SQLite's own
  // stores through the mapping.
  int rc = 0;
  do {
    rc = ::fallocate(fd_, 0, 0, static_cast<off_t>(bytes));
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return ok_status();
  int err = errno;
  std::string why = "cannot preallocate the WAL index " + path_ + ": " + std::strerror(err);
  if (err == EOPNOTSUPP) return make_error(Errc::unsupported, why);
  return make_error(Errc::io, why);
}

WalIndexReservation::WalIndexReservation(WalIndexReservation&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

WalIndexReservation::~WalIndexReservation() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace cairn::db
