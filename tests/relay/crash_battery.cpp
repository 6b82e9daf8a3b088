// The kill -9 battery (run by scripts/crash-battery.sh, never by ctest; see
// docs/RELIABILITY.md). A real `cairn-relay serve` on 127.0.0.1 takes drops
// from concurrent clients (the durability tests' DropSenders) and is SIGKILLed
// at a random moment, over and over. After every kill the relay is started
// again on the store it left behind, and the battery checks, while it serves:
// PRAGMA integrity_check is ok, every drop whose ack a client received is in
// the store, and a new drop is acknowledged. The checked drops are then
// deleted (as a purge would), so the store stays small over 1,000 cycles.
//
// With --fill file, the file system holding the store (--store-dir: a small
// loop mount or tmpfs) is filled to ENOSPC by another file during the load.
// The relay must not acknowledge a drop it did not store, must not die, and
// must take drops again, without a restart, once the file is removed; a relay
// restarted while the disk is full must refuse to start with a clear message
// (not crash). With --fill drops, nothing is deleted: the relay's own drops
// fill the file system and it is killed and restarted on a full disk, cycle
// after cycle (the checks become cumulative: every ack since the start).
//
//   cairn_crash_battery [--cycles N] [--max-seconds S] [--threads N]
//                       [--store-dir DIR] [--fill file|drops] [--min-free-bytes B|none]
//                       [--relay PATH] [--seed N]
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "drop_senders.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;
using test::DropSenders;
using test::RelayPeer;
using test::RelayUnderTest;
using Clock = std::chrono::steady_clock;

struct Options {
  int cycles = 1000;
  double max_seconds = 3600;
  int threads = 3;
  std::string store_dir;  // empty: the relay directory is in the temporary directory
  enum class Fill { none, file, drops } fill = Fill::none;
  std::optional<std::uint64_t> min_free_bytes;  // passed to serve when given
  std::string relay = test::binary("relay/cairn-relay");
  unsigned seed = std::random_device{}();
};
Options g_options;

// One file that takes every free block of a file system, and gives them back.
class DiskFiller {
 public:
  explicit DiskFiller(std::filesystem::path file) : file_(std::move(file)) {}
  ~DiskFiller() { release(); }
  DiskFiller(const DiskFiller&) = delete;
  DiskFiller& operator=(const DiskFiller&) = delete;

  // Writes until the file system answers ENOSPC even for 512 bytes.
  std::uint64_t fill() {
    int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return 0;
    std::vector<char> chunk(64 * 1024, 'x');  // not zeros: nothing may stay sparse
    std::uint64_t written = 0;
    for (std::size_t size = chunk.size(); size >= 512;) {
      auto n = ::write(fd, chunk.data(), size);
      if (n > 0) written += static_cast<std::uint64_t>(n);
      else if (n < 0 && errno == EINTR) continue;
      else size /= 2;
    }
    (void)::fsync(fd);
    ::close(fd);
    full_ = true;
    return written;
  }
  void release() {
    std::error_code ec;
    std::filesystem::remove(file_, ec);
    full_ = false;
  }
  bool full() const { return full_; }

 private:
  std::filesystem::path file_;
  bool full_ = false;
};

struct Totals {
  int cycles = 0;
  std::uint64_t acked = 0;              // acks clients received
  std::uint64_t lost = 0;               // acked, then not in the store after the restart
  std::uint64_t stored_not_acked = 0;   // committed, the ack lost to the kill (allowed)
  std::uint64_t refused = 0;            // drops answered with an error (quota, disk full)
  int restart_failures = 0;             // the relay did not come up when it should have
  int integrity_failures = 0;
  int serve_failures = 0;               // up, but a new drop was not acknowledged
  int died_before_kill = 0;             // the relay was already dead when SIGKILL came
  std::map<int, int> death_signals;     // signal -> count, for deaths not caused by us
  // --fill only
  int fills = 0;
  int refused_start_low_space = 0;      // exited cleanly with its message on a full disk
  int started_on_full_disk = 0;
  int resumed_without_restart = 0;
  int resume_failures = 0;
  int refused_start_store_full = 0;     // the relay's own store left less than the margin
  // --fill drops only
  int refused_while_full = 0;           // the after-restart drop refused: the disk is full
};

