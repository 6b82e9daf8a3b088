// The real `cairn` speaks the source's language: chosen by LANG (with LC_ALL,
// LC_MESSAGES and LANGUAGE unset) or by --lang, on a machine where the
// Korean and Russian locales need not be installed (the catalogs are read
// with Boost.Locale, not through setlocale). The expected sentences come from
// the built catalogs, so a test fails if a message is printed untranslated.
#include <gtest/gtest.h>

#include "clean/fixtures.h"  // tests/clean: photos with a phone's metadata
#include "i18n/catalog.h"
#include "support/deployment.h"
#include "support/language.h"
#include "support/loopback.h"
#include "support/process.h"

namespace cairn {
namespace {

using i18n::Language;
using Setting = test::LanguageSetting;
using test::expect_translated;
using test::InLanguage;

const Setting kSettings[] = {
    {"LANG=ko_KR.UTF-8", Language::korean, {"LANG=ko_KR.UTF-8"}, {}},
    {"LANG=ru_RU.UTF-8", Language::russian, {"LANG=ru_RU.UTF-8"}, {}},
    {"--lang ko", Language::korean, {"LANG=C.UTF-8"}, {"--lang", "ko"}},
    {"--lang ru", Language::russian, {"LANG=en_US.UTF-8"}, {"--lang", "ru"}},
};

test::RunResult cairn_in(const Setting& s, std::vector<std::string> args, const std::string& input = {}) {
  auto argv = test::in_environment(s, test::binary("client/cairn"));
  argv.push_back("submit");
  argv.insert(argv.end(), s.flags.begin(), s.flags.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_capture(argv, input);
}

std::string nothing_address(const test::TestDeployment& d, std::uint16_t port) {
  return d.address(crypto::x25519_generate().public_key, "127.0.0.1", port);
}

TEST(CairnLanguage, ATypoInTheAddressIsExplainedInTheSourcesLanguage) {
  test::TestDeployment d;
  std::string typo = nothing_address(d, test::free_loopback_port());
  auto& c = typo[typo.size() / 2];
  c = c == 'q' ? 'p' : 'q';
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    auto run = cairn_in(s, {"--direct", "--to", typo}, "text");
    EXPECT_EQ(run.exit_code, 1);
    InLanguage in(s.language);
    const char* error = "the drop address has a typo: a character is wrong or missing";
    const char* hint = "copy the drop address again, exactly as published";
    expect_translated(run, "error: ", i18n::tr(error), error);
    expect_translated(run, "hint: ", i18n::tr(hint), hint);
  }
}

TEST(CairnLanguage, ARelayThatIsDownIsExplainedInTheSourcesLanguage) {
  test::TestDeployment d;
  // A loopback port nothing listens on: the connection is refused.
  const auto port = test::free_loopback_port();
  const auto address = nothing_address(d, port);
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    auto run = cairn_in(s, {"--direct", "--to", address}, "Мне не платили три месяца.\n");
    EXPECT_EQ(run.exit_code, 1);
    InLanguage in(s.language);
    const char* refused = "nothing answers there (the relay may be down, or the address may be old)";
    const char* hint =
        "check your connection and run the same command again: drops already sent go to the relay again, but the "
        "analysts receive your testimony only once";
    expect_translated(run, "error: ",
                      i18n::trf("cannot connect to %s port %s: %s", "127.0.0.1", port, i18n::tr(refused)), refused);
    expect_translated(run, "hint: ", i18n::tr(hint), hint);
    // The --direct warning too.
    const char* warning =
        "--direct: connecting to %s port %s without Tor. Anyone who watches this network (your internet provider, "
        "the network you are on, the state) sees that this computer contacted this relay, when, and how much it "
        "sent; the relay, and whoever controls it, sees this computer's IP address. Leave out --direct to go "
        "through Tor.";
    expect_translated(run, "warning: ", i18n::trf(warning, "127.0.0.1", port), "without Tor. Anyone who watches");
  }
}

TEST(CairnLanguage, AnEmptyTestimonyIsExplainedInTheSourcesLanguage) {
  test::TestDeployment d;
  const auto address = nothing_address(d, test::free_loopback_port());
  for (const auto& s : kSettings) {
    SCOPED_TRACE(s.name);
    auto run = cairn_in(s, {"--direct", "--to", address}, "");
    EXPECT_EQ(run.exit_code, 1);
    InLanguage in(s.language);
    const char* empty = "there is nothing to send: the testimony is empty and no file is attached";
    expect_translated(run, "error: ", i18n::tr(empty), empty);
  }
}

// The cleaning report comes from the clean library: what it kept is said in
// the source's language, not only the report's frame.
TEST(CairnLanguage, TheCleaningReportSaysWhatWasKeptInTheSourcesLanguage) {
  test::TestDeployment d;
  test::TempDir files;
  const auto photo = test::make_photo(files, "jpeg", "photo.jpg");  // turned 90 degrees: the orientation is kept
  const auto address = nothing_address(d, test::free_loopback_port());
  for (const auto& s : {kSettings[2], kSettings[3]}) {
    SCOPED_TRACE(s.name);
    auto run = cairn_in(s, {"--direct", "--to", address, "--attach", photo.string()}, "text");
    EXPECT_EQ(run.exit_code, 1);  // nothing listens: the report is printed before connecting
    InLanguage in(s.language);
    const auto kept = i18n::trf("; kept %s", i18n::tr("the orientation"));
    EXPECT_NE(kept, "; kept the orientation");
    EXPECT_NE(run.err.find("photo.jpg: "), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(kept), std::string::npos) << "expected: " << kept << "\ngot:\n" << run.err;
    EXPECT_EQ(run.err.find("the orientation"), std::string::npos) << run.err;
  }
}

// Command-line mistakes go through the same printer, translated, with exit status 2.
TEST(CairnLanguage, UsageErrorsAreTranslatedAndAMisspeltCommandIsNamed) {
  const Setting& korean = kSettings[0];
  const auto env = test::in_environment(korean, test::binary("client/cairn"));
  auto with = [&](std::vector<std::string> args) {
    auto argv = env;
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_capture(argv);
  };
  InLanguage in(korean.language);
  auto typo = with({"sumbit", "--to", "x"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("cairn: " + i18n::tr("error: ") + i18n::trf("there is no command '%s'", "sumbit")),
            std::string::npos)
      << typo.err;
  EXPECT_NE(typo.err.find("cairn: " + i18n::tr("hint: ") + i18n::trf("did you mean: %s", "cairn submit")),
            std::string::npos)
      << typo.err;
  auto after_lang = with({"--lang", "ru", "chek"});
  EXPECT_EQ(after_lang.exit_code, 2);
  EXPECT_NE(after_lang.err.find("cairn: ошибка: команды «chek» нет"), std::string::npos) << after_lang.err;
  EXPECT_NE(after_lang.err.find("cairn check"), std::string::npos) << after_lang.err;
  auto none = with({});  // not a terminal: no guided mode, a usage error
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find(i18n::tr("say what to do: cairn submit to send a testimony, cairn check to read replies")),
            std::string::npos)
      << none.err;
  auto no_to = with({"submit", "--direct"});
  EXPECT_EQ(no_to.exit_code, 2);
  EXPECT_NE(no_to.err.find(i18n::tr("the drop address is missing: give it with --to cairn1…")), std::string::npos)
      << no_to.err;
  auto unknown = with({"submit", "--to", "x", "--frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find(i18n::trf("this was not expected here: %s", "--frobnicate")), std::string::npos)
      << unknown.err;
  auto bad_lang = with({"--lang", "fr", "submit"});
  EXPECT_EQ(bad_lang.exit_code, 2);
  EXPECT_NE(bad_lang.err.find(i18n::trf("there is no language '%s' in cairn", "fr")), std::string::npos)
      << bad_lang.err;
  for (const auto* r : {&typo, &none, &no_to, &unknown, &bad_lang}) {
    EXPECT_EQ(r->err.find("is required"), std::string::npos) << r->err;
    EXPECT_EQ(r->err.find("Run with --help"), std::string::npos) << r->err;
  }
  // Help texts too.
  auto help = with({"submit", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find(i18n::tr("the drop address (cairn1…)")), std::string::npos) << help.out;
}

}  // namespace
}  // namespace cairn
