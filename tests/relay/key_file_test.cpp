#include "relay/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "support/temp_dir.h"

namespace cairn::relay {
namespace {

TEST(KeyFile, CreateThenReadGivesTheSameKeyWithMode0600) {
  test::TempDir dir;
  auto created = create_key_file(dir / "store.key");
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat((dir / "store.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto read = read_key_file(dir / "store.key");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(*created == *read);
  EXPECT_EQ(create_key_file(dir / "store.key").code(), Errc::already_exists);
}

TEST(KeyFile, RefusesAKeyOthersCanRead) {
  test::TempDir dir;
  ASSERT_TRUE(create_key_file(dir / "k").ok());
  ASSERT_EQ(::chmod((dir / "k").c_str(), 0644), 0);
  auto r = read_key_file(dir / "k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::unsafe);
  EXPECT_NE(r.error().message.find("chmod 600"), std::string::npos);
}

TEST(KeyFile, RejectsMalformedContents) {
  test::TempDir dir;
  for (const std::string& body : {std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'),
                                  std::string(64, 'a') + "\n\n", std::string()}) {
    auto p = dir / "k";
    std::filesystem::remove(p);
    { std::ofstream(p) << body; }
    ASSERT_EQ(::chmod(p.c_str(), 0600), 0);
    EXPECT_EQ(read_key_file(p).code(), Errc::malformed) << body.size();
  }
  EXPECT_EQ(read_key_file(dir / "missing").code(), Errc::not_found);
}

}  // namespace
}  // namespace cairn::relay
