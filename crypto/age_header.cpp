#include "crypto/age_header.h"

#include <algorithm>
#include <cstdlib>

#include "crypto/hash.h"
#include "crypto/hkdf.h"

namespace cairn::crypto::age {
namespace {

// ASCII armor (PEM) starts with this after optional whitespace; Cairn reads
// binary age files only, and says so rather than "not an age file".
constexpr std::string_view kArmorBegin = "-----BEGIN";

bool is_vchar(char c) { return c >= 0x21 && c <= 0x7e; }

// Hands out header lines (without their LF), never looking past kMaxHeaderBytes.
class LineReader {
 public:
  explicit LineReader(ByteView file) : file_(file), limit_(std::min(file.size(), kMaxHeaderBytes)) {}

  Result<std::string_view> next() {
    for (std::size_t i = pos_; i < limit_; ++i) {
      if (file_[i] == '\n') {
        auto line = as_chars(file_.subspan(pos_, i - pos_));
        line_start_ = pos_;
        pos_ = i + 1;
        return line;
      }
    }
    if (limit_ < file_.size())
      return make_error(Errc::too_large, "the age header is larger than " +
                                             std::to_string(kMaxHeaderBytes) + " bytes");
    return make_error(Errc::malformed, "the age header ends before its MAC line ('--- …')");
  }

  std::size_t line_start() const { return line_start_; }
  std::size_t position() const { return pos_; }