enum class Started { up, exited, died, timeout };

// Starts `serve` on the store as it is; up when the port answers.
Started start_relay(RelayUnderTest& r, int& status) {
  r.port = test::free_loopback_port();
  std::vector<std::string> cmd{g_options.relay, "--dir", r.relay_dir(), "serve", "--listen", "127.0.0.1",
                               "--port", std::to_string(r.port), "--pow-bits", "4"};
  if (g_options.min_free_bytes) {
    cmd.push_back("--min-free-bytes");
    cmd.push_back(std::to_string(*g_options.min_free_bytes));
  }
  status = 0;
  if (!r.process.start(cmd, r.log_path())) return Started::died;
  auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline) {
    if (test::wait_for_port(r.port, 50ms)) return Started::up;
    if (auto st = r.process.wait_for(0ms)) {
      status = *st;
      return WIFSIGNALED(*st) ? Started::died : Started::exited;
    }
  }
  status = r.process.kill_and_wait(SIGKILL);
  return Started::timeout;
}

// Free space and the store's files, for the report of a failed restart.
std::string describe_disk(const RelayUnderTest& r) {
  std::error_code ec;
  auto dir = std::filesystem::canonical(r.dir / "relay", ec);
  std::string out = "free " + std::to_string(std::filesystem::space(dir, ec).available >> 10) + " KiB;";
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    out += " " + e.path().filename().string() + "=" + std::to_string(e.is_regular_file() ? e.file_size() >> 10 : 0) + "KiB";
  return out;
}

std::string last_log_line(const RelayUnderTest& r) {
  auto log = r.log();
  while (!log.empty() && log.back() == '\n') log.pop_back();
  return log.substr(log.rfind('\n') + 1);
}

// While the relay serves: integrity, every acked drop present; then the
// stored drops are deleted so the next cycle starts small.
void check_store(const RelayUnderTest& r, const std::vector<relay::DropId>& acked, Totals& t) {
  auto store = test::open_relay_store(r);
  auto integrity = store->integrity_check();
  if (!integrity.ok()) {
    ++t.integrity_failures;
    ADD_FAILURE() << "cycle " << t.cycles << ": " << integrity.error().message;
  }
  auto ids = store->drop_ids();
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  std::set<relay::DropId> stored(ids->begin(), ids->end());
  std::set<relay::DropId> acked_set(acked.begin(), acked.end());
  std::uint64_t missing = 0, not_acked = 0;
  for (const auto& id : acked_set) missing += stored.count(id) == 0;
  for (const auto& id : stored) not_acked += acked_set.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "cycle " << t.cycles << ": acknowledged drops missing after the restart";
  if (g_options.fill == Options::Fill::drops) {
    // `acked` is every ack since the start and the store keeps every drop.
    t.acked = acked_set.size();
    t.lost = std::max(t.lost, missing);
    t.stored_not_acked = not_acked;
    return;
  }
  t.acked += acked_set.size();
  t.lost += missing;
  t.stored_not_acked += not_acked;
  auto deleted = store->delete_drops(*ids);
  EXPECT_TRUE(deleted.ok()) << (deleted.ok() ? "" : deleted.error().message);
  // SQLite never shrinks the WAL file by itself, and a relay that is always
  // killed never closes the store cleanly (which would): without this the WAL
  // ratchets up over hundreds of cycles until it fills a small disk. Best
  // effort: the relay may hold a read snapshot right now.
  (void)store->database().exec("PRAGMA wal_checkpoint(TRUNCATE);");
}

enum class Answer { acked, refused, none };

// One drop on a fresh connection (the id of an acknowledged one is kept).
Answer one_drop(const RelayUnderTest& r, std::vector<relay::DropId>& acked) {
  try {
    auto peer = RelayPeer::open(r.port, r.relay_keys.noise);
    if (!peer.ok()) return Answer::none;
    auto drop = test::random_drop();
    auto resp = peer->call(peer->put_drop(drop));
    if (!resp.ok()) return Answer::none;
    if (!resp->has_ack()) return Answer::refused;
    acked.push_back(relay::drop_id(drop));
    return Answer::acked;
  } catch (const std::exception&) {
    return Answer::none;
  }
}

