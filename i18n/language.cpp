#include "i18n/language.h"

#include <cstdlib>
#include <string>

namespace cairn::i18n {

std::optional<Language> parse_language(std::string_view tag) {
  // The language part of a locale name ends at '_', '-', '.' or '@'.
  auto end = tag.find_first_of("_-.@");
  auto lang = tag.substr(0, end);
  if (lang == "ko") return Language::korean;
  if (lang == "ru") return Language::russian;
  if (lang == "en") return Language::english;
  return std::nullopt;
}

std::string_view language_code(Language language) {
  switch (language) {
    case Language::korean: return "ko";
    case Language::russian: return "ru";
    case Language::english: break;
  }
  return "en";
}

Language language_from_environment(const Getenv& getenv) {
  auto value = [&](const char* name) -> std::string_view {
    const char* v = getenv(name);
    return v == nullptr ? std::string_view{} : std::string_view(v);
  };
  std::string_view locale;
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    locale = value(name);
    if (!locale.empty()) break;
  }
  if (locale.empty() || locale == "C" || locale == "POSIX" || locale.starts_with("C.")) return Language::english;
  // LANGUAGE: "ko:en" means Korean, else English; the first known one wins.
  std::string_view list = value("LANGUAGE");
  while (!list.empty()) {
    auto colon = list.find(':');
    if (auto l = parse_language(list.substr(0, colon))) return *l;
    list = colon == std::string_view::npos ? std::string_view{} : list.substr(colon + 1);
  }
  return parse_language(locale).value_or(Language::english);
}

Language language_from_environment() {
  return language_from_environment([](const char* name) { return std::getenv(name); });
}

}  // namespace cairn::i18n
