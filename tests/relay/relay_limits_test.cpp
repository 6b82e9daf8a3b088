// The relay's limits against a real process: deadlines (slowloris), the
// connection cap, drops per connection, the byte quota, a full disk and
// running out of file descriptors. Each limit refuses the one peer it is about
// and keeps serving the others; refused work stores nothing.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "relay_peer.h"

namespace cairn {
namespace {

using test::RelayPeer;
using test::RelayUnderTest;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Sends `bytes` one byte per second until the relay closes the connection;
// returns how long that took (or nothing if it never did within `give_up`).
std::optional<std::chrono::milliseconds> trickle(RelayPeer& peer, ByteView bytes,
                                                 std::chrono::seconds give_up = 6s) {
  auto start = Clock::now();
  for (std::size_t i = 0; Clock::now() - start < give_up; ++i) {
    int fd = peer.socket().fd();
    std::uint8_t b = i < bytes.size() ? bytes[i] : 0;
    if (::send(fd, &b, 1, MSG_NOSIGNAL) < 0)
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 1000) > 0) {
      std::uint8_t buf[4096];
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    }
  }
  return std::nullopt;
}

TEST(RelayLimits, SlowlorisIsClosedAtTheDeadlineWhileOthersAreServed) {
  RelayUnderTest r;
  r.init();
  r.serve({"--handshake-timeout-ms", "1000", "--idle-timeout-ms", "1000", "--operation-timeout-ms", "1000"});
  const auto key = r.relay_keys.noise;

  std::atomic<int> closed_in_time{0};
  std::vector<std::thread> slow;
  auto expect_closed = [&](RelayPeer& p, ByteView bytes, const char* what) {
    auto took = trickle(p, bytes);
    EXPECT_TRUE(took.has_value()) << what << ": never closed";
    if (took && *took < 4s) ++closed_in_time;
    else if (took) ADD_FAILURE() << what << ": closed only after " << took->count() << " ms";
  };
  // 1. During the handshake.
  slow.emplace_back([&] {
    auto p = RelayPeer::connect(r.port);
    expect_closed(p, crypto::random_bytes(50), "handshake");
  });
  // 2. While waiting for a request.
  slow.emplace_back([&] {
    auto p = test::must(RelayPeer::open(r.port, key), "handshake");
    v1::Request req;
    req.mutable_get_key_bundle();
    expect_closed(p, test::must(p.seal(req), "seal"), "first record");
  });
  // 3. In the middle of a PutDrop: the first record arrives whole, the rest trickles.
  slow.emplace_back([&] {
    auto p = test::must(RelayPeer::open(r.port, key), "handshake");
    auto frames = test::must(p.seal(p.put_drop(test::random_drop())), "seal");
    ASSERT_TRUE(p.send_raw(ByteView(frames).first(crypto::kRecordFrameBytes)).ok());
    expect_closed(p, ByteView(frames).subspan(crypto::kRecordFrameBytes), "rest of a drop");
  });
  int good = 0;
  for (int i = 0; i < 3; ++i) {
    test::expect_good_client_served(r, "while slow clients trickle");
    ++good;
    std::this_thread::sleep_for(300ms);
  }
  for (auto& t : slow) t.join();
  EXPECT_EQ(closed_in_time.load(), 3);
  test::expect_good_client_served(r, "after the slow clients");
  ++good;
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), static_cast<std::uint64_t>(good));
}

// At the cap a new connection evicts the session idle longest; only when
// every session is in the middle of a request is the new one refused.
TEST(RelayLimits, AtTheCapTheOldestIdleSessionMakesRoom) {
  constexpr int kMax = 4, kExtra = 3;
  RelayUnderTest r;
  r.init();
  r.serve({"--max-connections", std::to_string(kMax), "--handshake-timeout-ms", "20000",
           "--message1-timeout-ms", "20000"});
  std::this_thread::sleep_for(200ms);  // let the fixture's port probe end
  std::vector<RelayPeer> held;
  for (int i = 0; i < kMax; ++i) {
    held.push_back(RelayPeer::connect(r.port));
    std::this_thread::sleep_for(50ms);  // a clear order of idleness
  }
  std::vector<RelayPeer> extra;
  for (int i = 0; i < kExtra; ++i) {
    extra.push_back(RelayPeer::connect(r.port));
    EXPECT_TRUE(held[i].closed_by_relay(2s)) << "the oldest idle connection " << i << " was not evicted";
  }
  EXPECT_FALSE(held[kMax - 1].closed_by_relay(100ms)) << "a younger idle connection was evicted";
  for (auto& p : extra) EXPECT_FALSE(p.closed_by_relay(100ms)) << "a new connection was refused";
  test::expect_good_client_served(r, "at the cap, with idle connections");

  // Every slot busy in a request (a PutDrop's first record, the rest pending):
  // nothing can be evicted, so a real client is turned away with an error.
  held.clear();
  extra.clear();
  std::this_thread::sleep_for(300ms);
  std::vector<RelayPeer> busy;
  for (int i = 0; i < kMax; ++i) {
    busy.push_back(test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake"));
    auto frames = test::must(busy.back().seal(busy.back().put_drop(test::random_drop())), "seal");
    ASSERT_TRUE(busy.back().send_raw(ByteView(frames).first(crypto::kRecordFrameBytes)).ok());
  }
  std::this_thread::sleep_for(200ms);
  auto refused = test::submit_text(r, "while full");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("may be busy"), std::string::npos) << refused.error().message;
  for (auto& p : busy) EXPECT_FALSE(p.closed_by_relay(100ms)) << "a busy session was evicted";
  busy.clear();
  std::this_thread::sleep_for(300ms);
  test::expect_good_client_served(r, "after the busy connections closed");
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 2u);
}