// Starts the relay after a kill, freeing the disk if it refuses to start on a
// full one; false if it cannot be brought up at all.
bool restart(RelayUnderTest& r, DiskFiller* filler, Totals& t) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    int status = 0;
    auto how = start_relay(r, status);
    if (how == Started::up) {
      if (filler != nullptr && filler->full()) {
        ++t.started_on_full_disk;
        filler->release();
      }
      return true;
    }
    if (how == Started::exited && filler != nullptr && filler->full()) {
      ++t.refused_start_low_space;  // what we want on a full disk: a message, an exit status
      filler->release();
      continue;
    }
    if (how == Started::exited && last_log_line(r).find("cairn: hint: free space") != std::string::npos) {
      // The right answer, but the store itself fills the disk: nothing more to learn.
      ++t.refused_start_store_full;
      std::fprintf(stderr, "cycle %d: the store fills its file system (%s): the relay refuses to start; stopping\n",
                   t.cycles, describe_disk(r).c_str());
      return false;
    }
    ++t.restart_failures;
    if (how == Started::died) ++t.death_signals[WTERMSIG(status)];
    std::fprintf(stderr, "cycle %d: the relay did not start (%s); its log ends: %s; %s\n", t.cycles,
                 how == Started::died ? ("signal " + std::to_string(WTERMSIG(status))).c_str()
                 : how == Started::timeout ? "timeout" : "exited",
                 last_log_line(r).c_str(), describe_disk(r).c_str());
    if (filler != nullptr) filler->release();
  }
  return false;
}

