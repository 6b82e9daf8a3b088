#include "relay/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>

#include "crypto/pow.h"
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
    ASSERT_TRUE(store->allocate_slots(1024, 512).ok());
  }
};

// The relay hashes a drop once (relay/store.h, HashedDrop): its id must be
// its proof-of-work context, byte for byte, or a drop could be stored under
// one hash and paid for under another.
TEST(HashedDrop, TheIdIsTheProofOfWorkContext) {
  Bytes d(4096);
  crypto::random_bytes(d);
  HashedDrop h(d);
  EXPECT_EQ(h.id(), drop_id(d));
  EXPECT_EQ(h.id(), crypto::pow::context_for_drop(d));
  d[100] ^= 1;
  EXPECT_NE(h.id(), crypto::pow::context_for_drop(d));
}

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

// Slots are written in place, so only allocating them can run out of disk.
// With values to write alongside (publish) it is all or nothing; without
// (init) an interrupted allocation leaves no slots and is simply redone.
TEST_F(StoreFixture, DiskFullDuringAllocationIsAQuotaError) {
  ASSERT_TRUE(store->database().set_max_page_count(1000).ok());
  const Store::MetaValue with[] = {{"x", to_bytes("1")}};
  auto r = store->allocate_slots(8192, 4096, with);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::quota);
  auto layout = store->slot_layout();
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->slot_bytes, 1024u);
  EXPECT_EQ(layout->slot_count, 512u);
  EXPECT_FALSE(store->get_meta("x")->has_value());
  EXPECT_TRUE(store->integrity_check().ok());

  r = store->allocate_slots(8192, 4096);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::quota);
  EXPECT_EQ(store->slot_layout()->slot_count, 0u);
  EXPECT_TRUE(store->integrity_check().ok());
  ASSERT_TRUE(store->database().set_max_page_count(1 << 20).ok());
  ASSERT_TRUE(store->allocate_slots(8192, 64).ok());
  EXPECT_EQ(store->slot_layout()->slot_count, 64u);
}

TEST_F(StoreFixture, EveryDropTakesOneSlotUntilNoneIsFree) {
  ASSERT_TRUE(store->allocate_slots(1024, 512).ok());  // the same layout: nothing to do
  std::vector<Bytes> drops;
  for (int i = 0; i < 512; ++i) drops.push_back(drop_of(static_cast<std::uint8_t>(i)));
  std::vector<ByteView> views(drops.begin(), drops.end());
  ASSERT_TRUE(store->put_drops(views, std::uint64_t{1} << 40).ok());
  auto one_more = drop_of(7);
  auto r = store->put_drops(std::vector<ByteView>{one_more}, std::uint64_t{1} << 40);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::quota);
  EXPECT_EQ(store->put_drops(std::vector<ByteView>{drop_of(1, 1000)}, std::uint64_t{1} << 40).code(),
            Errc::invalid_argument);
  for (int i = 0; i < 512; i += 97) EXPECT_EQ(*store->get_drop(drop_id(drops[i])), drops[i]);
  // A slot freed by a purge is taken again; a store holding drops keeps its layout.
  std::vector<DropId> gone{drop_id(drops[3])};
  ASSERT_EQ(*store->delete_drops(gone), 1u);
  ASSERT_TRUE(store->put_drops(std::vector<ByteView>{one_more}, std::uint64_t{1} << 40).ok());
  EXPECT_EQ(store->allocate_slots(2048, 256).code(), Errc::already_exists);
}

TEST_F(StoreFixture, GroupCommitSharesTransactions) {
  constexpr int kDrops = 400;
  std::atomic<int> ok{0}, answered{0};
  std::promise<void> all;
  {
    Committer committer(*store, {.quota_bytes = std::uint64_t{1} << 30, .max_batch = 64});
    for (int i = 0; i < kDrops; ++i) {
      committer.submit(drop_of(static_cast<std::uint8_t>(i)), [&](Result<PutOutcome> st) {
        if (st.ok()) ++ok;
        if (++answered == kDrops) all.set_value();
      });
    }
    // Every drop is answered (stored or not) well within a minute; a lost
    // answer fails here instead of hanging until CTest's timeout.
    ASSERT_EQ(all.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready)
        << answered.load() << " of " << kDrops << " drops answered";
    EXPECT_EQ(ok.load(), kDrops);
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
  auto put = [](Committer& c, const Bytes& d) -> Result<PutOutcome> {
    // Shared with the callback, which may outlive this call if it never answers.
    auto done = std::make_shared<std::promise<Result<PutOutcome>>>();
    auto f = done->get_future();
    c.submit(d, [done](Result<PutOutcome> r) { done->set_value(std::move(r)); });
    if (f.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
      return make_error(Errc::timeout, "the committer did not answer within 60 s");
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

