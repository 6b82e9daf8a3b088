#include "relay/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "crypto/random.h"
#include "relay/committer.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace cairn::relay {
namespace {

Bytes drop_of(std::uint8_t fill, std::size_t n = 1024) {
  Bytes b = crypto::random_bytes(n);
  b[0] = fill;
  return b;
}

struct StoreFixture : ::testing::Test {
  test::TempDir dir;
  crypto::Secret key = crypto::random_secret(32);
  std::unique_ptr<Store> store;
  void SetUp() override {
    auto s = Store::create(dir / "relay.db", key);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::move(s).value();
  }
};

TEST_F(StoreFixture, DuplicatesAreStoredOnce) {
  auto a = drop_of(1), b = drop_of(2);
  std::vector<ByteView> batch{a, b, a};
  ASSERT_TRUE(store->put_drops(batch, 1 << 20).ok());
  ASSERT_TRUE(store->put_drops(std::vector<ByteView>{b}, 1 << 20).ok());
  auto c = store->counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->drops, 2u);
  EXPECT_EQ(c->drop_bytes, a.size() + b.size());
  auto ids = store->drop_ids();
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  auto got = store->get_drop(drop_id(a));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, a);
}

TEST_F(StoreFixture, QuotaRefusesWholeBatchAndKeepsData) {
  auto a = drop_of(1), b = drop_of(2), c = drop_of(3);
  ASSERT_TRUE(store->put_drops(std::vector<ByteView>{a}, 2048).ok());
  auto r = store->put_drops(std::vector<ByteView>{b, c}, 2048);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::quota);
  auto counts = store->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->drops, 1u);
  EXPECT_TRUE(store->get_drop(drop_id(a)).ok());
  EXPECT_EQ(store->get_drop(drop_id(b)).code(), Errc::not_found);
}

TEST_F(StoreFixture, DeleteExactlyTheNamedDrops) {
  auto a = drop_of(1), b = drop_of(2);
  ASSERT_TRUE(store->put_drops(std::vector<ByteView>{a, b}, 1 << 20).ok());
  std::vector<DropId> ids{drop_id(a), drop_id(drop_of(9))};
  auto n = store->delete_drops(ids);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  auto counts = store->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->drops, 1u);
  EXPECT_EQ(counts->drop_bytes, b.size());
  EXPECT_TRUE(store->get_drop(drop_id(b)).ok());
}

TEST_F(StoreFixture, RepliesExpire) {
  auto r1 = drop_of(1, 100), r2 = drop_of(2, 100);
  ASSERT_TRUE(store->put_replies(std::vector<ByteView>{r1}, 100).ok());
  ASSERT_TRUE(store->put_replies(std::vector<ByteView>{r2}, 200).ok());
  EXPECT_EQ(store->replies(50)->size(), 2u);
  EXPECT_EQ(store->replies(150)->size(), 1u);
  EXPECT_EQ(*store->expire_replies(150), 1u);
  EXPECT_EQ(store->counts()->replies, 1u);
}

TEST_F(StoreFixture, MetaRoundTrip) {
  ASSERT_TRUE(store->put_meta("x", to_bytes("1")).ok());
  ASSERT_TRUE(store->put_meta("x", to_bytes("2")).ok());
  auto v = store->get_meta("x");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ(**v, to_bytes("2"));
  EXPECT_FALSE(store->get_meta("y")->has_value());
  EXPECT_EQ(store->get_secret_meta("y").code(), Errc::not_found);
}

TEST_F(StoreFixture, DiskFullIsAQuotaErrorAndNothingChanges) {
  ASSERT_TRUE(store->database().set_max_page_count(20).ok());
  std::vector<Bytes> drops;
  for (int i = 0; i < 30; ++i) drops.push_back(drop_of(static_cast<std::uint8_t>(i), 8192));
  std::vector<ByteView> views(drops.begin(), drops.end());
  auto r = store->put_drops(views, std::uint64_t{1} << 40);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::quota);
  EXPECT_EQ(store->counts()->drops, 0u);
  EXPECT_TRUE(store->integrity_check().ok());
}

