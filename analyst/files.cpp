#include "analyst/files.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cairn::analyst {
namespace {

Status write_all(int fd, ByteView data, const std::string& name) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(Errc::io, i18n::trf("cannot write %s: %s", name, i18n::system_error(errno)));
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return make_error(Errc::io, i18n::trf("cannot write %s to the disk: %s", name, i18n::system_error(errno)));
  return ok_status();
}

Error open_error(const std::string& name) {
  int err = errno;
  if (err == EEXIST) return make_error(Errc::already_exists, i18n::trf("refusing to overwrite %s: it already exists", name));
  if (err == ELOOP) return make_error(Errc::unsafe, i18n::trf("refusing to write through the symbolic link %s", name));
  return make_error(Errc::io, i18n::trf("cannot create %s: %s", name, i18n::system_error(err)));
}

}  // namespace

Status write_new_file(const std::filesystem::path& path, ByteView data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return open_error(path.string());
  auto st = write_all(fd, data, path.string());
  ::close(fd);
  if (!st.ok()) ::unlink(path.c_str());
  return st;
}

Status write_new_file_at(int dir_fd, const std::string& name, ByteView data, mode_t mode) {
  int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return open_error(name);
  auto st = write_all(fd, data, name);
  ::close(fd);
  if (!st.ok()) ::unlinkat(dir_fd, name.c_str(), 0);
  return st;
}

}  // namespace cairn::analyst
