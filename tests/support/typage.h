// typage, the npm package age-encryption: an independent age implementation
// with mlkem768x25519 hybrid recipients, run through
// tests/crypto/age_hybrid_interop.mjs (test-only, pinned in
// tests/crypto/npm/package-lock.json, installed into the build tree by
// scripts/npm-interop.sh before ctest; never reaches the network).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/files.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace cairn::test {

inline std::filesystem::path npm_modules() {
  return std::filesystem::path(CAIRN_BINARY_DIR) / "npm-interop" / "node_modules";
}

// Fails, naming what to run, if node or the package is missing.
inline ::testing::AssertionResult typage_available() {
  if (!find_in_path("node"))
    return ::testing::AssertionFailure() << "the `node` command is not installed; run scripts/bootstrap.sh";
  if (!std::filesystem::exists(npm_modules() / "age-encryption" / "package.json"))
    return ::testing::AssertionFailure() << "age-encryption is not installed in " << npm_modules()
                                         << "; run scripts/npm-interop.sh (scripts/test.sh does before ctest)";
  return ::testing::AssertionSuccess();
}

// Runs one command of the .mjs (keygen, recipient, encrypt, decrypt; files
// in `dir`); true if it succeeded. A failure is a test failure unless
// `expect_failure`.
inline bool typage(const TempDir& dir, const std::vector<std::string>& args, bool expect_failure = false) {
  std::vector<std::string> argv{"node", std::string(CAIRN_SOURCE_DIR) + "/tests/crypto/age_hybrid_interop.mjs",
                                npm_modules().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const int rc = run(argv, "/dev/null", dir / "typage.stderr");
  if (!expect_failure) {
    EXPECT_EQ(rc, 0) << read_text(dir / "typage.stderr");
  }
  return rc == 0;
}

}  // namespace cairn::test
