// cairn-relay.service allows only the system calls of its SystemCallFilter=
// lines (@system-service, minus @privileged and @resources). No systemd runs
// here to enforce it, so this test checks it the other way round: it runs
// `serve` under strace through a start, a submission and a SIGTERM stop, and
// every system call the relay made must be in the set systemd-analyze
// expands the unit's filter to. A call outside it would fail with EPERM
// (SystemCallErrorNumber=EPERM) in the service.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "support/host_isolation.h"
#include "support/relay_fixture.h"
#include "support/subprocess.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

std::string tool(const std::string& name) {
  auto p = test::find_in_path(name);
  return p ? p->string() : name;
}

// The system calls a group (or a single call) stands for, with nested groups expanded.
std::set<std::string> expand(const std::string& group, int depth = 0) {
  std::set<std::string> calls;
  if (group[0] != '@') return {group};
  if (depth > 8) return calls;
  auto r = test::run_capture({tool("systemd-analyze"), "syscall-filter", "--no-pager", group});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '@' || line[0] != ' ') continue;
    auto name = line.substr(line.find_first_not_of(' '));
    if (name.empty() || name[0] == '#') continue;
    auto sub = expand(name, depth + 1);
    calls.insert(sub.begin(), sub.end());
  }
  return calls;
}

// What the unit's SystemCallFilter= lines allow, in order (a leading ~ removes).
std::set<std::string> allowed_by_unit(const std::string& unit) {
  std::set<std::string> allowed;
  std::istringstream lines(unit);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("SystemCallFilter=")) continue;
    std::string value = line.substr(std::string("SystemCallFilter=").size());
    const bool deny = !value.empty() && value[0] == '~';
    if (deny) value.erase(0, 1);
    std::istringstream items(value);
    for (std::string item; items >> item;) {
      auto calls = expand(item);
      EXPECT_FALSE(calls.empty()) << item;
      for (const auto& c : calls) deny ? (void)allowed.erase(c) : (void)allowed.insert(c);
    }
  }
  return allowed;
}

pid_t only_child_of(pid_t parent) {
  std::ifstream f("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  pid_t child = 0;
  f >> child;
  return child;
}

TEST(ServiceUnit, ServeMakesOnlySystemCallsTheUnitAllows) {
  auto strace = test::find_in_path("strace");
  ASSERT_TRUE(strace) << "strace is not installed; run scripts/bootstrap.sh";
  if (auto why = test::ptrace_forbidden(*strace)) GTEST_SKIP() << *why;
  const auto allowed = allowed_by_unit(test::read_text(fs::path(CAIRN_SOURCE_DIR) / "packaging/cairn-relay.service"));
  ASSERT_GT(allowed.size(), 100u);
  ASSERT_TRUE(allowed.count("epoll_wait") && allowed.count("fdatasync") && allowed.count("mlock"));
  ASSERT_FALSE(allowed.count("setrlimit") || allowed.count("chown") || allowed.count("ptrace"));

  test::RelayUnderTest relay;
  relay.init(32768, 1 << 20);
  test::TempDir logs;
  const auto trace = logs / "strace.log";
  std::vector<std::string> cmd{strace->string(), "-f", "-qq", "-o", trace.string()};
  for (const auto& a : relay.relay_cmd({"serve", "--listen", "127.0.0.1", "--port", "0", "--pow-bits", "4"})) cmd.push_back(a);
  auto offset = test::log_size(relay.log_path());
  ASSERT_TRUE(relay.process.start(cmd, relay.log_path()));
  relay.port = test::wait_for_logged_port(relay.log_path(), offset, std::chrono::seconds(20));
  ASSERT_NE(relay.port, 0) << relay.log();

  const auto text = logs / "testimony.txt";
  std::ofstream(text) << "testimony\n";
  auto sent = test::run_capture({test::binary("client/cairn"), "submit", "--direct", "--to", relay.address(), "--text",
                                 text.string()});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;

  // SIGTERM to the relay itself (strace would detach on its own SIGTERM).
  pid_t serve = only_child_of(relay.process.pid());
  ASSERT_GT(serve, 0);
  ASSERT_EQ(::kill(serve, SIGTERM), 0);
  auto status = relay.process.wait_for(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value()) << relay.log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << relay.log();
  EXPECT_NE(relay.log().find("stopped cleanly"), std::string::npos) << relay.log();
  EXPECT_NE(relay.log().find("drops_stored="), std::string::npos) << relay.log();

  std::set<std::string> made;
  std::istringstream lines(test::read_text(trace));
  static const std::regex call(R"(^\d+\s+([a-z0-9_]+)\()");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, call)) made.insert(m[1].str());
  }
  ASSERT_TRUE(made.count("accept4") || made.count("accept")) << "strace saw no connection";
  ASSERT_TRUE(made.count("fdatasync") || made.count("fsync")) << "strace saw no commit";
  // SQLite gives a new journal its database's owner with fchown, but only
  // when it runs as root (os_unix.c, robustFchown); the service never does
  // (DynamicUser=yes), and a refused fchown would be ignored anyway.
  if (::geteuid() == 0) made.erase("fchown");
  std::string outside;
  for (const auto& c : made)
    if (!allowed.count(c)) outside += c + " ";
  EXPECT_EQ(outside, "") << "system calls the unit's filter refuses";
}

}  // namespace
}  // namespace cairn