TEST_F(StoreFixture, GroupCommitSharesTransactions) {
  constexpr int kDrops = 400;
  std::atomic<int> ok{0};
  std::promise<void> all;
  {
    Committer committer(*store, {.quota_bytes = std::uint64_t{1} << 30, .max_batch = 64});
    for (int i = 0; i < kDrops; ++i) {
      committer.submit(drop_of(static_cast<std::uint8_t>(i)), [&](Result<PutOutcome> st) {
        if (st.ok() && ++ok == kDrops) all.set_value();
      });
    }
    all.get_future().wait();
    EXPECT_LE(committer.committed_batches(), static_cast<std::uint64_t>(kDrops));
    EXPECT_EQ(committer.committed_drops(), static_cast<std::uint64_t>(kDrops));
  }
  EXPECT_EQ(store->counts()->drops, static_cast<std::uint64_t>(kDrops));
}

TEST_F(StoreFixture, CommitterQuotaFailsOnlyTheDropsThatDoNotFit) {
  std::atomic<int> ok{0}, quota{0};
  {
    Committer committer(*store, {.quota_bytes = 3 * 1024, .max_batch = 64});
    for (int i = 0; i < 5; ++i)
      committer.submit(drop_of(static_cast<std::uint8_t>(i)), [&](Result<PutOutcome> st) {
        if (st.ok()) ++ok;
        else if (st.code() == Errc::quota) ++quota;
      });
    committer.stop();
  }
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(quota.load(), 2);
  EXPECT_EQ(store->counts()->drops, 3u);
}

// Repeating a drop costs no transaction (no fsync) and is not counted as stored.
TEST_F(StoreFixture, CommitterAnswersARepeatedDropWithoutACommit) {
  auto a = drop_of(1);
  auto put = [](Committer& c, const Bytes& d) {
    std::promise<Result<PutOutcome>> done;
    auto f = done.get_future();
    c.submit(d, [&](Result<PutOutcome> r) { done.set_value(std::move(r)); });
    return f.get();
  };
  Committer committer(*store, {.quota_bytes = std::uint64_t{1} << 30, .max_batch = 64});
  auto first = put(committer, a);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, PutOutcome::stored);
  EXPECT_EQ(committer.committed_batches(), 1u);
  for (int i = 0; i < 3; ++i) {
    auto again = put(committer, a);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(*again, PutOutcome::duplicate);
  }
  EXPECT_EQ(committer.committed_batches(), 1u);
  EXPECT_EQ(committer.committed_drops(), 1u);
  EXPECT_EQ(store->counts()->drops, 1u);
}

TEST_F(StoreFixture, ReopenWithWrongKeyFails) {
  store.reset();
  EXPECT_EQ(Store::open(dir / "relay.db", crypto::random_secret(32)).code(), Errc::decrypt_failed);
  EXPECT_TRUE(Store::open(dir / "relay.db", key).ok());
}

}  // namespace
}  // namespace cairn::relay

namespace cairn::relay {
namespace {

// The physical row order must not give away the order in which drops arrived
// (chunks of one submission arrive one after another).
TEST_F(StoreFixture, RowOrderRevealsNoArrivalOrder) {
  std::vector<DropId> arrival;
  for (int i = 0; i < 40; ++i) {
    auto d = drop_of(static_cast<std::uint8_t>(i));
    arrival.push_back(drop_id(d));
    ASSERT_TRUE(store->put_drops(std::vector<ByteView>{d}, 1 << 30).ok());
  }
  auto stmt = store->database().prepare("SELECT id FROM drops ORDER BY rowid;");
  ASSERT_TRUE(stmt.ok());
  std::vector<DropId> by_rowid;
  for (;;) {
    auto row = stmt->step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    auto b = stmt->column_blob(0);
    DropId id{};
    std::copy(b.begin(), b.end(), id.begin());
    by_rowid.push_back(id);
  }
  ASSERT_EQ(by_rowid.size(), arrival.size());
  // 40 drops in arrival order by chance: probability 1/40!.
  EXPECT_NE(by_rowid, arrival);
  // And not reversed either.
  std::reverse(by_rowid.begin(), by_rowid.end());
  EXPECT_NE(by_rowid, arrival);
}

}  // namespace
}  // namespace cairn::relay
