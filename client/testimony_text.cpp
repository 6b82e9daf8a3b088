#include "client/testimony_text.h"

#include <string_view>

#include "i18n/catalog.h"

namespace cairn::client {

namespace {

Error too_large() { return make_error(Errc::too_large, i18n::tr("the testimony text is larger than 16 MiB")); }

}  // namespace

Result<crypto::Plaintext> read_text_to_end(std::istream& in, std::size_t max_bytes) {
  crypto::PlaintextBuilder text;
  crypto::Plaintext piece(65536);
  auto* buf = reinterpret_cast<char*>(piece.data());
  while (in.read(buf, static_cast<std::streamsize>(piece.size())) || in.gcount() > 0) {
    text.append(std::string_view(buf, static_cast<std::size_t>(in.gcount())));
    if (text.size() > max_bytes) return too_large();
  }
  return std::move(text).finish();
}

Result<crypto::Plaintext> read_text_lines(std::istream& in, std::size_t max_bytes) {
  crypto::PlaintextBuilder text;
  crypto::Plaintext piece(4096);  // a longer line arrives in pieces
  auto* buf = reinterpret_cast<char*>(piece.data());
  std::size_t line_start = 0;  // where the current line begins in text
  for (;;) {
    in.getline(buf, static_cast<std::streamsize>(piece.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    const bool at_end = in.eof();
    const bool piece_full = in.fail() && !at_end;  // piece.size() - 1 bytes stored, no newline yet
    const bool newline = !in.fail() && !at_end;    // extracted (counted in gcount), not stored
    const std::size_t stored = newline ? got - 1 : got;
    if (at_end && stored == 0 && text.size() == line_start) break;  // nothing more, not even a partial line
    text.append(std::string_view(buf, stored));
    if (piece_full) {
      // The line goes on: it stays in the text (a CR at its end gives way to
      // a newline), so the text is over the cap already if this is.
      if (text.size() > max_bytes) return too_large();
      in.clear();
      continue;
    }
    // A whole line.
    if (auto line = text.text().substr(line_start); !line.empty() && line.back() == '\r') text.truncate(text.size() - 1);
    if (text.text().substr(line_start) == ".") {
      text.truncate(line_start);
      break;
    }
    text.append("\n");
    if (text.size() > max_bytes) return too_large();
    if (at_end) break;
    line_start = text.size();
  }
  in.clear();
  return std::move(text).finish();
}

}  // namespace cairn::client
