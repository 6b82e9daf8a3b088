// Reading a codename without leaving it anywhere: from the terminal with echo
// off (so it is not on screen or in the scrollback), or from a file
// descriptor (scripts and tests). Never from the command line, where other
// users' `ps` and the shell history would see it. The text goes straight
// into a Secret; no std::string ever holds it.
#pragma once

#include <string_view>

#include "common/result.h"
#include "crypto/secret.h"

namespace cairn::client {

// The largest input read (a codename is far smaller); more is Errc::too_large.
inline constexpr std::size_t kMaxSecretInputBytes = 1024;

// Prompts on the controlling terminal (/dev/tty) and reads one line with echo
// off; the terminal's settings are restored before returning. Errc::io if
// there is no terminal.
[[nodiscard]] Result<crypto::Secret> read_secret_from_terminal(std::string_view prompt);

// Reads fd to its end (or kMaxSecretInputBytes + 1 bytes). A trailing newline
// is kept; codename parsing ignores whitespace. Errc::io if fd cannot be read.
[[nodiscard]] Result<crypto::Secret> read_secret_from_fd(int fd);

// Writes the whole secret to fd (for --codename-out-fd). Errc::io on failure.
[[nodiscard]] Status write_secret_to_fd(int fd, const crypto::Secret& secret);

}  // namespace cairn::client
