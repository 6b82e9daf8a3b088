#include "relay/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "crypto/random.h"

namespace cairn::relay {
namespace {

constexpr std::size_t kHexChars = 2 * kStoreKeyBytes;

Error io_error(const std::filesystem::path& path, std::string_view what) {
  return make_error(Errc::io, std::string(what) + " " + path.string() + ": " + std::strerror(errno));
}

int hex_value(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<crypto::Secret> create_key_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return make_error(Errc::already_exists, "refusing to overwrite the existing key file " + path.string());
    return io_error(path, "cannot create the key file");
  }
  auto key = crypto::random_secret(kStoreKeyBytes);
  crypto::Secret text(kHexChars + 1);
  static constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < kStoreKeyBytes; ++i) {
    text.data()[2 * i] = static_cast<std::uint8_t>(digits[key.data()[i] >> 4]);
    text.data()[2 * i + 1] = static_cast<std::uint8_t>(digits[key.data()[i] & 0xf]);
  }
  text.data()[kHexChars] = '\n';
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    auto err = io_error(path, "cannot write the key file");
    ::unlink(path.c_str());
    return err;
  }
  return key;
}

Result<crypto::Secret> read_key_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return make_error(Errc::not_found, "there is no key file at " + path.string());
    return io_error(path, "cannot open the key file");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto err = io_error(path, "cannot inspect the key file");
    ::close(fd);
    return err;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(Errc::malformed, "the key file " + path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return make_error(Errc::unsafe, "the key file " + path.string() +
                                        " can be read or written by other users (run: chmod 600 " +
                                        path.string() + ")");
  }
  // Read one byte more than the largest valid file, to tell "too long" from "exact".
  crypto::Secret text(kHexChars + 2);
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) return io_error(path, "cannot read the key file");
  auto len = static_cast<std::size_t>(n);
  if (len == kHexChars + 1 && text.data()[kHexChars] == '\n') len = kHexChars;
  if (len != kHexChars)
    return make_error(Errc::malformed, "the key file " + path.string() + " must hold exactly 64 hex digits");
  crypto::Secret key(kStoreKeyBytes);
  for (std::size_t i = 0; i < kStoreKeyBytes; ++i) {
    int hi = hex_value(text.data()[2 * i]), lo = hex_value(text.data()[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return make_error(Errc::malformed, "the key file " + path.string() + " must hold exactly 64 hex digits");
    key.data()[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return key;
}

}  // namespace cairn::relay
