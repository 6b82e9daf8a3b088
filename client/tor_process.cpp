#include "client/tor_process.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <spawn.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "client/tor_config.h"

extern char** environ;

#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::client {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kKeptOutputBytes = 4096;  // the end of what tor printed, for error messages
constexpr std::chrono::milliseconds kPollInterval{250};

bool on_ram(const std::filesystem::path& p) {
  struct statfs s {};
  if (::statfs(p.c_str(), &s) != 0) return false;
  return s.f_type == TMPFS_MAGIC || s.f_type == RAMFS_MAGIC;
}

std::string install_hint(std::string_view package) {
  return i18n::trf("install Debian's %1$s package (sudo apt install %1$s)", package);
}

// "\"127.0.0.1:39231\"" (GETINFO net/listeners/socks) -> 39231.
Result<std::uint16_t> listener_port(std::string_view text) {
  if (!text.empty() && text.front() == '"') text.remove_prefix(1);
  auto space = text.find_first_of("\" ");
  text = text.substr(0, space);
  auto colon = text.rfind(':');
  unsigned port = 0;
  if (colon != std::string_view::npos) {
    auto digits = text.substr(colon + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec == std::errc() && p == digits.data() + digits.size() && port > 0 && port <= 65535 &&
        text.substr(0, colon) == "127.0.0.1")
      return static_cast<std::uint16_t>(port);
  }
  return make_error(Errc::protocol, i18n::tr("tor did not report a loopback SOCKS port"));
}

}  // namespace

