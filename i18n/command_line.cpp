#include "i18n/command_line.h"

#include <algorithm>
#include <vector>

#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::i18n {
namespace {

// The text after "prefix" in a CLI11 message, or empty.
std::string after(std::string_view what, std::string_view prefix) {
  auto at = what.find(prefix);
  return at == std::string_view::npos ? std::string() : std::string(what.substr(at + prefix.size()));
}

// A word from the command line, short and with no terminal control in it.
std::string shown_word(std::string_view word) {
  std::string shown(word.substr(0, 32));
  for (auto& ch : shown)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';  // never echo terminal controls
  return shown;
}

// The innermost command given ("cairn-analyst keys"), and its CLI11 object.
CLI::App* innermost(CLI::App& app, std::string& path) {
  path = app.get_name();
  CLI::App* at = &app;
  for (;;) {
    auto subs = at->get_subcommands();
    if (subs.empty()) return at;
    at = subs.front();
    path += " " + at->get_name();
  }
}

// No command given, or a word that is none: `cairn sumbit` is named, with the
// command it was probably meant to be.
int missing_command(CLI::App& app, CLI::App& at, const std::string& path, const UsageHints& hints) {
  std::vector<std::string> names;
  for (const auto* sub : at.get_subcommands([](CLI::App*) { return true; })) names.push_back(sub->get_name());
  std::optional<std::string> word;
  for (const auto* from : {&at, &app})
    for (const auto& r : from->remaining())
      if (!word && !r.empty() && !r.starts_with("-")) word = r;
  const std::string help_hint = trf("%s --help shows what can be given", path);
  if (!word) {
    if (&at == &app && !hints.no_command.empty()) return cli::usage(hints.no_command, hints.no_command_hint);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return cli::usage(trf("say what %s should do: %s", path, list), help_hint);
  }
  std::string best;
  std::size_t best_distance = 3;  // more than two edits away is not a typo
  for (const auto& n : names)
    if (auto d = edit_distance(std::string_view(*word).substr(0, 32), n); d < best_distance) best = n, best_distance = d;
  const auto error = trf("there is no command '%s'", shown_word(*word));
  if (!best.empty()) return cli::usage(error, trf("did you mean: %s", path + " " + best));
  if (&at == &app && !hints.unknown_command_hint.empty()) return cli::usage(error, hints.unknown_command_hint);
  return cli::usage(error, help_hint);
}

}  // namespace

std::optional<Language> start_language(int argc, char** argv, Domain domain) {
  std::optional<Language> chosen;
  for (int i = 1; i < argc && !chosen; ++i) {
    std::string_view a = argv[i];
    std::optional<std::string_view> value;
    if (a == "--lang" && i + 1 < argc) value = argv[i + 1];
    else if (a.starts_with("--lang=")) value = a.substr(7);
    if (!value) continue;
    chosen = parse_language(*value);
    if (!chosen) {
      (void)use_language(language_from_environment(), domain);
      cli::set_labels(tr("error: "), tr("hint: "), tr("warning: "));
      (void)cli::usage(trf("there is no language '%s' in cairn", shown_word(*value)),
                       tr("use --lang ko (Korean), --lang ru (Russian) or --lang en (English)"));
      return std::nullopt;
    }
  }
  const Language language = chosen.value_or(language_from_environment());
  auto loaded = use_language(language, domain);
  cli::set_labels(tr("error: "), tr("hint: "), tr("warning: "));
  if (!loaded.ok()) cli::warn(loaded.error().message);
  return language;
}

void translate_help(CLI::App& app, std::string& lang, const std::string& lang_help) {
  app.option_defaults()->group(tr("Options"));
  app.set_help_flag("-h,--help", tr("show this help and stop"));
  for (const char* label : {N_("Usage"), N_("OPTIONS"), N_("SUBCOMMAND"), N_("SUBCOMMANDS"), N_("REQUIRED"), N_("Needs"),
                            N_("Excludes"), N_("Positionals")})
    app.get_formatter()->label(label, tr(label));
  lang = std::string(language_code(current_language()));
  app.add_option("--lang", lang, lang_help);
}

void translate_commands(CLI::App& app) {
  for (auto* command : app.get_subcommands([](CLI::App*) { return true; })) {
    command->group(tr("Commands"));
    if (auto* help = command->get_help_ptr()) help->group(tr("Options"));
    translate_commands(*command);
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swap of two neighbours ("lsit") is one edit.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

int usage_error(const CLI::ParseError& e, CLI::App& app, const UsageHints& hints) {
  const std::string what = e.what();
  std::string path;
  CLI::App* at = innermost(app, path);
  const std::string hint = trf("%s --help shows what can be given", path);
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    if (what.starts_with("A subcommand")) return missing_command(app, *at, path, hints);
    auto option = what.substr(0, what.find(' '));
    if (!hints.missing_option.empty() && option == hints.missing_option)
      return cli::usage(hints.missing_option_error, hints.missing_option_hint);
    return cli::usage(trf("%s must be given", option), hint);
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr)
    return cli::usage(trf("this was not expected here: %s", after(what, "expected: ")), hint);
  if (dynamic_cast<const CLI::ExcludesError*>(&e) != nullptr) {
    auto a = what.substr(0, what.find(' '));
    return cli::usage(trf("%s excludes %s: give only one of them", a, after(what, " excludes ")), hint);
  }
  if (dynamic_cast<const CLI::RequiresError*>(&e) != nullptr) {
    auto a = what.substr(0, what.find(' '));
    return cli::usage(trf("%s works only together with %s", a, after(what, " requires ")), hint);
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    auto a = what.substr(0, what.find_first_of(": "));
    if (what.starts_with("Expected")) a = after(what, " arguments to "), a = a.substr(0, a.find(','));
    return cli::usage(trf("%s needs a value", a), hint);
  }
  if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr ||
      dynamic_cast<const CLI::ConversionError*>(&e) != nullptr) {
    auto a = what.starts_with("Could not convert: ") ? after(what, "convert: ") : what;
    if (what.starts_with("The value ")) a = after(what, " allowed value for ");
    return cli::usage(trf("the value given to %s is not allowed", a.substr(0, a.find_first_of(" :="))), hint);
  }
  return cli::usage(tr("the command line is not right"), hint);
}

}  // namespace cairn::i18n
