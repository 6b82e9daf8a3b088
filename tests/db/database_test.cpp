#include "db/database.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/random.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace cairn::db {
namespace {

using crypto::random_secret;

Result<std::unique_ptr<Database>> make(const std::filesystem::path& p, const crypto::Secret& k) {
  return Database::open(p, k, Database::Mode::create_new);
}

TEST(Database, WrongKeyIsRefusedAndFileUnchanged) {
  test::TempDir dir;
  auto key = random_secret(32);
  {
    auto db = make(dir / "s.db", key);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->exec("CREATE TABLE t(v BLOB); INSERT INTO t VALUES (x'01');").ok());
  }
  auto before = test::read_file(dir / "s.db");
  auto wrong = Database::open(dir / "s.db", random_secret(32), Database::Mode::open_existing);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.code(), Errc::decrypt_failed);
  EXPECT_EQ(test::read_file(dir / "s.db"), before);
  auto right = Database::open(dir / "s.db", key, Database::Mode::open_existing);
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE((*right)->integrity_check().ok());
}

TEST(Database, FileHoldsNoPlaintext) {
  test::TempDir dir;
  auto key = random_secret(32);
  const std::string marker = "CAIRN-PLAINTEXT-MARKER-7f3a9c";
  {
    auto db = make(dir / "s.db", key);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE t(v TEXT);").ok());
    auto st = (*db)->prepare("INSERT INTO t VALUES (?1)");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE(st->bind(1, std::string_view(marker)).run().ok());
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    auto bytes = test::read_file(entry.path());
    auto hit = std::search(bytes.begin(), bytes.end(), marker.begin(), marker.end());
    EXPECT_EQ(hit, bytes.end()) << entry.path();
  }
}

TEST(Database, CreateRefusesExistingAndOpenRequiresFile) {
  test::TempDir dir;
  auto key = random_secret(32);
  ASSERT_TRUE(make(dir / "s.db", key).ok());
  EXPECT_EQ(make(dir / "s.db", key).code(), Errc::already_exists);
  EXPECT_EQ(Database::open(dir / "none.db", key, Database::Mode::open_existing).code(), Errc::not_found);
  EXPECT_EQ(make(dir / "k.db", random_secret(16)).code(), Errc::invalid_argument);
}

TEST(Database, FullDatabaseIsAQuotaError) {
  test::TempDir dir;
  auto db = make(dir / "s.db", random_secret(32));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("CREATE TABLE t(v BLOB);").ok());
  ASSERT_TRUE((*db)->set_max_page_count(8).ok());
  auto st = (*db)->prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(st.ok());
  Bytes big(64 * 1024, 0x5a);
  auto r = st->bind(1, ByteView(big)).run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::quota);
}

}  // namespace
}  // namespace cairn::db
