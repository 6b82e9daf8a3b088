// The real cairn-analyst speaks the analyst's language: chosen by LANG (with
// LC_ALL, LC_MESSAGES and LANGUAGE unset) or by --lang, on a machine where
// the Korean and Russian locales need not be installed. The expected
// sentences come from the built catalogs (cairn-analyst.mo), so a message
// printed untranslated fails; English stays the default (the other analyst
// tests read English).
#include <gtest/gtest.h>

#include "analyst/commands.h"
#include "station.h"
#include "support/language.h"
#include "wire/export_bundle.h"

namespace cairn {
namespace {

using i18n::Language;
using i18n::tr;
using i18n::trf;
using test::expect_translated;
using test::LanguageSetting;

const LanguageSetting kSettings[] = {
    {"LANG=ko_KR.UTF-8", Language::korean, {"LANG=ko_KR.UTF-8"}, {}},
    {"--lang ko", Language::korean, {"LANG=C.UTF-8"}, {"--lang", "ko"}},
    {"--lang ru", Language::russian, {"LANG=en_US.UTF-8"}, {"--lang", "ru"}},
};

// program [setting's flags] args..., in the setting's environment.
test::RunResult analyst_in(const LanguageSetting& s, const std::string& program, const std::vector<std::string>& args,
                           const std::string& input = {}) {
  auto argv = test::in_environment(s, program);
  argv.insert(argv.end(), s.flags.begin(), s.flags.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_capture(argv, input);
}

struct InAnalystLanguage : test::InLanguage {
  explicit InAnalystLanguage(Language l) : test::InLanguage(l, i18n::kAnalystDomain) {}
};

TEST(CairnAnalystLanguage, UsageErrorsAreTranslatedAndAMisspeltCommandIsNamed) {
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    auto typo = analyst_in(s, test::shipped_analyst_binary(), {"lsit"});
    auto nested = analyst_in(s, test::shipped_analyst_binary(), {"keys", "rotat"});
    auto no_id = analyst_in(s, test::shipped_analyst_binary(), {"show"});
    auto none = analyst_in(s, test::shipped_analyst_binary(), {});
    InAnalystLanguage in(s.language);
    for (const auto* r : {&typo, &nested, &no_id, &none}) {
      EXPECT_EQ(r->exit_code, 2) << r->err;
      EXPECT_EQ(r->err.find("is required"), std::string::npos) << r->err;
      EXPECT_EQ(r->err.find("Run with --help"), std::string::npos) << r->err;
    }
    expect_translated(typo, "error: ", trf("there is no command '%s'", "lsit"), "there is no command");
    expect_translated(typo, "hint: ", trf("did you mean: %s", "cairn-analyst list"), "did you mean");
    expect_translated(nested, "hint: ", trf("did you mean: %s", "cairn-analyst keys rotate"), "did you mean");
    expect_translated(no_id, "error: ", trf("%s must be given", "ID"), "must be given");
    expect_translated(none, "error: ", tr("say what to do: cairn-analyst --help lists the commands"), "say what to do");
  }
  // Help texts too.
  auto help = analyst_in(kSettings[1], test::shipped_analyst_binary(), {"--help"});
  EXPECT_EQ(help.exit_code, 0);
  InAnalystLanguage in(Language::korean);
  EXPECT_NE(help.out.find(tr("list testimony in the vault")), std::string::npos) << help.out;
  EXPECT_EQ(help.out.find("list testimony in the vault"), std::string::npos) << help.out;
}

TEST(CairnAnalystLanguage, AMissingVaultIsExplainedInTheAnalystsLanguage) {
  test::TempDir dir;
  const auto missing = (dir.path() / "no-vault").string();
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    auto run = analyst_in(s, test::shipped_analyst_binary(), {"list", "--vault", missing, "--passphrase-fd", "0"}, "x\n");
    EXPECT_EQ(run.exit_code, 1);
    InAnalystLanguage in(s.language);
    expect_translated(run, "error: ", trf("there is no vault in %s", missing), "there is no vault");
    expect_translated(run, "hint: ", tr("create one with cairn-analyst init --name NAME, or point --vault at it"),
                      "create one with");
  }
}

TEST(CairnAnalystLanguage, AWrongPassphraseIsExplainedInTheAnalystsLanguage) {
  test::Station station;
  station.init();
  const auto before = test::snapshot_dir(station.vault());
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    auto run = analyst_in(s, test::analyst_binary(),
                          {"--vault", station.vault().string(), "--passphrase-fd", "0", "list"}, "not the passphrase\n");
    EXPECT_EQ(run.exit_code, 1);
    InAnalystLanguage in(s.language);
    expect_translated(run, "error: ", tr("the passphrase is wrong"), "the passphrase is wrong");
    expect_translated(run, "hint: ", tr("the vault was not changed; try again"), "the vault was not changed");
    // The test vault's warning too.
    expect_translated(run, "warning: ", tr(analyst::kInsecureKdfWarning), analyst::kInsecureKdfWarning);
    EXPECT_EQ(test::snapshot_dir(station.vault()), before);
  }
}

TEST(CairnAnalystLanguage, ABadBundleIsExplainedInTheAnalystsLanguage) {
  test::Station station;
  auto relay = test::two_analysts_and_a_relay(station);
  station.ok({"keys", "bundle", "--out", station.path("keys.bundle").string()});
  const auto junk = station.path("junk.tar");
  test::write_file(junk, Bytes(2048, 'x'));
  const auto missing = station.path("missing.tar").string();
  const auto before = test::snapshot_dir(station.vault());
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    const std::vector<std::string> vault{"--vault", station.vault().string(), "--passphrase-fd", "0"};
    auto args = vault;
    args.insert(args.end(), {"import", junk.string()});
    auto bad = analyst_in(s, test::analyst_binary(), args, station.passphrase() + "\n");
    args = vault;
    args.insert(args.end(), {"import", missing});
    auto absent = analyst_in(s, test::analyst_binary(), args, station.passphrase() + "\n");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_EQ(absent.exit_code, 1);
    InAnalystLanguage in(s.language);
    const char* header = "the export bundle's header for %s %s: this is not a bundle as cairn-relay export writes it";
    expect_translated(bad, "error: ", trf(header, tr("the manifest"), tr("is not a POSIX ustar header")),
                      "this is not a bundle as cairn-relay export writes it");
    expect_translated(bad, "hint: ", tr("the vault was not changed"), "the vault was not changed");
    const char* no_file = "cannot read the export bundle %s: there is no such file (nor %s, the first part of a split one)";
    expect_translated(absent, "error: ", trf(no_file, missing, wire::export_part_name(missing, 1)),
                      "there is no such file");
    EXPECT_EQ(test::snapshot_dir(station.vault()), before);
  }
}

}  // namespace
}  // namespace cairn
