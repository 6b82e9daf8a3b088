// The source's client end to end: `cairn submit --attach F --keep-metadata F`
// of a file of --size-mib MiB of random bytes to a real cairn-relay on
// loopback (proof of work 0, two analysts), against `age -r A -r B -o
// /dev/null F` on the same file in the same run: wall time, CPU time and
// peak RSS of each program (wait4). With --delay-ms D the client goes
// through a loopback proxy that holds every byte D ms in each direction and,
// with --mib-per-second B, passes at most B MiB/s each way: a Tor circuit on
// this machine. Then the bandwidth-limited time, bytes on the wire / B, is
// reported next to it.
//
//   cairn_bench_client_submit [--size-mib N] [--delay-ms D] [--mib-per-second B]
//                             [--drops-per-connection K] [--drop-size BYTES] [--cairn PATH] [--age PATH]
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <optional>
#include <deque>
#include <iostream>
#include <mutex>

#include "bench_support.h"
#include "crypto/age_x25519.h"
#include "crypto/drop_address.h"
#include "crypto/random.h"
#include "relay_process.h"

namespace cairn {
namespace {

struct Options {
  std::size_t size_mib = 256;
  int delay_ms = 0;
  double mib_per_second = 0;
  int drops_per_connection = 256;
  std::uint32_t drop_size = 32768;  // the key bundle's; the deployment default
  std::string cairn = CAIRN_CLIENT_BINARY;
  std::string relay = CAIRN_RELAY_BINARY;
  std::string age = "/usr/bin/age";
};

Options parse(int argc, char** argv) {
  Options o;
  bench::parse_options(argc, argv, [&o](const std::string& a, const auto& value) {
    if (a == "--size-mib") o.size_mib = std::stoul(value());
    else if (a == "--delay-ms") o.delay_ms = std::stoi(value());
    else if (a == "--mib-per-second") o.mib_per_second = std::stod(value());
    else if (a == "--drops-per-connection") o.drops_per_connection = std::stoi(value());
    else if (a == "--drop-size") o.drop_size = static_cast<std::uint32_t>(std::stoul(value()));
    else if (a == "--cairn") o.cairn = value();
    else if (a == "--age") o.age = value();
    else return false;
    return true;
  });
  return o;
}

struct Run {
  int status = -1;
  double wall = 0, cpu = 0;
  double peak_rss_mib = 0;
};

Run measure(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);
  Run r;
  pid_t pid = -1;
  auto start = bench::Clock::now();
  if (::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) bench::die("cannot start " + argv[0]);
  posix_spawn_file_actions_destroy(&fa);
  rusage ru{};
  int status = 0;
  ::wait4(pid, &status, 0, &ru);
  r.wall = bench::seconds_since(start);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  r.cpu = secs(ru.ru_utime) + secs(ru.ru_stime);
  r.peak_rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  return r;
}

// A loopback proxy that delivers every byte `delay` after it arrived, in
// order, each direction paced to at most `rate` bytes/s (0: unpaced).
class DelayProxy {
 public:
  DelayProxy(std::uint16_t target, std::chrono::milliseconds delay, double rate)
      : target_(target), delay_(delay), rate_(rate) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 64) != 0)
      bench::die("proxy: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~DelayProxy() {
    stop_ = true;
    ::shutdown(listen_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_);
    for (auto& t : threads_) t.join();
  }
  std::uint16_t port() const { return port_; }
  // Bytes delivered client → relay (0) and relay → client (1).
  std::uint64_t bytes(int dir) const { return bytes_[dir]; }

 private:
  void accept_loop() {
    for (;;) {
      int c = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) {
        if (stop_) return;
        continue;
      }
      int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(target_);
      if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(c);
        ::close(s);
        continue;
      }
      auto link = std::make_shared<Link>();
      link->fds[0] = c;
      link->fds[1] = s;
      for (int dir = 0; dir < 2; ++dir) {
        threads_.emplace_back([this, link, dir] { pump_in(*link, dir); });
        threads_.emplace_back([this, link, dir] { pump_out(*link, dir); });
      }
    }
  }
  struct Piece {
    bench::Clock::time_point due;
    Bytes bytes;
  };
  struct Direction {
    std::mutex m;
    std::condition_variable cv;
    std::deque<Piece> queue;
    bool closed = false;
  };
  struct Link {
    int fds[2] = {-1, -1};
    Direction dirs[2];  // 0: client → relay, 1: relay → client
    std::atomic<int> open{4};
    ~Link() {
      ::close(fds[0]);
      ::close(fds[1]);
    }
  };
  void pump_in(Link& l, int dir) {
    int from = l.fds[dir];
    Bytes buf(65536);
    for (;;) {
      ssize_t n = ::read(from, buf.data(), buf.size());
      auto& d = l.dirs[dir];
      std::lock_guard lock(d.m);
      if (n <= 0 || stop_) {
        d.closed = true;
        d.cv.notify_all();
        return;
      }
      d.queue.push_back({bench::Clock::now() + delay_, Bytes(buf.begin(), buf.begin() + n)});
      d.cv.notify_all();
    }
  }
  void pump_out(Link& l, int dir) {
    int to = l.fds[1 - dir];
    auto& d = l.dirs[dir];
    auto paced_until = bench::Clock::now();
    for (;;) {
      Piece p;
      {
        std::unique_lock lock(d.m);
        d.cv.wait(lock, [&] { return !d.queue.empty() || d.closed; });
        if (d.queue.empty()) {
          ::shutdown(to, SHUT_WR);
          return;
        }
        p = std::move(d.queue.front());
        d.queue.pop_front();
      }
      std::this_thread::sleep_until(p.due);
      if (rate_ > 0) {
        paced_until = std::max(paced_until, bench::Clock::now()) +
                      std::chrono::duration_cast<bench::Clock::duration>(
                          std::chrono::duration<double>(static_cast<double>(p.bytes.size()) / rate_));
        std::this_thread::sleep_until(paced_until);
      }
      bytes_[dir] += p.bytes.size();
      for (std::size_t done = 0; done < p.bytes.size();) {
        ssize_t w = ::send(to, p.bytes.data() + done, p.bytes.size() - done, MSG_NOSIGNAL);
        if (w <= 0) {
          ::shutdown(l.fds[dir], SHUT_RD);
          std::lock_guard lock(d.m);
          d.queue.clear();
          d.closed = true;
          break;
        }
        done += static_cast<std::size_t>(w);
      }
    }
  }

  std::uint16_t target_;
  std::chrono::milliseconds delay_;
  double rate_;
  int listen_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> bytes_[2]{0, 0};
  std::thread acceptor_;
  std::vector<std::thread> threads_;
};

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  using namespace cairn;
  auto o = parse(argc, argv);
  bench::TempDir dir;
  test::TestDeployment deployment(2);
  auto relay = bench::start_relay(o.relay, dir, deployment,
                                  {"--pow-bits", "0", "--drops-per-connection", std::to_string(o.drops_per_connection),
                                   "--quota-bytes", std::to_string(std::uint64_t{64} << 30)},
                                  o.drop_size);
  // The file: random bytes (nothing compresses), written once.
  auto file = (dir.path() / "video.mp4").string();
  {
    std::ofstream f(file, std::ios::binary);
    Bytes block(1 << 20);
    for (std::size_t i = 0; i < o.size_mib; ++i) {
      crypto::random_bytes(block);
      f.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size()));
    }
  }
  auto text = (dir.path() / "text.txt").string();
  std::ofstream(text) << "a video of the site";

  std::vector<std::string> age{o.age};
  for (const auto& a : deployment.analysts) age.insert(age.end(), {"-r", crypto::age::format_recipient(a.messaging.public_key)});
  age.insert(age.end(), {"-o", "/dev/null", file});
  auto age_run = measure(age, (dir.path() / "age.out").string(), (dir.path() / "age.err").string());
  if (age_run.status != 0) bench::die("age failed: " + bench::slurp(dir.path() / "age.err"));

  std::optional<DelayProxy> proxy;
  auto address = relay.address;
  if (o.delay_ms > 0) {
    proxy.emplace(relay.port, std::chrono::milliseconds(o.delay_ms), o.mib_per_second * 1024 * 1024);
    address.relays.front().port = proxy->port();
  }
  auto to = crypto::encode_drop_address(address);
  if (!to.ok()) bench::die(to.error().message);
  double cpu0 = bench::cpu_seconds(relay.pid);
  auto cairn_run = measure({o.cairn, "submit", "--direct", "--to", *to, "--text", text, "--attach", file,
                            "--keep-metadata", file},
                           (dir.path() / "cairn.out").string(), (dir.path() / "cairn.err").string());
  double relay_cpu = bench::cpu_seconds(relay.pid) - cpu0;
  if (cairn_run.status != 0) bench::die("cairn submit failed: " + bench::slurp(dir.path() / "cairn.err"));
  // About 368 bytes of each drop are the age header (two stanzas) and framing.
  const double drops = std::ceil(static_cast<double>(o.size_mib) * 1048576.0 / (o.drop_size - 368.0));

  std::cout << "file: " << o.size_mib << " MiB of random bytes, 2 recipients, drops of " << o.drop_size
            << " bytes, proof of work 0\n";
  if (o.delay_ms > 0)
    std::cout << "link: loopback proxy, " << o.delay_ms << " ms each way"
              << (o.mib_per_second > 0 ? ", " + std::to_string(o.mib_per_second) + " MiB/s each way" : "") << "\n";
  std::cout << "| program | wall | CPU (user + sys) | peak RSS |\n|---|---|---|---|\n";
  std::cout << "| age -r A -r B | " << age_run.wall << " s | " << age_run.cpu << " s | " << age_run.peak_rss_mib
            << " MiB |\n";
  std::cout << "| cairn submit | " << cairn_run.wall << " s | " << cairn_run.cpu << " s | " << cairn_run.peak_rss_mib
            << " MiB |\n";
  std::cout << "| cairn-relay (its CPU during the submission) | | " << relay_cpu << " s | "
            << static_cast<double>(bench::proc_status_kb(relay.pid, "VmHWM")) / 1024.0 << " MiB |\n";
  std::cout << "ratio cairn / age, wall: " << cairn_run.wall / age_run.wall << "\n";
  std::cout << "drops: about " << drops << "\n";
  if (proxy) {
    std::cout << "bytes through the proxy: " << proxy->bytes(0) << " client → relay, " << proxy->bytes(1)
              << " relay → client\n";
    if (o.mib_per_second > 0) {
      const double bound = static_cast<double>(proxy->bytes(0)) / (o.mib_per_second * 1048576.0);
      std::cout << "bandwidth-limited time (client → relay bytes / rate): " << bound
                << " s; ratio: " << cairn_run.wall / bound << "\n";
    }
  }
  ::kill(relay.pid, SIGTERM);
  ::waitpid(relay.pid, nullptr, 0);
  return 0;
}
