// Load on a real cairn-relay over loopback: N client threads, each opening
// connections (a fresh Noise NK handshake each, through the real client's
// RelayConnection) and putting K drops per connection, for a fixed duration.
// Reports sustained acknowledged drops/s, latency per drop (request sent to
// ack received), the relay's CPU time per drop, and the relay's peak RSS.
//
//   cairn_bench_relay_load [--threads N] [--drops-per-connection K] [--seconds S]
//                          [--warmup S] [--pow-bits B] [--flood F] [--flood-kind junk|valid]
//                          [--workers W] [--relay PATH]
//
// --flood F adds F threads that do nothing but open connections and send a
// message 1, to measure handshakes/s and drops/s under such a flood next to
// the calm figures. --flood-kind junk (the default): 48 random bytes, which
// cost the relay one X25519 before they fail to authenticate; valid: a real
// initiator's message 1, which costs the relay the whole handshake (three
// X25519) — the flood thread reads message 2 and closes without a request.
// --workers W is passed to the relay (its worker threads; default: the
// relay's own default). The bounding primitive, X25519 operations per second
// on one thread, is measured in the same run, before the relay starts.
//
// It starts its own relay in a temporary directory (init, publish a key
// bundle, serve on a free loopback port). Drops are distinct random bytes of
// the drop size: the relay checks size and work, not content, and sealing real
// age files here would only take CPU away from the relay under test.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "relay_process.h"
#include "client/relay_connection.h"
#include "crypto/noise.h"
#include "crypto/pow.h"
#include "crypto/random.h"
#include "crypto/record.h"
#include "crypto/x25519.h"
#include "wire/protocol.h"
#include "support/deployment.h"
#include "wire/file_kind.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;

struct Options {
  int threads = 16;
  int drops_per_connection = 16;
  double seconds = 10;
  double warmup = 1;
  int pow_bits = 0;
  int flood = 0;
  bool flood_valid = false;
  int workers = 0;  // 0: the relay's default
  std::string relay = CAIRN_RELAY_BINARY;
};

Options parse(int argc, char** argv) {
  Options o;
  bench::parse_options(argc, argv, [&o](const std::string& a, const auto& next) {
    if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--drops-per-connection") o.drops_per_connection = std::stoi(next());
    else if (a == "--seconds") o.seconds = std::stod(next());
    else if (a == "--warmup") o.warmup = std::stod(next());
    else if (a == "--pow-bits") o.pow_bits = std::stoi(next());
    else if (a == "--flood") o.flood = std::stoi(next());
    else if (a == "--flood-kind") {
      const std::string kind = next();
      if (kind != "junk" && kind != "valid") bench::die("--flood-kind is junk or valid");
      o.flood_valid = kind == "valid";
    } else if (a == "--workers") o.workers = std::stoi(next());
    else if (a == "--relay") o.relay = next();
    else return false;
    return true;
  });
  if (o.threads < 1 || o.drops_per_connection < 1 || o.seconds <= 0 || o.workers < 0) bench::die("bad options");
  return o;
}

struct Shared {
  bench::Clock::time_point measure_from, measure_to;
  std::mutex mu;
  std::vector<double> latencies_us;  // acks inside the measurement window
  std::atomic<std::uint64_t> acked_in_window{0}, errors{0}, connections{0};
  std::atomic<std::uint64_t> handshakes_in_window{0}, flood_in_window{0};
};

// A framed message 1: random bytes, or a real initiator's (valid).
Bytes flood_message1(bool valid, const crypto::X25519Public& relay_key) {
  Bytes m1(crypto::kFrameLengthBytes + wire::kMessage1Bytes);
  put_u16be(m1.data(), static_cast<std::uint16_t>(wire::kMessage1Bytes));
  if (!valid) {
    crypto::random_bytes(MutableByteView(m1).subspan(crypto::kFrameLengthBytes));
    return m1;
  }
  auto hs = crypto::noise::make_nk_initiator(wire::prologue(), relay_key);
  if (!hs.ok()) bench::die(hs.error().message);
  auto written = hs->write_message(Bytes(wire::kRequestPayloadBytes));
  if (!written.ok() || written->size() != wire::kMessage1Bytes) bench::die("cannot write message 1");
  std::copy(written->begin(), written->end(), m1.begin() + crypto::kFrameLengthBytes);
  return m1;
}