std::optional<std::filesystem::path> find_program(const EnvLookup& env, std::string_view name) {
  std::string path = env("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    auto dir = path.substr(start, end - start);
    if (!dir.empty() && dir.front() == '/') {  // relative PATH entries are ignored
      std::filesystem::path candidate = std::filesystem::path(dir) / name;
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

Result<std::filesystem::path> ram_directory(const EnvLookup& env) {
  if (auto runtime = env("XDG_RUNTIME_DIR"); runtime && !runtime->empty() && on_ram(*runtime))
    return std::filesystem::path(*runtime);
  if (on_ram("/dev/shm")) return std::filesystem::path("/dev/shm");
  return make_error(Errc::not_found, i18n::tr("this system has no RAM file system (XDG_RUNTIME_DIR or /dev/shm) for "
                                              "tor's data, and cairn does not write it to disk"));
}

Result<std::unique_ptr<PrivateTor>> PrivateTor::start(const PrivateTorOptions& options, std::string& hint) {
  auto tor_program = find_program(options.env, "tor");
  if (!tor_program) {
    hint = i18n::trf("%s, or start Tor Browser, and run the command again (cairn never connects without Tor unless "
                     "you add --direct)",
                     install_hint("tor"));
    return make_error(Errc::not_found, i18n::tr("no Tor is running on this machine, and tor is not installed"));
  }
  PrivateTorSettings settings;
  settings.bridges = options.bridges;
  settings.owner_pid = static_cast<long>(::getpid());
  for (const auto& b : options.bridges) {
    if (b.transport.empty() || settings.transport_programs.count(b.transport)) continue;
    auto t = transport_program(b.transport);
    if (!t) {
      hint = i18n::tr("use obfs4 or snowflake bridges");
      return make_error(Errc::unsupported, i18n::trf("bridges of type %s are not supported", b.transport));
    }
    auto program = find_program(options.env, t->program);
    if (!program) {
      hint = i18n::trf("%s, or use bridges of another type", install_hint(t->package));
      return make_error(Errc::not_found, i18n::trf("the %s bridge needs %s (Debian package %s), which is not installed",
                                                   b.transport, t->program, t->package));
    }
    settings.transport_programs[b.transport] = *program;
  }
  auto ram = ram_directory(options.env);
  if (!ram.ok()) {
    hint = i18n::tr("start Tor Browser (or the tor service) and run the command again");
    return ram.error();
  }
  std::string dir_template = (*ram / "cairn-tor-XXXXXX").string();
  if (::mkdtemp(dir_template.data()) == nullptr)
    return make_error(Errc::io, i18n::trf("cannot make a directory for tor in %s: %s", ram->string(), i18n::system_error(errno)));
  std::unique_ptr<PrivateTor> tor(new PrivateTor());
  tor->directory_ = dir_template;
  settings.directory = tor->directory_;
  CAIRN_TRY(auto torrc, private_torrc(settings));

  // tor reads its configuration from a pipe (-f -) and writes errors to another.
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return make_error(Errc::io, i18n::tr("cannot make a pipe for tor"));
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return make_error(Errc::io, i18n::tr("cannot make a pipe for tor"));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 2);
  std::string program = tor_program->string();
  std::vector<std::string> argv{program, "--defaults-torrc", "/dev/null", "-f", "-"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int spawned = ::posix_spawn(&tor->pid_, program.c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  tor->output_fd_ = out_pipe[0];
  if (spawned != 0) {
    tor->pid_ = -1;
    ::close(in_pipe[1]);
    return make_error(Errc::io, i18n::trf("cannot start %s: %s", program, i18n::system_error(spawned)));
  }
  ::fcntl(tor->output_fd_, F_SETFL, O_NONBLOCK);
  ::signal(SIGPIPE, SIG_IGN);  // a tor that dies while reading its configuration must not kill the client
  std::size_t written = 0;
  while (written < torrc.size()) {
    ssize_t n = ::write(in_pipe[1], torrc.data() + written, torrc.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(in_pipe[1]);

  std::string output;  // the end of what tor printed
  auto drain = [&] {
    char buf[1024];
    for (;;) {
      ssize_t n = ::read(tor->output_fd_, buf, sizeof buf);
      if (n <= 0) break;
      output.append(buf, static_cast<std::size_t>(n));
      if (output.size() > kKeptOutputBytes) output.erase(0, output.size() - kKeptOutputBytes);
    }
  };
  auto exited = [&]() -> std::optional<int> {
    int status = 0;
    if (::waitpid(tor->pid_, &status, WNOHANG) != tor->pid_) return std::nullopt;
    tor->pid_ = -1;
    drain();
    return status;
  };
  auto last_error_line = [&] {
    auto at = output.rfind("[err]");
    if (at == std::string::npos) return std::string();
    auto end = output.find('\n', at);
    return ": " + output.substr(at + 6, end == std::string::npos ? std::string::npos : end - at - 6);
  };

  // Until the control socket answers.
  const auto socket_path = tor->directory_ / kTorControlSocket;
  const auto cookie_path = tor->directory_ / kTorControlCookie;
  auto start_deadline = Clock::now() + kTorStartTimeout;
  for (;;) {
    drain();
    if (exited()) {
      hint = i18n::tr("reinstall Debian's tor package; if it keeps failing, start Tor Browser and run the command again");
      return make_error(Errc::io, i18n::tr("tor stopped as it started") + last_error_line());
    }
    std::error_code ec;
    if (std::filesystem::exists(socket_path, ec) && std::filesystem::exists(cookie_path, ec)) {
      auto control = TorControl::connect(socket_path, cookie_path, 10s);
      if (control.ok()) {
        tor->control_.emplace(std::move(control).value());
        break;
      }
    }
    if (Clock::now() > start_deadline) {
      hint = i18n::tr("try again; if it keeps failing, start Tor Browser and run the command again");
      return make_error(Errc::timeout, i18n::trf("tor did not start within %s seconds", kTorStartTimeout.count() / 1000));
    }
    std::this_thread::sleep_for(50ms);
  }
  // Owned: tor exits when this connection closes (when the client ends,
  // however it ends). Only then does it touch the network.
  auto& control = *tor->control_;
  CAIRN_CHECK(control.command("TAKEOWNERSHIP"));
  CAIRN_CHECK(control.command("RESETCONF __OwningControllerProcess"));
  CAIRN_CHECK(control.command("SETCONF DisableNetwork=0"));

  const std::string bridge_hint =
      options.bridges.empty()
          ? i18n::tr("Tor may be blocked here: add bridges with --bridge LINE or --bridges FILE (obfs4 or snowflake), "
                     "from the organisation or from https://bridges.torproject.org")
          : i18n::tr("the bridges may be blocked or offline: try other bridges, or another type (snowflake if obfs4 "
                     "fails, obfs4 if snowflake fails), from the organisation or from https://bridges.torproject.org");
  BootstrapPhase last;
  bool reported = false;
  auto deadline = Clock::now() + options.bootstrap_timeout;
  for (;;) {
    drain();
    if (exited()) {
      hint = bridge_hint;
      return make_error(Errc::io, i18n::tr("tor stopped while connecting to the Tor network") + last_error_line());
    }
    CAIRN_TRY(auto text, control.getinfo("status/bootstrap-phase"));
    CAIRN_TRY(auto phase, parse_bootstrap_phase(text));
    if (!reported || phase.progress != last.progress || phase.summary != last.summary) {
      if (options.progress) options.progress(phase.progress, phase.summary);
      reported = true;
    }
    last = phase;
    if (phase.progress >= 100) break;
    if (Clock::now() > deadline) {
      hint = bridge_hint;
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options.bootstrap_timeout).count();
      std::string stopped = std::to_string(last.progress) + "%: " + last.summary;
      if (!last.warning.empty()) stopped += i18n::trf("; tor says: %s", last.warning);
      return make_error(Errc::timeout, i18n::trf("tor could not connect to the Tor network within %s seconds (it "
                                                 "stopped at %s)",
                                                 seconds, stopped));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  CAIRN_TRY(auto listeners, control.getinfo("net/listeners/socks"));
  CAIRN_TRY(auto port, listener_port(listeners));
  tor->socks_ = ProxyUrl{"127.0.0.1", port};
  isolate_streams(tor->socks_);
  return tor;
}

PrivateTor::~PrivateTor() { stop(); }

void PrivateTor::stop() {
  control_.reset();  // tor owns nothing any more: it exits
  if (pid_ > 0) {
    auto wait_for = [this](std::chrono::milliseconds timeout) {
      auto deadline = Clock::now() + timeout;
      while (Clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) return true;
        std::this_thread::sleep_for(20ms);
      }
      return false;
    };
    if (!wait_for(kTorStopTimeout)) {
      ::kill(pid_, SIGTERM);
      if (!wait_for(2s)) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
      }
    }
    pid_ = -1;
  }
  if (output_fd_ >= 0) ::close(output_fd_);
  output_fd_ = -1;
  if (!directory_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
}

}  // namespace cairn::client
