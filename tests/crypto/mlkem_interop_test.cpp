// Interoperability of Cairn's ML-KEM-768 with an independent implementation,
// @noble/post-quantum from the npm registry (test-only, pinned in
// tests/crypto/npm/package-lock.json, installed into the build tree by
// scripts/npm-interop.sh before ctest; this test never reaches the network and
// fails, naming the script, if the package is missing). Both ways, on several
// seeds: the same seed gives the same encapsulation key; noble encapsulates to
// Cairn's key and Cairn decapsulates; Cairn encapsulates to noble's key and
// noble decapsulates; both reject an altered ciphertext to the same J(z || c).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/mlkem768.h"
#include "crypto/sha3.h"
#include "support/files.h"
#include "support/subprocess.h"

namespace cairn::crypto::mlkem768 {
namespace {

constexpr std::size_t kSeeds = 6;

std::filesystem::path noble_modules() { return std::filesystem::path(CAIRN_BINARY_DIR) / "npm-interop" / "node_modules"; }

::testing::AssertionResult noble_available() {
  if (!test::find_in_path("node"))
    return ::testing::AssertionFailure() << "the `node` command is not installed; run scripts/bootstrap.sh";
  if (!std::filesystem::exists(noble_modules() / "@noble" / "post-quantum" / "package.json"))
    return ::testing::AssertionFailure() << "@noble/post-quantum is not installed in " << noble_modules()
                                         << "; run scripts/npm-interop.sh (scripts/test.sh does before ctest)";
  return ::testing::AssertionSuccess();
}

// Runs the requests through tests/crypto/mlkem_interop.mjs; one answer line each.
std::vector<std::string> noble(const test::TempDir& dir, const std::vector<std::string>& requests) {
  std::string in;
  for (const auto& r : requests) in += r + "\n";
  test::write_file(dir / "requests", as_bytes(in));
  const int rc = test::run({"node", std::string(CAIRN_SOURCE_DIR) + "/tests/crypto/mlkem_interop.mjs",
                            noble_modules().string(), (dir / "requests").string(), (dir / "answers").string()},
                           "/dev/null", dir / "stderr");
  EXPECT_EQ(rc, 0) << test::read_text(dir / "stderr");
  std::vector<std::string> out;
  if (rc != 0) return out;
  std::istringstream lines(test::read_text(dir / "answers"));
  for (std::string line; std::getline(lines, line);) out.push_back(line);
  EXPECT_EQ(out.size(), requests.size());
  return out;
}

std::string hex_of(const Secret& s) { return to_hex(s.view()); }  // test keys only

TEST(MlKemInterop, NobleAndCairnAgreeBothWays) {
  ASSERT_TRUE(noble_available());
  test::TempDir dir;
  // Fixed inputs (no chance): per seed, d || z, then m for noble, then m for Cairn.
  Bytes draw(kSeeds * 128);
  shake128({as_bytes("cairn ML-KEM-768 interop")}, draw);
  struct Case {
    Secret seed, m_noble, m_cairn;
    KeyPair cairn;
  };
  std::vector<Case> cases;
  for (std::size_t i = 0; i < kSeeds; ++i) {
    const ByteView d = ByteView(draw).subspan(i * 128, 128);
    Case c{Secret::copy_of(d.first(64)), Secret::copy_of(d.subspan(64, 32)), Secret::copy_of(d.subspan(96, 32)), {}};
    c.cairn = generate_from_seed(c.seed);
    cases.push_back(std::move(c));
  }

  // Round 1: noble's keys from the seeds; noble encapsulates to Cairn's keys.
  std::vector<std::string> requests;
  for (const auto& c : cases) {
    requests.push_back("keygen " + hex_of(c.seed));
    requests.push_back("encaps " + to_hex(c.cairn.encapsulation_key) + " " + hex_of(c.m_noble));
  }
  const auto round1 = noble(dir, requests);
  ASSERT_EQ(round1.size(), requests.size());

  // Round 2: Cairn encapsulates to noble's keys; noble decapsulates that, and
  // an altered ciphertext.
  requests.clear();
  std::vector<Encapsulation> to_noble;
  std::vector<Ciphertext> altered;
  for (std::size_t i = 0; i < kSeeds; ++i) {
    const Case& c = cases[i];
    const Bytes noble_ek = test::hex(round1[2 * i]);
    EXPECT_EQ(to_hex(noble_ek), to_hex(c.cairn.encapsulation_key)) << "seed " << i << ": different encapsulation keys";
    // Cairn decapsulates noble's encapsulation.
    const auto space = round1[2 * i + 1].find(' ');
    ASSERT_NE(space, std::string::npos);
    const Bytes noble_ct = test::hex(round1[2 * i + 1].substr(0, space));
    const std::string noble_k = round1[2 * i + 1].substr(space + 1);
    auto k = decapsulate(c.cairn.decapsulation_key, noble_ct);
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(hex_of(*k), noble_k) << "seed " << i << ": Cairn decapsulated noble's ciphertext to another secret";
    // Cairn encapsulates to noble's key (the bytes noble made).
    auto enc = encapsulate_with(noble_ek, c.m_cairn);
    ASSERT_TRUE(enc.ok()) << enc.error().message;
    Ciphertext bad = enc->ciphertext;
    bad[i * 100] ^= 0x80;
    requests.push_back("decaps " + hex_of(c.seed) + " " + to_hex(enc->ciphertext));
    requests.push_back("decaps " + hex_of(c.seed) + " " + to_hex(bad));
    to_noble.push_back(std::move(enc).value());
    altered.push_back(bad);
  }
  const auto round2 = noble(dir, requests);
  ASSERT_EQ(round2.size(), requests.size());
  for (std::size_t i = 0; i < kSeeds; ++i) {
    EXPECT_EQ(round2[2 * i], hex_of(to_noble[i].shared_secret))
        << "seed " << i << ": noble decapsulated Cairn's ciphertext to another secret";
    auto rejected = decapsulate(cases[i].cairn.decapsulation_key, altered[i]);
    ASSERT_TRUE(rejected.ok());
    EXPECT_EQ(round2[2 * i + 1], hex_of(*rejected)) << "seed " << i << ": implicit rejection differs";
    EXPECT_NE(round2[2 * i + 1], round2[2 * i]);
  }
}

}  // namespace
}  // namespace cairn::crypto::mlkem768
