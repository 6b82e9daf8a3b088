// The cairn-relay commands called as functions, without the command line:
// what relay/main.cpp dispatches to.
#include "relay/commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "crypto/drop.h"
#include "crypto/key_text.h"
#include "crypto/sign.h"
#include "support/capture_stdout.h"
#include "support/result.h"
#include "support/temp_dir.h"
#include "wire/file_kind.h"

namespace cairn::relay {
namespace {

using test::CaptureStdout;

RelayDir relay_dir_in(const test::TempDir& tmp) {
  RelayDir d;
  d.dir = tmp / "relay";
  d.key_file = tmp / "relay" / "store.key";  // never $CREDENTIALS_DIRECTORY of the host
  return d;
}

TEST(RelayCommands, InitThenStatusReportTheSameRelayKeys) {
  test::TempDir tmp;
  auto dir = relay_dir_in(tmp);
  auto org = crypto::encode_organisation_key(crypto::ed25519_generate().public_key);
  std::string keys_line;
  {
    CaptureStdout out;
    ASSERT_EQ(init_command(dir, org, 4 * crypto::kDefaultDropSize), 0);
    keys_line = out.text();
  }
  ASSERT_TRUE(keys_line.starts_with("cairn-relay1")) << keys_line;
  CaptureStdout out;
  ASSERT_EQ(status_command(dir), 0);
  EXPECT_NE(out.text().find("drops stored:    0\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("key bundle:      none\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("relay keys:      " + keys_line), std::string::npos) << out.text();
}

TEST(RelayCommands, InitRefusesAnOrganisationKeyThatDoesNotParseAndCreatesNothing) {
  test::TempDir tmp;
  auto dir = relay_dir_in(tmp);
  EXPECT_NE(init_command(dir, "cairn-org1notakey", 4 * crypto::kDefaultDropSize), 0);
  EXPECT_FALSE(std::filesystem::exists(dir.dir));
}

TEST(RelayCommands, StatusWithoutAStoreFails) {
  test::TempDir tmp;
  EXPECT_NE(status_command(relay_dir_in(tmp)), 0);
}

TEST(RelayDir, CarriedFilesOverTheCapAreRefusedBeforeTheyAreRead) {
  test::TempDir tmp;
  std::ofstream(tmp / "big").put('x');
  ASSERT_EQ(::truncate((tmp / "big").c_str(), static_cast<off_t>(wire::kMaxCarriedFileBytes) + 1), 0);
  auto big = read_carried_file(tmp / "big");
  EXPECT_EQ(test::code_of(big), Errc::too_large);
  EXPECT_EQ(big.error().message, (tmp / "big").string() + " is too large");
  std::ofstream(tmp / "small") << "cairn";
  auto small = read_carried_file(tmp / "small");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(as_chars(*small), "cairn");
}

}  // namespace
}  // namespace cairn::relay
