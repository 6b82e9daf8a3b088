// Running the real programs in a language, on a machine where the Korean and
// Russian locales need not be installed, and the sentences they should print
// taken from the built catalogs (so a message printed untranslated fails).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "i18n/catalog.h"
#include "support/process.h"

namespace cairn::test {

// A way of asking for a language: an environment (given to env(1) with
// LC_ALL, LC_MESSAGES and LANGUAGE unset) and flags after the command.
struct LanguageSetting {
  const char* name;
  i18n::Language language;
  std::vector<std::string> env;
  std::vector<std::string> flags;
};

// `program` run through env(1) with the setting's environment: the argv to
// which the command and its arguments are appended.
inline std::vector<std::string> in_environment(const LanguageSetting& s, const std::string& program) {
  std::vector<std::string> argv{"/usr/bin/env", "-u", "LC_ALL", "-u", "LC_MESSAGES", "-u", "LANGUAGE"};
  argv.insert(argv.end(), s.env.begin(), s.env.end());
  argv.push_back(program);
  return argv;
}

// The test process speaks `l` from the build's catalogs (domain: cairn or
// cairn-analyst) while this lives, and English afterwards.
class InLanguage {
 public:
  explicit InLanguage(i18n::Language l, i18n::Domain domain = i18n::kClientDomain) {
    auto loaded = i18n::use_language(l, {std::string(CAIRN_BINARY_DIR) + "/locale"}, domain);
    EXPECT_TRUE(loaded.ok());
  }
  InLanguage(const InLanguage&) = delete;
  InLanguage& operator=(const InLanguage&) = delete;
  ~InLanguage() { (void)i18n::use_language(i18n::Language::english); }
};

// "cairn: <label><message>" is on standard error, translated: the message
// differs from its English msgid, which is absent, and no English label is printed.
inline void expect_translated(const RunResult& run, const char* label, const std::string& message,
                              const std::string& english) {
  EXPECT_NE(message, english);
  EXPECT_NE(run.err.find("cairn: " + i18n::tr(label) + message), std::string::npos)
      << "expected: " << message << "\ngot:\n" << run.err;
  EXPECT_EQ(run.err.find(english), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("cairn: error: "), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("cairn: hint: "), std::string::npos) << run.err;
}

}  // namespace cairn::test
