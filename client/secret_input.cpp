#include "client/secret_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/terminal.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {
namespace {

Error io_error(std::string_view what) {
  return make_error(Errc::io, std::string(what) + ": " + i18n::system_error(errno));
}

// Reads into a fixed secure buffer until EOF or (when stop_at_newline) the
// first newline; never reallocates, so no stray copy is left in freed memory.
Result<crypto::Secret> read_bounded(int fd, bool stop_at_newline) {
  crypto::Secret buffer(kMaxSecretInputBytes + 1);
  std::size_t length = 0;
  while (length < buffer.size()) {
    ssize_t n = ::read(fd, buffer.data() + length, stop_at_newline ? 1 : buffer.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(i18n::tr("cannot read the codename"));
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
    if (stop_at_newline && buffer.data()[length - 1] == '\n') break;
  }
  if (length > kMaxSecretInputBytes)
    return make_error(Errc::too_large, i18n::trf("the codename input is longer than %s bytes; a codename is 12 words",
                                                 kMaxSecretInputBytes));
  return crypto::Secret::copy_of(buffer.view().first(length));
}

}  // namespace

Result<crypto::Secret> read_secret_from_terminal(std::string_view prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return io_error(i18n::tr("cannot open the terminal to ask for the codename"));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  EchoOff echo_off(fd);
  if (!echo_off.active())
    return make_error(Errc::io, i18n::tr("cannot turn off echo on the terminal, so the codename would show on screen"));
  if (::write(fd, prompt.data(), prompt.size()) < 0) return io_error(i18n::tr("cannot write to the terminal"));
  return read_bounded(fd, /*stop_at_newline=*/true);
}

Result<crypto::Secret> read_secret_from_fd(int fd) {
  if (fd < 0) return make_error(Errc::invalid_argument, i18n::tr("the codename file descriptor must not be negative"));
  return read_bounded(fd, /*stop_at_newline=*/false);
}

Status write_secret_to_fd(int fd, const crypto::Secret& secret) {
  std::size_t written = 0;
  while (written < secret.size()) {
    ssize_t n = ::write(fd, secret.data() + written, secret.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(i18n::trf("cannot write the codename to file descriptor %s", fd));
    }
    written += static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace cairn::client