// Connects, sends a message 1 and waits for the relay's answer: it closes
// after failing to authenticate junk, or sends message 2 for a valid one
// (then this side closes without a request). A valid message 1 is made once
// and replayed, as an attacker would: the relay cannot tell, and does the
// whole handshake each time.
void flood_thread(std::uint16_t port, bool valid, const crypto::X25519Public& relay_key, Shared& shared) {
  Bytes m1 = flood_message1(valid, relay_key);
  while (bench::Clock::now() < shared.measure_to) {
    if (!valid) crypto::random_bytes(MutableByteView(m1).subspan(crypto::kFrameLengthBytes));
    int fd = bench::connect_loopback(port);
    if (fd >= 0) {
      (void)::send(fd, m1.data(), m1.size(), MSG_NOSIGNAL);
      std::uint8_t b;
      (void)::recv(fd, &b, 1, 0);
      auto now = bench::Clock::now();
      if (now >= shared.measure_from && now < shared.measure_to) ++shared.flood_in_window;
      ::close(fd);
    }
  }
}

// X25519 operations per second on one thread: the bound on handshakes (the
// relay does one for a junk message 1, three for a whole handshake).
double x25519_per_s() {
  auto scalar = crypto::x25519_generate();
  auto point = crypto::x25519_generate().public_key;
  auto c = bench::cost_per_call(4000, [&] { (void)crypto::x25519(scalar.secret, point); });
  return 1e6 / c.wall_us;
}

