#include "analyst/passphrase.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/terminal.h"
#include "i18n/system_error.h"

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
    if (r < 0) return make_error(Errc::io, i18n::trf("cannot read the passphrase: %s", i18n::system_error(errno)));
    if (r == 0 || c == '\n') break;
    if (n == buffer.size())
      return make_error(Errc::too_large, i18n::trf("the passphrase is longer than %s bytes", kMaxPassphraseBytes));
    buffer.data()[n++] = c;
  }
  if (n > 0 && buffer.data()[n - 1] == '\r') --n;
  if (n > kMaxPassphraseBytes)
    return make_error(Errc::too_large, i18n::trf("the passphrase is longer than %s bytes", kMaxPassphraseBytes));
  if (n == 0) return make_error(Errc::invalid_argument, i18n::tr("the passphrase is empty"));
  return crypto::Secret::copy_of(buffer.view().first(n));
}

// Echo goes off (discarding anything typed before) and only then is the
// prompt shown, so nothing typed in answer to it can be echoed or discarded.
Result<crypto::Secret> ask(std::string_view prompt) {
  EchoOff quiet(STDIN_FILENO);
  if (!quiet.active()) return make_error(Errc::io, i18n::tr("cannot turn off the terminal's echo to read the passphrase"));
  std::fprintf(stderr, "%.*s", static_cast<int>(prompt.size()), prompt.data());
  std::fflush(stderr);
  return read_line(STDIN_FILENO);
}

}  // namespace

Result<crypto::Secret> read_passphrase(const PassphraseSource& source, std::string_view prompt, Confirm confirm) {
  if (source.fd) {
    if (*source.fd < 0) return make_error(Errc::invalid_argument, i18n::tr("--passphrase-fd must be a file descriptor number"));
    return read_line(*source.fd);
  }
  if (::isatty(STDIN_FILENO) == 0)
    return make_error(Errc::invalid_argument, i18n::tr(kNoTerminalForPassphrase));
  CAIRN_TRY(auto first, ask(prompt));
  if (confirm == Confirm::no) return first;
  CAIRN_TRY(auto second, ask(i18n::tr("Type the passphrase again: ")));
  if (!(first == second)) return make_error(Errc::invalid_argument, i18n::tr("the two passphrases are not the same"));
  return first;
}

}  // namespace cairn::analyst
