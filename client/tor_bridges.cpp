#include "client/tor_bridges.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/files.h"
#include "common/lines.h"

#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// "1.2.3.4:443" or "[2001:db8::1]:443": an address and a port from 1 to 65535.
bool is_address_and_port(std::string_view w) {
  auto colon = w.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == w.size()) return false;
  auto port_text = w.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 || port > 65535) return false;
  auto host = w.substr(0, colon);
  if (host.front() == '[') return host.size() > 2 && host.back() == ']';
  for (char c : host)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return false;
  return true;
}

bool is_transport_name(std::string_view w) {
  if (w.empty() || w.size() > 32 || !std::isalpha(static_cast<unsigned char>(w[0]))) return false;
  for (char c : w)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

std::optional<TransportProgram> transport_program(std::string_view transport) {
  // obfs4proxy provides obfs4 and meek_lite (as Tor Browser's lyrebird does).
  if (transport == "obfs4" || transport == "meek_lite") return TransportProgram{"obfs4proxy", "obfs4proxy"};
  if (transport == "snowflake") return TransportProgram{"snowflake-client", "snowflake-client"};
  return std::nullopt;
}

Result<BridgeLine> parse_bridge_line(std::string_view text) {
  if (text.size() > kMaxBridgeLineChars)
    return make_error(Errc::too_large, i18n::trf("a bridge line is longer than %s characters", kMaxBridgeLineChars));
  // Spaces and line ends around a pasted line are not part of it.
  while (!text.empty() && (is_space(text.front()) || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() && (is_space(text.back()) || text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u >= 0x7f || c == '"' || c == '\\' || c == '#')
      return make_error(Errc::malformed, i18n::tr("a bridge line holds a character no bridge line has; copy it "
                                                  "again exactly as you were given it"));
  }
  auto w = words(text);
  if (!w.empty() && w[0] == "Bridge") w.erase(w.begin());  // the torrc form
  if (w.empty()) return make_error(Errc::malformed, i18n::tr("the bridge line is empty"));
  BridgeLine out;
  if (!is_address_and_port(w[0])) {
    if (!is_transport_name(w[0]) || w.size() < 2 || !is_address_and_port(w[1]))
      return make_error(Errc::malformed, i18n::tr("this is not a bridge line: it should be the bridge type (obfs4, "
                                                  "snowflake) and an address like 192.0.2.1:443, then the rest of "
                                                  "the line"));
    out.transport = std::string(w[0]);
    if (!transport_program(out.transport))
      return make_error(Errc::unsupported, i18n::trf("bridges of type %s are not supported; use obfs4 or snowflake "
                                                     "bridges",
                                                     out.transport));
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i > 0) out.line += ' ';
    out.line += w[i];
  }
  return out;
}

Result<std::vector<BridgeLine>> parse_bridge_lines(std::string_view text) {
  if (text.size() > kMaxBridgesFileBytes)
    return make_error(Errc::too_large, i18n::tr("the bridges file is larger than 64 KiB"));
  std::vector<BridgeLine> out;
  CAIRN_CHECK(for_each_content_line(text, [&](std::string_view line, std::size_t number) -> Status {
    auto parsed = parse_bridge_line(line);
    if (!parsed.ok())
      return make_error(parsed.code(), i18n::trf("line %s: %s", number, parsed.error().message));
    if (out.size() == kMaxBridges)
      return make_error(Errc::too_large, i18n::trf("more than %s bridge lines", kMaxBridges));
    out.push_back(std::move(parsed).value());
    return ok_status();
  }));
  return out;
}

Result<std::vector<BridgeLine>> read_bridges_file(const std::filesystem::path& path) {
  auto bytes = read_file_capped(path, kMaxBridgesFileBytes, "the bridges file");
  if (!bytes.ok() && bytes.code() == Errc::too_large)
    return make_error(Errc::too_large, i18n::trf("the bridges file %s is larger than 64 KiB", path.string()));
  if (!bytes.ok())
    return make_error(bytes.code(), i18n::trf("cannot read the bridges file %s: %s", path.string(),
                                              bytes.code() == Errc::not_found ? i18n::system_error(ENOENT)
                                                                              : bytes.error().message));
  auto parsed = parse_bridge_lines(as_chars(*bytes));
  if (!parsed.ok()) return make_error(parsed.code(), i18n::trf("%s, %s", path.string(), parsed.error().message));
  return parsed;
}

}  // namespace cairn::client
