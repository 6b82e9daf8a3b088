// The message catalogs: every sentence a person reads goes through tr() or
// trf(), whose msgids xgettext collects into po/cairn.pot (scripts/update-po.sh).
// Catalogs are GNU gettext .mo files read by Boost.Locale, so Korean and
// Russian work on a machine without those locales installed, and the text
// stays UTF-8 whatever the terminal's locale claims.
#pragma once

#include <span>
#include <type_traits>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "i18n/language.h"

namespace cairn::i18n {

// Where catalogs are looked for, first match wins, relative to the running
// binary (/proc/self/exe) so that a build runs translated before any install:
// <exe_dir>/../locale (the build tree), then <exe_dir>/../share/locale.
[[nodiscard]] std::vector<std::string> catalog_dirs();

// The catalogs' domains: the same messages, one file per Debian package so
// that each package ships its own (cairn.mo, cairn-analyst.mo).
enum class Domain { client, analyst };
inline constexpr Domain kClientDomain = Domain::client;
inline constexpr Domain kAnalystDomain = Domain::analyst;
[[nodiscard]] std::string_view domain_name(Domain domain);  // "cairn", "cairn-analyst"

// Makes `language` the process's language, loading <dir>/<code>/LC_MESSAGES/
// <domain>.mo. Call once, before any thread starts. English needs no catalog.
// Errc::not_found when the catalog is missing: messages then stay English.
[[nodiscard]] Status use_language(Language language, Domain domain = kClientDomain);
[[nodiscard]] Status use_language(Language language, const std::vector<std::string>& dirs,
                                  Domain domain = kClientDomain);
[[nodiscard]] Language current_language();

// The translation of msgid, or msgid itself when there is none.
[[nodiscard]] std::string tr(const char* msgid);

// Marks a msgid for xgettext where it is kept in a table and translated later.
constexpr const char* N_(const char* msgid) { return msgid; }

// `format` with its c-format placeholders (%s, %1$s, %%) replaced by `args`.
// Only %s is allowed; a translation whose placeholders do not fit the
// arguments is not used (the msgid is), so a bad catalog cannot misprint.
[[nodiscard]] std::string substitute(std::string_view format, std::span<const std::string> args);

namespace detail {
inline std::string to_arg(std::string_view s) { return std::string(s); }
inline std::string to_arg(const char* s) { return std::string(s); }
inline std::string to_arg(const std::string& s) { return s; }
template <class N>
  requires std::is_integral_v<N>
std::string to_arg(N n) {
  return std::to_string(n);
}
std::string translate_format(const char* msgid, std::span<const std::string> args);
}  // namespace detail

// tr() then substitute(): trf("cannot read %s: %s", path, why).
template <class... Args>
[[nodiscard]] std::string trf(const char* msgid, const Args&... args) {
  const std::string list[] = {detail::to_arg(args)...};
  return detail::translate_format(msgid, list);
}

}  // namespace cairn::i18n
