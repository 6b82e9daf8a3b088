// db/wal_index.h: preallocating the WAL index of an open database gives it
// real blocks and leaves the database as it was (the mapping SQLite holds is
// not disturbed: later commits, a second connection and a reopen all see the
// same rows, and integrity_check stays ok). That holding the descriptor keeps
// SQLite's locks (another process must not truncate the index) is tested
// against a real relay and a second process in tests/relay/disk_space_test.cpp.
#include "db/wal_index.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/random.h"
#include "db/database.h"
#include "support/result.h"
#include "support/temp_dir.h"

namespace cairn::db {
namespace {

using test::code_of;

std::int64_t count_rows(Database& db) {
  auto stmt = db.prepare("SELECT count(*) FROM t;");
  if (!stmt.ok()) return -1;
  auto row = stmt->step();
  return row.ok() && *row ? stmt->column_int(0) : -1;
}

TEST(WalIndex, PreallocationGivesTheIndexBlocksAndChangesNoData) {
  test::TempDir dir;
  auto key = crypto::random_secret(32);
  auto db = Database::open(dir / "s.db", key, Database::Mode::create_new);
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_TRUE((*db)->exec("CREATE TABLE t(v BLOB); INSERT INTO t VALUES (randomblob(5000));").ok());
  auto shm = dir / "s.db-shm";
  ASSERT_TRUE(std::filesystem::exists(shm)) << "the database is not in WAL mode";

  constexpr std::uint64_t kBytes = 8 * kWalIndexRegionBytes;
  auto held = WalIndexReservation::open(dir / "s.db");
  ASSERT_TRUE(held.ok()) << held.error().message;
  auto st = held->preallocate(kBytes);
  ASSERT_TRUE(st.ok()) << st.error().message;
  struct stat s {};
  ASSERT_EQ(::stat(shm.c_str(), &s), 0);
  EXPECT_GE(static_cast<std::uint64_t>(s.st_size), kBytes);
  EXPECT_GE(static_cast<std::uint64_t>(s.st_blocks) * 512, kBytes) << "holes left in the WAL index";

  // Commits after it, a second connection, and a reopen all agree.
  for (int i = 0; i < 50; ++i) ASSERT_TRUE((*db)->exec("INSERT INTO t VALUES (randomblob(5000));").ok());
  auto other = Database::open(dir / "s.db", key, Database::Mode::open_existing);
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(count_rows(**other), 51);
  EXPECT_TRUE((*other)->integrity_check().ok());
  other->reset();
  db->reset();  // the last connection closes while the reservation still holds its descriptor
  auto reopened = Database::open(dir / "s.db", key, Database::Mode::open_existing);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(count_rows(**reopened), 51);
  EXPECT_TRUE((*reopened)->integrity_check().ok());
}

TEST(WalIndex, NoIndexFileIsNotFoundAndNothingIsCreated) {
  test::TempDir dir;
  EXPECT_EQ(code_of(WalIndexReservation::open(dir / "absent.db")), Errc::not_found);
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.db-shm"));
}

}  // namespace
}  // namespace cairn::db
