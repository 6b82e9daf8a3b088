// Promise 10 against the store's bytes: whoever holds the store and its key
// file (they sit on the same host) decrypts every page, as here, and must not
// learn the order drops arrived in, which drops came together, or what was
// purged. The pages are read with OpenSSL, not through SQLCipher.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "crypto/random.h"
#include "relay/store.h"
#include "support/sqlcipher_pages.h"
#include "support/temp_dir.h"

namespace cairn::relay {
namespace {

namespace fs = std::filesystem;
constexpr std::uint32_t kDropBytes = 32768;

std::uint64_t word_at(const std::uint8_t* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::uintmax_t size_or_zero(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : n;
}

struct LayoutFixture : ::testing::Test {
  test::TempDir dir;
  crypto::Secret key = crypto::random_secret(32);
  fs::path path() const { return dir / "store.db"; }
  fs::path wal() const { return dir / "store.db-wal"; }
  std::unique_ptr<Store> store;
  void SetUp() override {
    auto s = Store::create(path(), key);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::move(s).value();
  }
  // For each drop, the number of the decrypted page where its first 8 bytes
  // lie (0 if absent) — pages from the store file and the WAL.
  std::vector<std::uint32_t> pages_of(const std::vector<Bytes>& drops, const std::vector<test::DecryptedPage>& pages) {
    std::unordered_map<std::uint64_t, std::size_t> first_words;
    for (std::size_t i = 0; i < drops.size(); ++i) first_words.emplace(word_at(drops[i].data()), i);
    std::vector<std::uint32_t> where(drops.size(), 0);
    for (const auto& page : pages)
      for (std::size_t off = 0; off + 8 <= page.plaintext.size(); ++off) {
        auto it = first_words.find(word_at(page.plaintext.data() + off));
        if (it != first_words.end() &&
            std::equal(drops[it->second].begin(), drops[it->second].begin() + 64, page.plaintext.begin() + off,
                       page.plaintext.begin() + std::min(page.plaintext.size(), off + 64)))
          where[it->second] = page.page_number;
      }
    return where;
  }
};

std::vector<double> ranks(const std::vector<std::uint32_t>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size(); ++i) r[order[i]] = static_cast<double>(i);
  return r;
}

// 200 drops in 40 submissions of 5, into 1024 slots. Random placement gives a
// rank correlation with arrival of sd 0.071 (the bound, 0.35, is 4.9 sd: one
// false alarm in ~10^6 runs) and ~4 same-submission neighbours in file order
// (the bound, 20, is beyond 10^-8); appending at the end of the file, as
// SQLite does for new rows, gives a correlation of 1 and 160 neighbours.
TEST_F(LayoutFixture, SlotOrderTellsNeitherArrivalOrderNorLinkage) {
  constexpr int kSubmissions = 40, kPerSubmission = 5;
  ASSERT_TRUE(store->allocate_slots(kDropBytes, 1024).ok());
  const auto size_empty = size_or_zero(path());
  std::vector<Bytes> drops;
  for (int s = 0; s < kSubmissions; ++s) {
    std::vector<Bytes> submission;
    for (int i = 0; i < kPerSubmission; ++i) submission.push_back(crypto::random_bytes(kDropBytes));
    std::vector<ByteView> views(submission.begin(), submission.end());
    ASSERT_TRUE(store->put_drops(views, std::uint64_t{1} << 40).ok());
    // Nothing in the WAL tells what this commit held: it is empty again.
    EXPECT_EQ(size_or_zero(wal()), 0u) << "after submission " << s;
    drops.insert(drops.end(), submission.begin(), submission.end());
  }
  // The file's size says nothing about how many drops came.
  EXPECT_EQ(size_or_zero(path()), size_empty);
  store.reset();

  auto where = pages_of(drops, test::decrypt_sqlcipher_file(path(), key));
  for (std::size_t i = 0; i < where.size(); ++i) ASSERT_NE(where[i], 0u) << "drop " << i << " not found in the file";

  // Spearman's rank correlation between arrival and position in the file.
  std::vector<std::uint32_t> arrival(drops.size());
  std::iota(arrival.begin(), arrival.end(), 0);
  auto ra = ranks(arrival), rp = ranks(where);
  double n = static_cast<double>(drops.size()), d2 = 0;
  for (std::size_t i = 0; i < drops.size(); ++i) d2 += (ra[i] - rp[i]) * (ra[i] - rp[i]);
  double rho = 1 - 6 * d2 / (n * (n * n - 1));
  EXPECT_LT(std::abs(rho), 0.35) << "position in the file follows arrival order";

  // Drops of one submission side by side in file order.
  std::vector<std::size_t> by_position(drops.size());
  std::iota(by_position.begin(), by_position.end(), 0);
  std::sort(by_position.begin(), by_position.end(), [&](auto a, auto b) { return where[a] < where[b]; });
  int neighbours = 0;
  for (std::size_t i = 1; i < by_position.size(); ++i)
    neighbours += by_position[i] / kPerSubmission == by_position[i - 1] / kPerSubmission ? 1 : 0;
  EXPECT_LE(neighbours, 20) << "drops of one submission lie together";
}

// After a purge, no 8-byte run of a purged drop is left in the store or its
// WAL (while the store is still open, as under `serve`), and the drops kept
// are all still there (so the decryption really reads the pages).
TEST_F(LayoutFixture, PurgedDropsLeaveNoBytesInStoreOrWal) {
  ASSERT_TRUE(store->allocate_slots(kDropBytes, 128).ok());
  std::vector<Bytes> drops;
  for (int s = 0; s < 10; ++s) {
    std::vector<Bytes> batch;
    for (int i = 0; i < 4; ++i) batch.push_back(crypto::random_bytes(kDropBytes));
    std::vector<ByteView> views(batch.begin(), batch.end());
    ASSERT_TRUE(store->put_drops(views, std::uint64_t{1} << 40).ok());
    drops.insert(drops.end(), batch.begin(), batch.end());
  }
  std::vector<DropId> purge;
  std::unordered_set<std::uint64_t> purged_words;
  for (std::size_t i = 0; i < drops.size(); i += 2) {
    purge.push_back(drop_id(drops[i]));
    for (std::size_t off = 0; off + 8 <= drops[i].size(); off += 8) purged_words.insert(word_at(drops[i].data() + off));
  }
  auto deleted = store->delete_drops(purge);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  ASSERT_EQ(*deleted, purge.size());

  auto pages = test::decrypt_sqlcipher_file(path(), key);
  auto wal_pages = test::decrypt_sqlcipher_wal(wal(), key);
  pages.insert(pages.end(), wal_pages.begin(), wal_pages.end());
  std::size_t hits = 0;
  for (const auto& page : pages)
    for (std::size_t off = 0; off + 8 <= page.plaintext.size(); ++off)
      hits += purged_words.count(word_at(page.plaintext.data() + off));
  EXPECT_EQ(hits, 0u) << "bytes of purged drops remain in the store or its WAL";

  std::vector<Bytes> kept;
  for (std::size_t i = 1; i < drops.size(); i += 2) kept.push_back(drops[i]);
  auto where = pages_of(kept, pages);
  for (std::size_t i = 0; i < where.size(); ++i) EXPECT_NE(where[i], 0u) << "a kept drop is missing";
  EXPECT_EQ(store->counts()->drops, kept.size());
}

}  // namespace
}  // namespace cairn::relay
