// The vault passphrase: typed at the terminal without echo, or read as one
// line from a file descriptor the caller opened (--passphrase-fd, for
// scripts and tests). Never from the command line, where every user of the
// machine can read it and shells keep it in their history.
#pragma once

#include <optional>
#include <string_view>

#include "common/result.h"
#include "crypto/secret.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

// ---- Implementation constants ----
inline constexpr std::size_t kMaxPassphraseBytes = 1024;
// Shorter passphrases are accepted at init with a warning.
inline constexpr std::size_t kRecommendedPassphraseBytes = 12;

struct PassphraseSource {
  std::optional<int> fd;  // --passphrase-fd; otherwise the terminal on stdin
};

enum class Confirm { no, yes };

// The error (translated) when there is neither a descriptor nor a terminal to ask on.
inline constexpr const char* kNoTerminalForPassphrase =
    i18n::N_("cannot ask for the passphrase: standard input is not a terminal");

// Errors: Errc::invalid_argument (empty; the two entries differ; no terminal
// and no descriptor), Errc::too_large, Errc::io. With a descriptor, reads up
// to the first newline (a trailing CR is dropped) and no further, and never
// asks twice.
[[nodiscard]] Result<crypto::Secret> read_passphrase(const PassphraseSource& source, std::string_view prompt,
                                                     Confirm confirm);

}  // namespace cairn::analyst