// Hundreds of idle and dribbling connections, refilled as the relay closes
// them, keep the relay at its cap; real `cairn submit` runs still succeed.
TEST(RelayLimits, IdleAndDribblingFloodAtTheCapDoesNotLockSourcesOut) {
  constexpr int kMax = 200, kDribblers = 40;
  RelayUnderTest r;
  r.init();
  r.serve({"--max-connections", std::to_string(kMax)});  // default deadlines: 5 s message 1, 30 s idle
  std::this_thread::sleep_for(200ms);
  std::atomic<bool> stop{false};
  std::atomic<int> opened{0};
  // Silent connections: TCP only, never a byte. Reopened whenever closed.
  std::thread idle_flood([&] {
    std::vector<RelayPeer> conns;
    for (int i = 0; i < kMax && !stop; ++i) {
      try {
        conns.push_back(RelayPeer::connect(r.port));
      } catch (const std::exception&) {
      }
      ++opened;
    }
    while (!stop) {
      for (auto& c : conns) {
        if (stop) break;
        pollfd p{c.socket().fd(), POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) {  // closed by the relay: come back at once
          try {
            c = RelayPeer::connect(r.port);
            ++opened;
          } catch (const std::exception&) {
          }
        }
      }
      std::this_thread::sleep_for(10ms);
    }
  });
  // Dribblers: a full handshake, then one byte of a record every 200 ms.
  std::thread dribble([&] {
    std::vector<RelayPeer> conns;
    for (int i = 0; i < kDribblers && !stop; ++i) {
      auto p = RelayPeer::open(r.port, r.relay_keys.noise);
      if (p.ok()) conns.push_back(std::move(p).value());
    }
    std::uint8_t b = 0x10;  // 0x1010 = 4112, a valid frame header: the record itself never completes
    while (!stop) {
      for (auto& c : conns) (void)::send(c.socket().fd(), &b, 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(200ms);
    }
  });
  while (opened < kMax) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(300ms);
  const std::string cairn = test::binary("client/cairn");
  auto text = r.dir / "testimony.txt";
  { std::ofstream(text) << "submitted during a flood of idle connections"; }
  int served = 0;
  for (int i = 0; i < 3; ++i) {
    auto run = test::run_capture({cairn, "submit", "--direct", "--to", r.address(), "--text", text.string()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    served += run.exit_code == 0 ? 1 : 0;
  }
  stop = true;
  idle_flood.join();
  dribble.join();
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), static_cast<std::uint64_t>(served));
  // The flood really held the cap: idle sessions were evicted to make room.
  std::smatch m;
  const std::string log = r.log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex("stopped cleanly: .*evicted_idle=([0-9]+)"))) << log;
  EXPECT_GT(std::stoul(m[1].str()), 0u) << log;
}

TEST(RelayLimits, DropsPerConnectionAreCappedAndTheClientReconnects) {
  RelayUnderTest r;
  r.init();
  r.serve({"--drops-per-connection", "2"});
  auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  EXPECT_EQ(peer.params().max_drops_per_connection(), 2u);
  for (int i = 0; i < 2; ++i) {
    auto resp = peer.call(peer.put_drop(test::random_drop()));
    ASSERT_TRUE(resp.ok()) << resp.error().message;
    EXPECT_TRUE(resp->has_ack());
  }
  auto over = peer.call(peer.put_drop(test::random_drop()));
  ASSERT_TRUE(over.ok()) << over.error().message;
  ASSERT_TRUE(over->has_error());
  EXPECT_EQ(over->error().code(), v1::ERROR_CODE_TOO_MANY_DROPS);
  EXPECT_TRUE(peer.closed_by_relay(2s));

  // A submission of several drops reconnects on its own every 2 drops.
  client::SubmissionInput in;
  in.text = "photos";
  in.attachments.push_back({"photo.jpg", "image/jpeg", crypto::random_bytes(150 * 1024)});
  auto report = client::submit(r.parsed_address(), in, test::quick_submit_options(), today_utc());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->drops_total, 4u);
  EXPECT_EQ(report->drops_acknowledged, report->drops_total);
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 2u + report->drops_total);
}

