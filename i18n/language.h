// Which language a person reads: Korean, Russian or English. Chosen by
// --lang, else by the environment the way GNU gettext reads it, else English.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

namespace cairn::i18n {

enum class Language { english, korean, russian };

// "ko", "ru", "en", or a locale name that starts with one of them
// ("ko_KR.UTF-8", "ru_RU", "en_GB.UTF-8@euro", "ko-KR"). nullopt otherwise
// (including "C" and "POSIX", which mean "no translation").
[[nodiscard]] std::optional<Language> parse_language(std::string_view tag);

// "ko", "ru" or "en": the catalog's folder name and --lang's value.
[[nodiscard]] std::string_view language_code(Language language);

// The language gettext would choose: the first set of LC_ALL, LC_MESSAGES,
// LANG names the locale; unless that locale is C or POSIX (gettext then
// translates nothing), LANGUAGE, a colon-separated list of preferences, goes
// first. English when nothing names Korean or Russian. `getenv` is a
// parameter so that tests need not change the process environment.
using Getenv = std::function<const char*(const char*)>;
[[nodiscard]] Language language_from_environment(const Getenv& getenv);
[[nodiscard]] Language language_from_environment();

}  // namespace cairn::i18n
