// The catalogs where the packages put them: `cmake --install --component`
// (what cpack does for each .deb) into a temporary prefix, then the installed
// program run from there, where it finds <prefix>/share/locale through
// /proc/self/exe and not the build tree's locale folder. Fast: copying a few
// files, and a handful of runs that end at once (help, a usage error).
#include <gtest/gtest.h>

#include <filesystem>

#include "i18n/catalog.h"
#include "support/language.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace cairn::i18n {
namespace {

namespace fs = std::filesystem;

struct Package {
  const char* component;  // cmake/Packaging.cmake: one .deb per component
  const char* program;
  Domain domain;
  std::vector<std::string> usage_error;  // arguments that end in a usage error, at once
  const char* error;                     // its message (a msgid)
  const char* help;                      // a line of its --help (a msgid)
};

const Package kPackages[] = {
    {"cairn", "cairn", kClientDomain, {"submit", "--direct"}, "the drop address is missing: give it with --to cairn1…",
     "send a testimony (text from a file or typed in) and files"},
    {"cairn-analyst", "cairn-analyst", kAnalystDomain, {}, "say what to do: cairn-analyst --help lists the commands",
     "list testimony in the vault"},
};

test::RunResult run_in_korean(const fs::path& program, std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/env", "-u", "LC_ALL", "-u", "LC_MESSAGES", "-u", "LANGUAGE", "LANG=C.UTF-8",
                                program.string(), "--lang", "ko"};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_capture(argv);
}

TEST(InstalledCatalog, EachPackageSpeaksKoreanFromItsInstalledCatalog) {
  for (const auto& p : kPackages) {
    SCOPED_TRACE(p.component);
    test::TempDir tmp;
    const auto prefix = tmp.path() / "usr";
    auto installed = test::run_capture({CAIRN_CMAKE_COMMAND, "--install", CAIRN_BINARY_DIR, "--prefix", prefix.string(),
                                        "--component", p.component});
    ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
    const auto catalog = prefix / "share" / "locale" / "ko" / "LC_MESSAGES" / (std::string(domain_name(p.domain)) + ".mo");
    ASSERT_TRUE(fs::is_regular_file(catalog)) << catalog;
    // Moved elsewhere (a relocated prefix): the program finds ../share/locale
    // next to itself; no build tree is next to it.
    const auto moved = tmp.path() / "elsewhere";
    fs::rename(prefix, moved);
    const auto program = moved / "bin" / p.program;
    ASSERT_FALSE(fs::exists(moved.parent_path() / "locale"));

    auto error = run_in_korean(program, p.usage_error);
    auto help = run_in_korean(program, {"--help"});
    {
      test::InLanguage korean(Language::korean, p.domain);
      EXPECT_EQ(error.exit_code, 2);
      test::expect_translated(error, "error: ", tr(p.error), p.error);
      EXPECT_EQ(help.exit_code, 0);
      EXPECT_NE(help.out.find(tr(p.help)), std::string::npos) << help.out;
      EXPECT_EQ(help.out.find(p.help), std::string::npos) << help.out;
    }
    // Without the installed catalog the same program says it is missing and
    // speaks English: what it printed in Korean came from that file.
    fs::remove(moved / "share" / "locale" / "ko" / "LC_MESSAGES" / (std::string(domain_name(p.domain)) + ".mo"));
    auto english = run_in_korean(program, p.usage_error);
    EXPECT_EQ(english.exit_code, 2);
    EXPECT_NE(english.err.find("cairn: error: " + std::string(p.error)), std::string::npos) << english.err;
    EXPECT_NE(english.err.find("no ko message catalog"), std::string::npos) << english.err;
  }
}

}  // namespace
}  // namespace cairn::i18n