// A relay that would take no drops at all would send clients into an endless
// reconnect loop: the setting is refused at startup.
TEST(RelayLimits, ZeroDropsPerConnectionIsRefusedAtStartup) {
  RelayUnderTest r;
  r.init();
  test::Process p;
  ASSERT_TRUE(p.start(r.relay_cmd({"serve", "--listen", "127.0.0.1", "--port", "0", "--drops-per-connection", "0"}),
                      r.log_path()));
  auto status = p.wait_for(5s);
  ASSERT_TRUE(status.has_value()) << "the relay started with --drops-per-connection 0";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) != 0);
}

TEST(RelayLimits, QuotaRefusesDropsButKeepsServingKeys) {
  RelayUnderTest r;
  r.init();
  r.serve({"--quota-bytes", "40000"});  // room for one 32 KiB drop
  auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  auto first = peer.call(peer.put_drop(test::random_drop()));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->has_ack());
  auto second = peer.call(peer.put_drop(test::random_drop()));
  ASSERT_TRUE(second.ok()) << second.error().message;
  ASSERT_TRUE(second->has_error());
  EXPECT_EQ(second->error().code(), v1::ERROR_CODE_QUOTA_EXCEEDED);
  v1::Request get_bundle;
  get_bundle.mutable_get_key_bundle();
  auto bundle = peer.call(get_bundle);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(bundle->has_key_bundle());
  // The real client fetches keys, then is told the relay is full.
  auto report = test::submit_text(r, "to a full relay");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.code(), Errc::quota);
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 1u);
}

// The store is pre-allocated and drops are written in place, so a disk that
// cannot take one more page of the store does not stop drops from being
// stored (only allocating slots, at init or publish, needs free space).
TEST(RelayLimits, AFullDiskDoesNotStopAPreallocatedStore) {
  RelayUnderTest r;
  r.program = "relay/cairn-relay-testing";
  r.init();
  // The store may not grow past its current size (SQLITE_FULL), as on a full disk.
  r.serve({"--test-max-pages", "1"});
  auto peer = test::must(RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  for (int i = 0; i < 40; ++i) {
    auto resp = peer.call(peer.put_drop(test::random_drop()));
    ASSERT_TRUE(resp.ok()) << resp.error().message;
    ASSERT_TRUE(resp->has_ack()) << "drop " << i << " refused";
  }
  v1::Request get_bundle;
  get_bundle.mutable_get_key_bundle();
  auto bundle = peer.call(get_bundle);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(bundle->has_key_bundle());
  EXPECT_EQ(r.stop(), 0);
  auto store = test::open_relay_store(r);
  EXPECT_TRUE(store->integrity_check().ok());
  EXPECT_EQ(store->counts()->drops, 40u);
}

// CPU time (user + system) a process has used so far.
std::chrono::milliseconds cpu_time(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stol(field);  // utime, stime
  return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
}

// Out of file descriptors (EMFILE on accept): the relay neither spins on the
// pending connection nor stops accepting once descriptors are free again.
TEST(RelayLimits, RunningOutOfDescriptorsNeitherSpinsNorStopsTheRelay) {
  auto prlimit = test::find_in_path("prlimit");
  ASSERT_TRUE(prlimit.has_value()) << "prlimit (util-linux) is missing";
  RelayUnderTest r;
  r.init();
  auto cmd = r.relay_cmd({"serve", "--listen", "127.0.0.1", "--port", "0", "--pow-bits", "4"});
  cmd.insert(cmd.begin(), {prlimit->string(), "--nofile=40:40"});
  auto offset = test::log_size(r.log_path());
  ASSERT_TRUE(r.process.start(cmd, r.log_path()));
  r.port = test::wait_for_logged_port(r.log_path(), offset, 10s);
  ASSERT_NE(r.port, 0) << r.log();
  ASSERT_TRUE(test::wait_for_port(r.port, 10s));
  std::vector<RelayPeer> held;
  for (int i = 0; i < 60; ++i) held.push_back(RelayPeer::connect(r.port));  // more than the relay can hold
  std::this_thread::sleep_for(300ms);
  auto before = cpu_time(r.process.pid());
  std::this_thread::sleep_for(1500ms);
  auto used = cpu_time(r.process.pid()) - before;
  EXPECT_LT(used.count(), 300) << "the relay busy-loops while it cannot accept";
  held.clear();
  std::this_thread::sleep_for(500ms);
  test::expect_good_client_served(r, "after descriptors were freed");
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(test::stored_drops(r), 1u);
}

}  // namespace
}  // namespace cairn
