#include "i18n/catalog.h"

#include <unistd.h>

#include <boost/locale/gnu_gettext.hpp>
#include <filesystem>
#include <boost/locale/message.hpp>
#include <locale>
#include <optional>

namespace cairn::i18n {
namespace {

namespace gg = boost::locale::gnu_gettext;

struct State {
  Language language = Language::english;
  std::optional<std::locale> locale;  // holds the catalog; none for English
};

State& state() {
  static State s;
  return s;
}

// The placeholders of a c-format string as argument indices, or nullopt if
// it has any conversion other than %s, %N$s and %%, mixes the two kinds, or
// names an argument that is not there.
std::optional<std::vector<std::size_t>> placeholders(std::string_view f, std::size_t arg_count) {
  std::vector<std::size_t> out;
  bool positional = false, sequential = false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    if (++i == f.size()) return std::nullopt;
    if (f[i] == '%') continue;
    if (f[i] == 's') {
      sequential = true;
      out.push_back(out.size());
      continue;
    }
    std::size_t n = 0, digits = 0;
    while (i < f.size() && f[i] >= '0' && f[i] <= '9' && digits < 3) n = n * 10 + static_cast<std::size_t>(f[i++] - '0'), ++digits;
    if (digits == 0 || n == 0 || i + 1 >= f.size() || f[i] != '$' || f[i + 1] != 's') return std::nullopt;
    ++i;
    positional = true;
    out.push_back(n - 1);
  }
  if (positional && sequential) return std::nullopt;
  for (auto n : out)
    if (n >= arg_count) return std::nullopt;
  return out;
}

}  // namespace

std::vector<std::string> catalog_dirs() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  auto dir = exe.parent_path();
  return {(dir.parent_path() / "locale").string(), (dir.parent_path() / "share" / "locale").string()};
}

std::string_view domain_name(Domain domain) { return domain == Domain::analyst ? "cairn-analyst" : "cairn"; }

Status use_language(Language language, Domain domain) {
  return use_language(language, catalog_dirs(), domain);
}

Status use_language(Language language, const std::vector<std::string>& dirs, Domain domain) {
  auto& s = state();
  s.language = Language::english;
  s.locale.reset();
  if (language == Language::english) return ok_status();
  const std::string code(language_code(language));
  for (const auto& dir : dirs) {
    std::error_code ec;
    const auto file = std::filesystem::path(dir) / code / "LC_MESSAGES" / (std::string(domain_name(domain)) + ".mo");
    if (!std::filesystem::is_regular_file(file, ec)) continue;
    gg::messages_info info;
    info.language = code;
    info.encoding = "UTF-8";
    info.paths = {dir};
    info.domains = {gg::messages_info::domain(std::string(domain_name(domain)))};
    try {
      s.locale.emplace(std::locale::classic(), gg::create_messages_facet<char>(info));
    } catch (const std::exception&) {
      continue;  // a damaged catalog: try the next place
    }
    s.language = language;
    return ok_status();
  }
  return make_error(Errc::not_found, "no " + code + " message catalog next to this program; messages stay English");
}

Language current_language() { return state().language; }

std::string tr(const char* msgid) {
  const auto& s = state();
  if (!s.locale) return msgid;
  return boost::locale::translate(msgid).str(*s.locale);
}

std::string substitute(std::string_view format, std::span<const std::string> args) {
  auto specs = placeholders(format, args.size());
  if (!specs) return std::string(format);
  std::string out;
  std::size_t next = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    ++i;
    if (format[i] == '%') {
      out += '%';
      continue;
    }
    while (format[i] != 's') ++i;  // "%s" or "%N$s": placeholders() checked the shape
    out += args[(*specs)[next++]];
  }
  return out;
}

namespace detail {
std::string translate_format(const char* msgid, std::span<const std::string> args) {
  auto translated = tr(msgid);
  if (translated != msgid && placeholders(translated, args.size()) && placeholders(msgid, args.size()))
    return substitute(translated, args);
  return substitute(msgid, args);
}
}  // namespace detail

}  // namespace cairn::i18n
