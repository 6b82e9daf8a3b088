// What the operating system said, in the reader's language: our own sentence
// for the usual errno values (and getaddrinfo's), never strerror's English.
// Anything else is named by its symbol ("error EBADF"), which a helper can
// look up, rather than by a sentence the reader may not understand.
#pragma once

#include <string>

namespace cairn::i18n {

// errno's meaning: "there is no such file or folder", "permission denied"...
[[nodiscard]] std::string system_error(int err);

// getaddrinfo's result code (gai_strerror's replacement).
[[nodiscard]] std::string resolver_error(int gai);

}  // namespace cairn::i18n