TEST(CrashBattery, SigkillUnderLoadLosesNoAcknowledgedDrop) {
  const auto& o = g_options;
  std::mt19937 rng(o.seed);
  std::uniform_int_distribution<int> kill_after_ms(50, 800);
  std::uniform_int_distribution<int> fill_after_ms(20, 400);
  std::bernoulli_distribution free_before_kill(0.5);

  RelayUnderTest r;
  std::optional<DiskFiller> filler;
  if (!o.store_dir.empty()) {
    // The relay directory (store, key file) lives on the file system under
    // test; the relay's log stays in the temporary directory.
    auto target = std::filesystem::path(o.store_dir) / ("cairn-battery-" + std::to_string(::getpid()));
    std::filesystem::create_directories(target);
    std::filesystem::create_directory_symlink(target, r.relay_dir());
    if (o.fill == Options::Fill::file) filler.emplace(std::filesystem::path(o.store_dir) / "filler");
  }
  r.init();
  if (HasFatalFailure()) return;

  Totals t;
  std::vector<relay::DropId> pending;  // acked since the last check
  const auto started = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  for (; t.cycles < o.cycles && elapsed() < o.max_seconds; ++t.cycles) {
    if (!restart(r, filler ? &*filler : nullptr, t)) break;
    check_store(r, pending, t);
    if (o.fill != Options::Fill::drops) pending.clear();  // checked, and deleted
    // On a disk the drops filled, a refusal is the right answer; anything else must ack.
    auto answer = one_drop(r, pending);
    if (answer == Answer::refused && o.fill == Options::Fill::drops) ++t.refused_while_full;
    else if (answer != Answer::acked) {
      ++t.serve_failures;
      ADD_FAILURE() << "cycle " << t.cycles << ": the restarted relay did not acknowledge a drop";
    }

    DropSenders senders(r.port, r.relay_keys.noise, o.threads);
    if (filler) {
      std::this_thread::sleep_for(std::chrono::milliseconds(fill_after_ms(rng)));
      filler->fill();
      ++t.fills;
      std::this_thread::sleep_for(std::chrono::milliseconds(fill_after_ms(rng)));
      if (free_before_kill(rng)) {
        filler->release();
        bool resumed = false;
        for (int i = 0; i < 50 && !resumed; ++i) {
          resumed = one_drop(r, pending) == Answer::acked;
          if (!resumed) std::this_thread::sleep_for(100ms);
        }
        if (resumed) ++t.resumed_without_restart;
        else {
          ++t.resume_failures;
          ADD_FAILURE() << "cycle " << t.cycles << ": no drop acknowledged within 5 s after space was freed; "
                        << describe_disk(r);
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(rng)));
    int status = r.process.kill_and_wait(SIGKILL);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
      ++t.died_before_kill;
      if (WIFSIGNALED(status)) ++t.death_signals[WTERMSIG(status)];
      ADD_FAILURE() << "cycle " << t.cycles << ": the relay died before the kill; its log ends: " << last_log_line(r);
    }
    senders.stop();
    auto acked = senders.acked();
    t.refused += senders.refused();
    pending.insert(pending.end(), acked.begin(), acked.end());
  }
  // The store the last kill left behind, checked like the others, then a clean stop.
  if (restart(r, filler ? &*filler : nullptr, t)) {
    check_store(r, pending, t);
    EXPECT_EQ(r.stop(), 0) << last_log_line(r);
  }
  std::printf("# crash battery: seed %u, %d client threads, kill after 50-800 ms%s\n", o.seed, o.threads,
              o.fill == Options::Fill::file    ? ", store file system filled to ENOSPC by another file in each cycle"
              : o.fill == Options::Fill::drops ? ", store file system filled by the drops (none deleted)"
                                               : "");
  auto line = [](const char* name, double value) { std::printf("%-28s %12.0f\n", name, value); };
  line("cycles", t.cycles);
  line("seconds", elapsed());
  line("acked_drops", static_cast<double>(t.acked));
  line("lost_acked_drops", static_cast<double>(t.lost));
  line("stored_but_not_acked", static_cast<double>(t.stored_not_acked));
  line("refused_drops", static_cast<double>(t.refused));
  line("restart_failures", t.restart_failures);
  line("integrity_failures", t.integrity_failures);
  line("serve_failures", t.serve_failures);
  line("died_before_kill", t.died_before_kill);
  for (auto [sig, n] : t.death_signals) std::printf("%-28s %12d\n", ("deaths_by_signal_" + std::to_string(sig)).c_str(), n);
  if (o.fill == Options::Fill::drops) line("drops_refused_after_restart", t.refused_while_full);
  if (o.fill == Options::Fill::file) {
    line("fills_to_enospc", t.fills);
    line("refused_start_low_space", t.refused_start_low_space);
    line("started_on_full_disk", t.started_on_full_disk);
    line("resumed_without_restart", t.resumed_without_restart);
    line("resume_failures", t.resume_failures);
    line("refused_start_store_full", t.refused_start_store_full);
  }
  std::fflush(stdout);
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.restart_failures, 0);
  EXPECT_EQ(t.died_before_kill, 0);
  EXPECT_GT(t.acked, 0u);
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);  // takes --gtest_* and leaves ours
  auto& o = cairn::g_options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "crash battery: missing value after %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cycles") o.cycles = std::stoi(next());
    else if (a == "--max-seconds") o.max_seconds = std::stod(next());
    else if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--store-dir") o.store_dir = next();
    else if (a == "--fill") {
      auto v = next();
      if (v == "file") o.fill = cairn::Options::Fill::file;
      else if (v == "drops") o.fill = cairn::Options::Fill::drops;
      else {
        std::fprintf(stderr, "crash battery: --fill takes file or drops\n");
        return 2;
      }
    }
    else if (a == "--min-free-bytes") {
      auto v = next();  // "none": serve is not given the option (a relay from before it existed)
      o.min_free_bytes = v == "none" ? std::nullopt : std::optional<std::uint64_t>(std::stoull(v));
    }
    else if (a == "--relay") o.relay = next();
    else if (a == "--seed") o.seed = static_cast<unsigned>(std::stoul(next()));
    else {
      std::fprintf(stderr, "crash battery: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (o.fill != cairn::Options::Fill::none && o.store_dir.empty()) {
    std::fprintf(stderr, "crash battery: --fill needs --store-dir on a file system of its own\n");
    return 2;
  }
  return RUN_ALL_TESTS();
}
