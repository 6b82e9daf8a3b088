// The command line of a Cairn program in its reader's language, shared by
// cairn and cairn-analyst: --lang (or the locale) chooses the catalog, help
// texts are translated, and CLI11's parse errors become the program's own
// "cairn: error:" / "cairn: hint:" sentences (common/cli.h), with a misspelt
// command named and the nearest real one suggested.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "i18n/catalog.h"
#include "i18n/language.h"

namespace cairn::i18n {

// The language asked for with --lang (anywhere on the command line: help
// texts are made before it is parsed), else the environment's; its catalog
// `domain` (cairn, cairn-analyst) is loaded and the error labels set. nullopt,
// after printing why, for a --lang that names no known language: the program
// then exits with cli::kExitUsage.
[[nodiscard]] std::optional<Language> start_language(int argc, char** argv, Domain domain);

// The help's labels and -h/--help in the reader's language, and the --lang
// option (its value lands in `lang`, already acted on by start_language).
void translate_help(CLI::App& app, std::string& lang, const std::string& lang_help);

// Once every command is added: their group heading and their own -h/--help
// in the reader's language, at every depth.
void translate_commands(CLI::App& app);

// What a usage error says when no command is given at the top, and when a
// required option is missing that deserves more than "%s must be given".
struct UsageHints {
  std::string no_command{};
  std::string no_command_hint{};
  std::string unknown_command_hint{};  // a word close to no command: empty for "--help shows ..."
  std::string missing_option{};        // e.g. "--to" (empty: none)
  std::string missing_option_error{};
  std::string missing_option_hint{};
};

// CLI11's parse error, in the reader's language, through cli::usage: exit status 2.
[[nodiscard]] int usage_error(const CLI::ParseError& e, CLI::App& app, const UsageHints& hints);

// Edits (insert, delete, replace, swap two neighbours) between two short words.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace cairn::i18n
