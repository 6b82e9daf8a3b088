// The testimony text as the source gives it — typed, pasted or piped in —
// read into crypto::Plaintext (docs/ARCHITECTURE.md, "Where plaintext lives
// in the client"). It grows in a crypto::PlaintextBuilder and is read through
// a wiped buffer, so reading leaves no unwiped copy of its beginning behind.
#pragma once

#include <cstddef>
#include <istream>

#include "common/result.h"
#include "crypto/plaintext.h"

namespace cairn::client {

// The largest testimony text read from a file, standard input or the guided mode.
inline constexpr std::size_t kMaxTextBytes = 16u << 20;

// Everything up to the end of the input (standard input, ended by Ctrl-D), as
// it is. Errc::too_large over max_bytes.
[[nodiscard]] Result<crypto::Plaintext> read_text_to_end(std::istream& in, std::size_t max_bytes = kMaxTextBytes);

// Lines up to one that holds a single dot, or to the end of the input (the
// guided mode): each line ends with "\n", a CR before it is dropped, and the
// dot's line is not part of the text. Errc::too_large over max_bytes.
[[nodiscard]] Result<crypto::Plaintext> read_text_lines(std::istream& in, std::size_t max_bytes = kMaxTextBytes);

}  // namespace cairn::client