void client_thread(const Options& o, const crypto::DropAddress& address, Shared& shared, int index) {
  client::ConnectOptions copts;
  copts.direct = true;  // a loopback relay: measure the relay, not Tor
  copts.connect_timeout = 10s;
  copts.io_timeout = 30s;
  Bytes drop = crypto::random_bytes(32768);
  put_u32be(drop.data(), static_cast<std::uint32_t>(index));
  std::uint32_t counter = 0;
  std::vector<double> latencies;
  while (bench::Clock::now() < shared.measure_to) {
    auto conn = client::RelayConnection::open(address, copts);
    if (!conn.ok()) {
      ++shared.errors;
      std::this_thread::sleep_for(10ms);
      continue;
    }
    ++shared.connections;
    if (auto now = bench::Clock::now(); now >= shared.measure_from && now < shared.measure_to)
      ++shared.handshakes_in_window;
    const auto& p = conn->relay_parameters();
    crypto::pow::Challenge challenge{};
    std::copy(p.pow_challenge().begin(), p.pow_challenge().end(), challenge.begin());
    for (int k = 0; k < o.drops_per_connection && bench::Clock::now() < shared.measure_to; ++k) {
      put_u32be(drop.data() + 4, ++counter);  // every drop distinct
      auto nonce = crypto::pow::solve(challenge, crypto::pow::context_for_drop(drop), p.pow_bits(), 1ull << 40);
      if (!nonce.ok()) bench::die("proof of work: " + nonce.error().message);
      v1::Request req;
      req.mutable_put_drop()->set_drop(drop.data(), drop.size());
      req.mutable_put_drop()->set_pow_nonce(nonce->data(), nonce->size());
      auto t0 = bench::Clock::now();
      auto resp = conn->call(req);
      auto t1 = bench::Clock::now();
      if (!resp.ok() || !resp->has_ack()) {
        ++shared.errors;
        break;
      }
      if (t1 >= shared.measure_from && t1 < shared.measure_to) {
        ++shared.acked_in_window;
        latencies.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      }
    }
  }
  std::lock_guard lock(shared.mu);
  shared.latencies_us.insert(shared.latencies_us.end(), latencies.begin(), latencies.end());
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  using namespace cairn;
  auto o = parse(argc, argv);
  const double x25519_rate = x25519_per_s();  // before the relay and the clients take the cores
  bench::TempDir dir;
  test::TestDeployment deployment(2);
  std::vector<std::string> serve{"--pow-bits", std::to_string(o.pow_bits), "--max-connections",
                                 std::to_string(o.threads * 2 + o.flood * 2 + 16), "--drops-per-connection",
                                 std::to_string(o.drops_per_connection), "--quota-bytes",
                                 std::to_string(std::uint64_t{64} << 30)};
  if (o.workers > 0) serve.insert(serve.end(), {"--workers", std::to_string(o.workers)});
  auto relay = bench::start_relay(o.relay, dir, deployment, serve);
  const crypto::X25519Public relay_key = relay.address.relays.front().relay_noise_key;

  Shared shared;
  shared.measure_from = bench::Clock::now() + std::chrono::duration_cast<bench::Clock::duration>(
                                                  std::chrono::duration<double>(o.warmup));
  shared.measure_to = shared.measure_from + std::chrono::duration_cast<bench::Clock::duration>(
                                                std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i)
    threads.emplace_back([&, i] { client_thread(o, relay.address, shared, i); });
  for (int i = 0; i < o.flood; ++i)
    threads.emplace_back([&] { flood_thread(relay.port, o.flood_valid, relay_key, shared); });
  std::this_thread::sleep_until(shared.measure_from);
  double cpu0 = bench::cpu_seconds(relay.pid);
  std::this_thread::sleep_until(shared.measure_to);
  double cpu1 = bench::cpu_seconds(relay.pid);
  for (auto& t : threads) t.join();
  long peak_rss_kb = bench::proc_status_kb(relay.pid, "VmHWM");
  ::kill(relay.pid, SIGTERM);
  int status = 0;
  ::waitpid(relay.pid, &status, 0);

  auto acked = shared.acked_in_window.load();
  std::printf("# relay load: %d client threads, %d drops per connection, %.0f s (after %.0f s warm-up), pow bits %d, "
              "%d flood threads (%s message 1), relay workers %s\n",
              o.threads, o.drops_per_connection, o.seconds, o.warmup, o.pow_bits, o.flood,
              o.flood_valid ? "valid" : "junk", o.workers > 0 ? std::to_string(o.workers).c_str() : "default");
  bench::report("x25519_per_s", x25519_rate, "op/s (one thread, wall)");
  bench::report("handshakes_per_s", static_cast<double>(shared.handshakes_in_window.load()) / o.seconds, "hs/s");
  bench::report("flood_message1_per_s", static_cast<double>(shared.flood_in_window.load()) / o.seconds, "conn/s");
  bench::report("drops_per_s", static_cast<double>(acked) / o.seconds, "drop/s");
  bench::report("latency_p50_ms", percentile(shared.latencies_us, 0.50) / 1000, "ms");
  bench::report("latency_p99_ms", percentile(shared.latencies_us, 0.99) / 1000, "ms");
  bench::report("relay_cpu_us_per_drop", acked ? (cpu1 - cpu0) * 1e6 / static_cast<double>(acked) : 0, "us");
  bench::report("relay_cpu_cores_used", (cpu1 - cpu0) / o.seconds, "cores");
  bench::report("relay_peak_rss_mib", static_cast<double>(peak_rss_kb) / 1024, "MiB");
  bench::report("connections", static_cast<double>(shared.connections.load()), "");
  bench::report("errors", static_cast<double>(shared.errors.load()), "");
  bench::report("relay_exit_status", WIFEXITED(status) ? WEXITSTATUS(status) : -1, "");
  return 0;
}