 private:
  ByteView file_;
  std::size_t limit_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
};

bool looks_armored(ByteView file) {
  std::size_t i = 0;
  const std::size_t limit = std::min(file.size(), kMaxHeaderBytes);
  while (i < limit && (file[i] == ' ' || file[i] == '\t' || file[i] == '\r' || file[i] == '\n')) ++i;
  return as_chars(file.subspan(i)).starts_with(kArmorBegin);
}

Result<std::vector<std::string>> parse_arguments(std::string_view line) {
  if (line == "->" || line == kStanzaPrefix)
    return make_error(Errc::malformed, "a stanza has no arguments");
  std::string_view rest = line.substr(kStanzaPrefix.size());
  std::vector<std::string> args;
  for (;;) {
    const auto space = rest.find(' ');
    const auto arg = rest.substr(0, space);
    if (arg.empty())
      return make_error(Errc::malformed, "a stanza has an empty argument (two spaces, or a trailing space)");
    if (!std::all_of(arg.begin(), arg.end(), is_vchar))
      return make_error(Errc::malformed, "a stanza argument contains a character that is not printable ASCII");
    if (args.size() == kMaxStanzaArguments)
      return make_error(Errc::malformed, "a stanza has more than " + std::to_string(kMaxStanzaArguments) +
                                             " arguments");
    args.emplace_back(arg);
    if (space == std::string_view::npos) break;
    rest = rest.substr(space + 1);
  }
  return args;
}

// Reads body lines up to and including the first line shorter than 64 columns.
Result<Bytes> parse_body(LineReader& reader) {
  std::string text;
  for (;;) {
    CAIRN_TRY(auto line, reader.next());
    if (line.starts_with(kMacPrefix) || line.starts_with("->"))
      return make_error(Errc::malformed,
                        "a stanza body must end with a line shorter than 64 columns (which may be empty)");
    if (line.size() > kBodyColumns)
      return make_error(Errc::malformed, "a stanza body line is longer than 64 columns");
    if (!std::all_of(line.begin(), line.end(), is_base64_char))
      return make_error(Errc::malformed, line.find('\r') != std::string_view::npos
                                             ? "a stanza body line contains a carriage return (CR)"
                                             : "a stanza body line contains a character outside base64");
    text.append(line);
    if (line.size() < kBodyColumns) break;
  }
  auto body = base64_decode(text);
  if (!body.ok()) return make_error(Errc::malformed, "a stanza body: " + body.error().message);
  return std::move(body).value();
}

Result<ByteArray<kMacBytes>> parse_mac_line(std::string_view line) {
  constexpr std::size_t mac_chars = base64_encoded_length(kMacBytes);
  if (line.size() != kMacPrefix.size() + 1 + mac_chars || line[kMacPrefix.size()] != ' ')
    return make_error(Errc::malformed, "the MAC line must be '--- ' followed by 43 base64 characters");
  auto mac = base64_decode(line.substr(kMacPrefix.size() + 1));
  if (!mac.ok()) return make_error(Errc::malformed, "the header MAC: " + mac.error().message);
  ByteArray<kMacBytes> out{};
  std::copy(mac->begin(), mac->end(), out.begin());  // 43 canonical characters are always 32 bytes
  return out;
}

Secret header_mac_key(const Secret& file_key) {
  auto key = hkdf_sha256({}, file_key.view(), as_bytes(kHeaderMacInfo), kMacBytes);
  if (!key.ok()) std::abort();  // a fixed 32-byte output cannot fail
  return std::move(key).value();
}

ByteArray<kMacBytes> compute_mac(const Secret& file_key, ByteView mac_input) {
  ByteArray<kMacBytes> mac{};
  hmac_sha256(mac, header_mac_key(file_key).view(), mac_input);
  return mac;
}

}  // namespace

Result<Header> parse_header(ByteView file) {
  if (file.empty()) return make_error(Errc::malformed, "the file is empty, not an age file");
  LineReader reader(file);
  auto version = reader.next();
  if (!version.ok() || *version != kVersionLine) {
    if (looks_armored(file))
      return make_error(Errc::unsupported,
                        "this is an ASCII-armored age file (-----BEGIN AGE ENCRYPTED FILE-----); "
                        "Cairn reads binary age files only");
    if (!version.ok() && version.code() == Errc::too_large) return version.error();
    if (version.ok() && *version == std::string(kVersionLine) + "\r")
      return make_error(Errc::malformed, "age header lines end in LF, not CRLF (was the file converted as text?)");
    if (version.ok() && version->starts_with(kVersionPrefix))
      return make_error(Errc::malformed, "unsupported age format version: only age-encryption.org/v1 is implemented");
    return make_error(Errc::malformed, "not an age file: the first line is not 'age-encryption.org/v1'");
  }

  Header header;
  for (;;) {
    CAIRN_TRY(auto line, reader.next());
    if (line.starts_with(kMacPrefix)) {
      if (header.stanzas.empty())
        return make_error(Errc::malformed, "the age header has no recipient stanza");
      CAIRN_TRY(header.mac, parse_mac_line(line));
      const auto mac_input = file.first(reader.line_start() + kMacPrefix.size());
      header.mac_input.assign(mac_input.begin(), mac_input.end());
      header.size = reader.position();
      return header;
    }
    if (!line.starts_with("->"))
      return make_error(Errc::malformed, "a header line starts with neither '-> ' (a stanza) nor '---' (the MAC)");
    if (header.stanzas.size() == kMaxStanzas)
      return make_error(Errc::too_large, "the age header has more than " + std::to_string(kMaxStanzas) +
                                             " recipient stanzas");
    if (line != "->" && !line.starts_with(kStanzaPrefix))
      return make_error(Errc::malformed, "a stanza line must start with '-> ' (arrow, space)");
    Stanza stanza;
    CAIRN_TRY(stanza.args, parse_arguments(line));
    CAIRN_TRY(stanza.body, parse_body(reader));
    header.stanzas.push_back(std::move(stanza));
  }
}

Bytes encode_header(std::span<const Stanza> stanzas, const Secret& file_key) {
  std::string text(kVersionLine);
  text.push_back('\n');
  for (const auto& s : stanzas) {
    if (s.args.empty()) std::abort();  // our own stanzas always have a type
    text.append(kStanzaPrefix);
    for (std::size_t i = 0; i < s.args.size(); ++i) {
      const auto& arg = s.args[i];
      if (arg.empty() || !std::all_of(arg.begin(), arg.end(), is_vchar)) std::abort();
      if (i > 0) text.push_back(' ');
      text.append(arg);
    }
    text.push_back('\n');
    const std::string body = base64_encode(s.body);
    // Full 64-column lines, then the final short line, which is empty when the
    // body fills its last line exactly.
    std::size_t i = 0;
    for (; body.size() - i >= kBodyColumns; i += kBodyColumns) {
      text.append(body, i, kBodyColumns);
      text.push_back('\n');
    }
    text.append(body, i, std::string::npos);
    text.push_back('\n');
  }
  text.append(kMacPrefix);
  const auto mac = compute_mac(file_key, as_bytes(text));
  text.push_back(' ');
  text.append(base64_encode(mac));
  text.push_back('\n');
  return to_bytes(text);
}

Status verify_header_mac(const Header& header, const Secret& file_key) {
  const auto mac = compute_mac(file_key, header.mac_input);
  if (!equal_constant_time(mac, header.mac))
    return make_error(Errc::decrypt_failed, "the header MAC does not match: the header was altered");
  return ok_status();
}

}  // namespace cairn::crypto::age
