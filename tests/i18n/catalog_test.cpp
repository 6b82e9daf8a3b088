// The message catalogs: every message of the template translated in Korean
// and Russian with matching placeholders (msgfmt), the template up to date
// with the sources (xgettext), the language chosen the way gettext chooses,
// and a catalog read without any system locale installed.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "i18n/catalog.h"
#include "support/process.h"
#include "support/subprocess.h"

namespace cairn::i18n {
namespace {

const std::string kPoDir = std::string(CAIRN_SOURCE_DIR) + "/po";
const std::string kBuildLocale = std::string(CAIRN_BINARY_DIR) + "/locale";

// Leaves the process in English whatever a test did.
struct English {
  ~English() { (void)use_language(Language::english); }
};

TEST(Language, ParsesCodesAndLocaleNames) {
  EXPECT_EQ(parse_language("ko"), Language::korean);
  EXPECT_EQ(parse_language("ko_KR.UTF-8"), Language::korean);
  EXPECT_EQ(parse_language("ko_KP"), Language::korean);
  EXPECT_EQ(parse_language("ru_RU.UTF-8@euro"), Language::russian);
  EXPECT_EQ(parse_language("ru-RU"), Language::russian);
  EXPECT_EQ(parse_language("en_GB.UTF-8"), Language::english);
  EXPECT_EQ(parse_language("C"), std::nullopt);
  EXPECT_EQ(parse_language("POSIX"), std::nullopt);
  EXPECT_EQ(parse_language("kor"), std::nullopt);
  EXPECT_EQ(parse_language(""), std::nullopt);
}

TEST(Language, ChosenFromTheEnvironmentAsGettextDoes) {
  struct Case {
    std::map<std::string, std::string> env;
    Language expected;
  };
  const Case cases[] = {
      {{}, Language::english},
      {{{"LANG", "ko_KR.UTF-8"}}, Language::korean},
      {{{"LANG", "ru_RU.UTF-8"}}, Language::russian},
      {{{"LANG", "ko_KR.UTF-8"}, {"LC_MESSAGES", "ru_RU.UTF-8"}}, Language::russian},
      {{{"LANG", "ko_KR.UTF-8"}, {"LC_MESSAGES", "ru_RU.UTF-8"}, {"LC_ALL", "en_US.UTF-8"}}, Language::english},
      {{{"LC_ALL", "ko_KR.UTF-8"}, {"LANG", "ru_RU.UTF-8"}}, Language::korean},
      // LANGUAGE goes first, unless the locale is C (gettext then translates nothing).
      {{{"LANG", "en_US.UTF-8"}, {"LANGUAGE", "ru:en"}}, Language::russian},
      {{{"LANG", "en_US.UTF-8"}, {"LANGUAGE", "fr:ko"}}, Language::korean},
      {{{"LANG", "C"}, {"LANGUAGE", "ru"}}, Language::english},
      {{{"LC_ALL", "C.UTF-8"}, {"LANG", "ko_KR.UTF-8"}}, Language::english},
      {{{"LANG", "de_DE.UTF-8"}}, Language::english},
      // An empty variable counts as unset.
      {{{"LC_ALL", ""}, {"LANG", "ko_KR.UTF-8"}}, Language::korean},
  };
  for (const auto& c : cases) {
    auto getenv = [&](const char* name) -> const char* {
      auto it = c.env.find(name);
      return it == c.env.end() ? nullptr : it->second.c_str();
    };
    std::string label;
    for (const auto& [k, v] : c.env) label += k + "=" + v + " ";
    EXPECT_EQ(language_from_environment(getenv), c.expected) << label;
  }
}

TEST(Catalog, SubstitutesOnlyStringPlaceholders) {
  const std::string args[] = {"3", "7"};
  EXPECT_EQ(substitute("%s of %s", args), "3 of 7");
  EXPECT_EQ(substitute("%2$s / %1$s", args), "7 / 3");
  EXPECT_EQ(substitute("100%% of %s", args), "100% of 3");
  // Anything else is printed as written, never interpreted.
  EXPECT_EQ(substitute("%d of %s", args), "%d of %s");
  EXPECT_EQ(substitute("%n", args), "%n");
  EXPECT_EQ(substitute("%s %s %s", args), "%s %s %s");
  EXPECT_EQ(substitute("%3$s", args), "%3$s");
  EXPECT_EQ(substitute("%1$s %s", args), "%1$s %s");
  EXPECT_EQ(substitute("trailing %", args), "trailing %");
}

TEST(Catalog, ReadsTheBuiltCatalogsWithoutSystemLocales) {
  English english;
  ASSERT_TRUE(use_language(Language::korean, {kBuildLocale}).ok());
  EXPECT_EQ(current_language(), Language::korean);
  EXPECT_EQ(tr("error: "), "오유: ");
  EXPECT_EQ(trf("connecting to Tor: %s%% (%s)", 45, "x"), "Tor 에 련결하는 중: 45% (x)");
  ASSERT_TRUE(use_language(Language::russian, {kBuildLocale}).ok());
  EXPECT_EQ(tr("error: "), "ошибка: ");
  EXPECT_EQ(tr("a message no catalog has"), "a message no catalog has");
  ASSERT_TRUE(use_language(Language::english, {kBuildLocale}).ok());
  EXPECT_EQ(tr("error: "), "error: ");
}

TEST(Catalog, AMissingCatalogLeavesEnglish) {
  English english;
  auto loaded = use_language(Language::korean, {std::string(CAIRN_BINARY_DIR) + "/no-such-locale"});
  EXPECT_EQ(loaded.code(), Errc::not_found);
  EXPECT_EQ(current_language(), Language::english);
  EXPECT_EQ(tr("error: "), "error: ");
}

// msgfmt counts translated, fuzzy and untranslated messages; --check-format
// refuses placeholders that differ from the msgid's.
TEST(Catalog, EveryMessageIsTranslatedWithTheSamePlaceholders) {
  auto msgfmt = test::find_in_path("msgfmt");
  ASSERT_TRUE(msgfmt) << "msgfmt is missing: run scripts/bootstrap.sh (gettext)";
  auto pot = test::run_capture({msgfmt->string(), "--statistics", "-o", "/dev/null", kPoDir + "/cairn.pot"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(pot.err, m, std::regex("([0-9]+) untranslated message"))) << pot.err;
  const std::string total = m[1];
  ASSERT_GT(std::stoi(total), 100);
  for (const char* lang : {"ko", "ru"}) {
    SCOPED_TRACE(lang);
    auto run = test::run_capture({msgfmt->string(), "--check", "--check-format", "--statistics", "-o", "/dev/null",
                                  kPoDir + "/" + lang + ".po"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, total + " translated messages.\n") << "the template has " << total << " messages";
    EXPECT_EQ(run.err.find("fuzzy"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("untranslated"), std::string::npos) << run.err;
  }
}

// The template holds exactly the messages the sources mark (tr, trf, N_).
TEST(Catalog, TheTemplateIsUpToDateWithTheSources) {
  auto run = test::run_capture({std::string(CAIRN_SOURCE_DIR) + "/scripts/update-po.sh", "--check"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

}  // namespace
}  // namespace cairn::i18n
