#include "analyst/passphrase.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/terminal.h"

namespace cairn::analyst {
namespace {

// Reads one line, byte by byte so nothing after the newline is consumed,
// straight into secure memory.
Result<crypto::Secret> read_line(int fd) {
  crypto::Secret buffer(kMaxPassphraseBytes + 1);
  std::size_t n = 0;
  for (;;) {
    std::uint8_t c = 0;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return make_error(Errc::io, std::string("cannot read the passphrase: ") + std::strerror(errno));
    if (r == 0 || c == '\n') break;
    if (n == buffer.size())
      return make_error(Errc::too_large, "the passphrase is longer than " + std::to_string(kMaxPassphraseBytes) +
                                             " bytes");
    buffer.data()[n++] = c;
  }
  if (n > 0 && buffer.data()[n - 1] == '\r') --n;
  if (n > kMaxPassphraseBytes)
    return make_error(Errc::too_large, "the passphrase is longer than " + std::to_string(kMaxPassphraseBytes) + " bytes");
  if (n == 0) return make_error(Errc::invalid_argument, "the passphrase is empty");
  return crypto::Secret::copy_of(buffer.view().first(n));
}

// Echo goes off (discarding anything typed before) and only then is the
// prompt shown, so nothing typed in answer to it can be echoed or discarded.
Result<crypto::Secret> ask(std::string_view prompt) {
  EchoOff quiet(STDIN_FILENO);
  if (!quiet.active()) return make_error(Errc::io, "cannot turn off the terminal's echo to read the passphrase");
  std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
  std::fflush(stderr);
  return read_line(STDIN_FILENO);
}

}  // namespace

Result<crypto::Secret> read_passphrase(const PassphraseSource& source, std::string_view prompt, Confirm confirm) {
  if (source.fd) {
    if (*source.fd < 0) return make_error(Errc::invalid_argument, "--passphrase-fd must be a file descriptor number");
    return read_line(*source.fd);
  }
  if (::isatty(STDIN_FILENO) == 0)
    return make_error(Errc::invalid_argument,
                      "cannot ask for the passphrase: standard input is not a terminal");
  CAIRN_TRY(auto first, ask(prompt));
  if (confirm == Confirm::no) return first;
  CAIRN_TRY(auto second, ask("Type the passphrase again: "));
  if (!(first == second)) return make_error(Errc::invalid_argument, "the two passphrases are not the same");
  return first;
}

}  // namespace cairn::analyst
