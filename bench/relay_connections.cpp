// Many connections held open on a real cairn-relay over loopback, and a real
// submission among them (scripts/relay-connections.sh; not run by ctest: it
// needs about 2 × N file descriptors and a minute or two):
//
//   cairn_bench_relay_connections [--connections N] [--relay PATH] [--default-timeouts]
//
// Phase 1 opens N TCP connections that send nothing (idle, before message 1);
// phase 2 closes them and opens N that complete the Noise handshake and then
// wait. In each phase a `cairn submit` of a text and a 200 KB file (seven
// drops) must be acknowledged, and the relay must still be running at the
// end. Reports the relay's peak RSS, its mappings and its open descriptors.
// Exit status 0 only if every step succeeded.
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cstring>
#include <iostream>

#include "bench_support.h"
#include "client/relay_connection.h"
#include "client/submit.h"
#include "relay_process.h"

namespace cairn {
namespace {

struct Options {
  int connections = 10000;
  bool default_timeouts = false;  // the relay's own deadlines: idle connections are closed after 5 s
  std::string relay = CAIRN_RELAY_BINARY;
};

Options parse(int argc, char** argv) {
  Options o;
  bench::parse_options(argc, argv, [&o](const std::string& a, const auto& value) {
    if (a == "--connections") o.connections = std::stoi(value());
    else if (a == "--relay") o.relay = value();
    else if (a == "--default-timeouts") o.default_timeouts = true;
    else return false;
    return true;
  });
  if (o.connections < 1) bench::die("bad options");
  return o;
}

std::size_t count_lines(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::size_t n = 0;
  while (std::getline(f, line)) ++n;
  return n;
}

std::size_t count_fds(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 && ::waitpid(pid, nullptr, WNOHANG) == 0; }

bool submit_one(const crypto::DropAddress& address, const test::TestDeployment& d) {
  client::SubmissionInput in;
  in.text = "a testimony among many connections";
  Bytes file(200000);
  for (std::size_t i = 0; i < file.size(); ++i) file[i] = static_cast<std::uint8_t>(i * 7);
  in.attachments.push_back({"file.bin", "application/octet-stream", file, client::Metadata::kept});
  client::SubmitOptions o;
  o.connect.direct = true;
  o.connect.connect_timeout = std::chrono::seconds(30);
  o.connect.io_timeout = std::chrono::seconds(60);
  auto r = client::submit(address, in, o, d.today);
  if (!r.ok()) {
    std::cerr << "submission failed: " << r.error().message << "\n";
    return false;
  }
  return r->drops_acknowledged == r->drops_total;
}

void report(const char* phase, int held, const bench::Relay& relay, bool submitted) {
  std::cout << "| " << phase << " | " << held << " | " << (submitted ? "acknowledged" : "FAILED") << " | "
            << static_cast<double>(bench::proc_status_kb(relay.pid, "VmRSS")) / 1024.0 << " MiB | "
            << static_cast<double>(bench::proc_status_kb(relay.pid, "VmHWM")) / 1024.0 << " MiB | "
            << count_lines("/proc/" + std::to_string(relay.pid) + "/maps") << " | " << count_fds(relay.pid) << " |\n"
            << std::flush;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  using namespace cairn;
  using namespace std::chrono_literals;
  auto o = parse(argc, argv);
  // This process holds N descriptors (and the relay another N).
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < static_cast<rlim_t>(o.connections) + 64)
    bench::die("the file limit (" + std::to_string(lim.rlim_cur) + ") is too low for " +
               std::to_string(o.connections) + " connections; raise it with ulimit -Hn");

  bench::TempDir dir;
  test::TestDeployment deployment(2);
  const std::string ms = "600000";
  std::vector<std::string> serve{"--pow-bits", "0", "--max-connections", std::to_string(o.connections + 64)};
  if (!o.default_timeouts)
    serve.insert(serve.end(), {"--message1-timeout-ms", ms, "--handshake-timeout-ms", ms, "--idle-timeout-ms", ms,
                               "--session-lifetime-s", "3600"});
  auto relay = bench::start_relay(o.relay, dir, deployment, serve);
  std::cout << "| phase | connections held | submission | relay RSS | relay peak RSS | relay mappings | relay fds |\n"
            << "|---|---|---|---|---|---|---|\n";
  bool ok = true;
  {
    std::vector<int> idle;
    for (int i = 0; i < o.connections; ++i) {
      int fd = bench::connect_loopback(relay.port);
      if (fd < 0) {
        ::kill(relay.pid, SIGTERM);
        bench::die("connection " + std::to_string(i) + " failed: " + std::strerror(errno));
      }
      idle.push_back(fd);
    }
    std::this_thread::sleep_for(2s);  // let the relay accept them all
    bool submitted = submit_one(relay.address, deployment);
    ok = ok && submitted && alive(relay.pid);
    report("idle (before message 1)", o.connections, relay, submitted);
    for (int fd : idle) ::close(fd);
  }
  std::this_thread::sleep_for(2s);
  {
    std::vector<client::RelayConnection> held;
    held.reserve(static_cast<std::size_t>(o.connections));
    client::ConnectOptions c;
    c.direct = true;
    for (int i = 0; i < o.connections; ++i) {
      auto conn = client::RelayConnection::open(relay.address, c);
      if (!conn.ok()) {
        report("handshaken (waiting for a request)", i, relay, false);
        ::kill(relay.pid, SIGTERM);
        ::waitpid(relay.pid, nullptr, 0);
        bench::die("handshake " + std::to_string(i) + " failed: " + conn.error().message);
      }
      held.push_back(std::move(conn).value());
    }
    bool submitted = submit_one(relay.address, deployment);
    ok = ok && submitted && alive(relay.pid);
    report("handshaken (waiting for a request)", o.connections, relay, submitted);
  }
  bool still_up = alive(relay.pid);
  std::cout << "relay " << (still_up ? "still running" : "DIED") << "\n";
  ::kill(relay.pid, SIGTERM);
  int status = 0;
  ::waitpid(relay.pid, &status, 0);
  if (!still_up || !ok) {
    std::cerr << bench::slurp(dir.path() / "relay.log");
    return 1;
  }
  return 0;
}
