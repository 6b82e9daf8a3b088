// The free-space margin (relay/disk_space.h): the guard the committer asks
// before every commit, fed a free-space reading the test controls (the same
// Probe the relay fills with the store disk's statvfs), and `serve` refusing to
// start below the margin before SQLite touches the store. The same behaviour on
// a real full file system (ext4 with 1 KiB blocks, tmpfs) is the ENOSPC
// battery's job: scripts/crash-battery.sh, docs/RELIABILITY.md.
#include "relay/disk_space.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "crypto/random.h"
#include "relay/committer.h"
#include "relay/store.h"
#include "relay_peer.h"
#include "support/result.h"
#include "support/temp_dir.h"

namespace cairn::relay {
namespace {

using namespace std::chrono_literals;
using test::code_of;

constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;

// What the disk says is free, as the test sets it.
struct FakeDisk {
  std::atomic<std::uint64_t> free_bytes{0};
  std::atomic<bool> unreadable{false};
  FreeSpaceGuard::Probe probe() {
    return [this]() -> Result<std::uint64_t> {
      if (unreadable) return make_error(Errc::io, "cannot read the free space of /srv/relay: Input/output error");
      return free_bytes.load();
    };
  }
};

TEST(DiskSpace, AvailableBytesReadsTheFileSystemOfADirectoryAndNamesAMissingOne) {
  test::TempDir dir;
  auto avail = available_bytes(dir.path());
  ASSERT_TRUE(avail.ok()) << avail.error().message;
  EXPECT_GT(*avail, 0u);
  auto missing = available_bytes(dir / "no-such-dir");
  EXPECT_EQ(code_of(missing), Errc::io);
  if (!missing.ok()) {
    EXPECT_NE(missing.error().message.find("no-such-dir"), std::string::npos);
  }
}

TEST(DiskSpace, GuardAdmitsADropOnlyIfTheMarginStaysFreeAfterIt) {
  FakeDisk disk;
  FreeSpaceGuard guard(disk.probe(), 8 * kMiB);
  disk.free_bytes = 100 * kMiB;
  EXPECT_TRUE(guard.admit(0).ok());
  EXPECT_TRUE(guard.admit(kMiB).ok());               // 3 MiB of writes, 97 MiB left
  EXPECT_EQ(code_of(guard.admit(40 * kMiB)), Errc::unsafe);  // 120 MiB of writes do not fit
  disk.free_bytes = 8 * kMiB;                          // exactly the margin
  EXPECT_TRUE(guard.admit(0).ok());
  EXPECT_EQ(code_of(guard.admit(1)), Errc::unsafe);
}

TEST(DiskSpace, GuardRefusesBelowTheMarginSayingHowMuchIsFree) {
  FakeDisk disk;
  FreeSpaceGuard guard(disk.probe(), 64 * kMiB);
  disk.free_bytes = 5 * kMiB;
  auto st = guard.admit(32768);
  ASSERT_EQ(code_of(st), Errc::unsafe);
  EXPECT_NE(st.error().message.find("only 5120 KiB free"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("keeps 64 MiB free"), std::string::npos) << st.error().message;
}

TEST(DiskSpace, GuardFailsClosedWhenTheFreeSpaceCannotBeRead) {
  FakeDisk disk;
  disk.free_bytes = 1000 * kMiB;
  disk.unreadable = true;
  FreeSpaceGuard guard(disk.probe(), kMiB);
  auto st = guard.admit(32768);
  ASSERT_EQ(code_of(st), Errc::unsafe);
  EXPECT_NE(st.error().message.find("Input/output error"), std::string::npos);
}

TEST(DiskSpace, ZeroMarginNeverAsksTheDisk) {
  FakeDisk disk;
  disk.unreadable = true;
  FreeSpaceGuard guard(disk.probe(), 0);
  EXPECT_TRUE(guard.admit(std::uint64_t{1} << 40).ok());
}

// The commit path: while the disk is below the margin nothing is stored and
// every drop gets Errc::unsafe; once space is freed the same committer (no
// restart) stores again.
TEST(DiskSpace, CommitterRefusesDropsWhileLowAndTakesThemOnceSpaceIsFreed) {
  test::TempDir dir;
  auto key = crypto::random_secret(32);
  auto store = Store::create(dir / "relay.db", key);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ASSERT_TRUE((*store)->allocate_slots(32768, 8).ok());
  FakeDisk disk;
  disk.free_bytes = 10 * kMiB;
  FreeSpaceGuard guard(disk.probe(), 16 * kMiB);
  Committer committer(**store, {.quota_bytes = std::uint64_t{1} << 30, .max_batch = 64, .free_space = &guard});
  auto put = [&](Bytes drop) {
    auto done = std::make_shared<std::promise<Status>>();
    auto result = done->get_future();
    committer.submit(std::move(drop), [done](Result<PutOutcome> r) {
      done->set_value(r.ok() ? ok_status() : Status(r.error()));
    });
    return result.get();
  };

  for (int i = 0; i < 3; ++i) EXPECT_EQ(code_of(put(crypto::random_bytes(32768))), Errc::unsafe);
  EXPECT_EQ((*store)->counts()->drops, 0u);

  disk.free_bytes = 100 * kMiB;
  auto drop = crypto::random_bytes(32768);
  auto st = put(drop);
  EXPECT_TRUE(st.ok()) << st.error().message;
  committer.stop();
  EXPECT_EQ((*store)->counts()->drops, 1u);
  EXPECT_TRUE((*store)->get_drop(drop_id(drop)).ok());
}

// Below the margin `serve` exits with a message and a hint before SQLite has
// opened the store: no WAL index (-shm) is created, so nothing can be mapped
// over a hole of a full disk. No disk has 2^62 bytes free.
TEST(DiskSpace, ServeRefusesToStartBelowTheMarginWithoutOpeningTheStore) {
  test::RelayUnderTest r;
  r.init();
  test::Process p;
  ASSERT_TRUE(p.start(r.relay_cmd({"serve", "--listen", "127.0.0.1", "--port", std::to_string(test::free_loopback_port()),
                                   "--min-free-bytes", std::to_string(std::uint64_t{1} << 62)}),
                      r.log_path()));
  auto status = p.wait_for(10s);
  ASSERT_TRUE(status.has_value()) << "the relay started with 4 EiB required free";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << *status;
  auto log = r.log();
  EXPECT_NE(log.find("cairn: error: only "), std::string::npos) << log;
  EXPECT_NE(log.find("--min-free-bytes"), std::string::npos) << log;
  EXPECT_NE(log.find("cairn: hint: free space on the disk that holds the store"), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(r.dir / "relay/store.db-shm"));
  // With room to spare it serves as usual.
  r.serve({"--min-free-bytes", std::to_string(kMiB)});
  EXPECT_EQ(r.stop(), 0) << r.log();
}

// The relay preallocates its WAL index and holds the descriptor for as long
// as the store is open: closing it would drop SQLite's POSIX locks, and the
// next process to open the store (here `cairn-relay status`) would take
// itself for the first and truncate the index under the relay's mapping (the
// relay then died of SIGBUS in the kill -9 battery).
TEST(DiskSpace, WalIndexStaysPreallocatedWhenAnotherProcessOpensTheStore) {
  test::RelayUnderTest r;
  r.init();
  r.serve();
  auto shm = r.dir / "relay/store.db-shm";
  auto size = [&] {
    std::error_code ec;
    return std::filesystem::file_size(shm, ec);
  };
  EXPECT_EQ(size(), kWalIndexPreallocBytes);
  for (int i = 0; i < 3; ++i) {
    auto status = test::run_capture(r.relay_cmd({"status"}));
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(size(), kWalIndexPreallocBytes) << "another process truncated the relay's WAL index";
    test::expect_good_client_served(r, "after cairn-relay status");
  }
  EXPECT_EQ(r.stop(), 0) << r.log();
}

}  // namespace
}  // namespace cairn::relay
