// The one way Cairn reads a whole small file it was given (a bundle, a
// receipt, a bridges file, an attachment, a text): the cap is checked on the
// open descriptor before anything is allocated, only regular files are read
// (never a FIFO, a device or a directory), and a file that changes size while
// it is read is refused rather than returned short or long.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn {

// Whether the last component of the path may be a symbolic link. Files a
// person names on the command line follow links like any other tool; files a
// program keeps for itself (its own state) are opened with O_NOFOLLOW.
enum class Symlinks { follow, refuse };

// Reads all of the regular file `path`, at most `cap` bytes. `what` names it
// in errors ("the bridges file"; may be empty). Errc::not_found if it does
// not exist, Errc::invalid_argument if it is not a regular file (or, with
// Symlinks::refuse, a link), Errc::too_large over the cap, Errc::io otherwise.
[[nodiscard]] inline Result<Bytes> read_file_capped(const std::filesystem::path& path, std::size_t cap,
                                                    std::string_view what, Symlinks symlinks = Symlinks::follow) {
  const std::string named = what.empty() ? path.string() : std::string(what) + " " + path.string();
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;  // O_NONBLOCK: opening a FIFO never waits
  if (symlinks == Symlinks::refuse) flags |= O_NOFOLLOW;
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    if (errno == ELOOP && symlinks == Symlinks::refuse)
      return make_error(Errc::invalid_argument, path.string() + " is not a regular file");
    return make_error(errno == ENOENT ? Errc::not_found : Errc::io,
                      "cannot read " + named + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return make_error(Errc::invalid_argument, path.string() + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > cap)
    return make_error(Errc::too_large, named + " is " + std::to_string(st.st_size) + " bytes; the limit is " +
                                           std::to_string(cap));
  Bytes out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  std::uint8_t extra = 0;
  ssize_t more = done == out.size() ? ::read(fd, &extra, 1) : 0;
  if (done != out.size() || more != 0) return make_error(Errc::io, "could not read all of " + path.string());
  return out;
}

}  // namespace cairn
