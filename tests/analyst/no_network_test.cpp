// cairn-analyst never touches the network: it imports no socket function,
// works in a network namespace with no interfaces at all, and, traced, makes
// no Internet socket call in any command.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <regex>
#include <sstream>

#include "station.h"
#include "support/host_isolation.h"

namespace cairn::analyst {
namespace {

namespace fs = std::filesystem;

const std::string kKorean = "저는 러시아 건설 현장에서 일했습니다.";

// A vault with a certified relay and an export bundle holding one testimony.
struct Prepared {
  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
  fs::path bundle;

  Prepared() {
    station.init("kim");
    relay = std::make_unique<test::LocalRelay>(station.org());
    station.ok({"relay", "add", "relay-1", relay->keys_text()});
    station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
    client::SubmissionInput in;
    in.text = kKorean;
    in.attachments.push_back({"photo.jpg", "image/jpeg", Bytes(50000, 0x5a)});
    auto r = station.recipients(today_utc());
    relay->put(test::seal_all(test::submission_bodies(in, r), r));
    bundle = relay->export_to(station.path("export.tar"));
  }

  // The station's argv for a command, optionally behind a wrapper (unshare, strace).
  std::vector<std::string> argv(const std::vector<std::string>& wrapper, const std::vector<std::string>& args,
                                const fs::path& vault) const {
    std::vector<std::string> v = wrapper;
    v.insert(v.end(), {test::analyst_binary(), "--vault", vault.string(), "--passphrase-fd", "0"});
    v.insert(v.end(), args.begin(), args.end());
    return v;
  }
};

TEST(NoNetwork, TheProgramImportsNoSocketFunction) {
  auto nm = test::find_in_path("nm");
  ASSERT_TRUE(nm) << "nm (binutils) is needed for this check";
  // The shipped program, and the test build the other tests run.
  for (const auto& program : {test::shipped_analyst_binary(), test::analyst_binary()}) {
    auto r = test::run_capture({nm->string(), "-D", "--undefined-only", program});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_NE(r.out.find("sqlite3_"), std::string::npos) << "nm listed nothing useful";
    for (const char* symbol : {"socket", "connect", "bind", "listen", "accept", "accept4", "getaddrinfo",
                               "gethostbyname", "sendto", "recvfrom", "sendmsg", "recvmsg"}) {
      std::regex imported(std::string("\\b") + symbol + "(@|\\s|$)");
      EXPECT_FALSE(std::regex_search(r.out, imported)) << program << " imports " << symbol;
    }
  }
}

TEST(NoNetwork, ImportListShowWorkWithNoNetworkAtAll) {
  auto unshare = test::find_in_path("unshare");
  ASSERT_TRUE(unshare) << "unshare (util-linux) is needed for this test";
  const auto netns = test::without_network(*unshare);
  if (netns.empty())
    GTEST_SKIP() << "this host allows no new network namespace (neither unshare -rn nor, as root, unshare -n)";
  Prepared p;
  auto input = p.station.passphrase() + "\n";
  // No interface at all inside, not even loopback up: prove it.
  auto inside = netns;
  inside.insert(inside.end(), {"cat", "/proc/net/dev"});
  auto ip = test::run_capture(inside);
  ASSERT_EQ(ip.exit_code, 0) << ip.err;
  EXPECT_EQ(ip.out.find("eth"), std::string::npos) << ip.out;

  auto imported = test::run_capture(
      p.argv(netns, {"import", p.bundle.string(), "--receipt", p.station.path("receipt").string()}, p.station.vault()),
      input);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("1 submission(s) completed"), std::string::npos) << imported.out;
  auto list = test::run_capture(p.argv(netns, {"list"}, p.station.vault()), input);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(kKorean), std::string::npos) << list.out;
  auto show = test::run_capture(p.argv(netns, {"show", "1"}, p.station.vault()), input);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(show.out, kKorean + "\n");
  EXPECT_TRUE(fs::exists(p.station.path("receipt")));
}

// LeakSanitizer cannot run under ptrace: in sanitizer builds, the traced
// programs run without leak checking (other builds ignore the variable).
class NoLeakCheckUnderTrace {
 public:
  NoLeakCheckUnderTrace() {
    if (const char* old = std::getenv("ASAN_OPTIONS")) saved_ = old;
    std::string options = saved_ ? *saved_ + ":detect_leaks=0" : "detect_leaks=0";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
  }
  NoLeakCheckUnderTrace(const NoLeakCheckUnderTrace&) = delete;
  NoLeakCheckUnderTrace& operator=(const NoLeakCheckUnderTrace&) = delete;
  ~NoLeakCheckUnderTrace() {
    if (saved_) ::setenv("ASAN_OPTIONS", saved_->c_str(), 1);
    else ::unsetenv("ASAN_OPTIONS");
  }

 private:
  std::optional<std::string> saved_;
};

TEST(NoNetwork, NoCommandMakesAnInternetSocketCall) {
  auto strace = test::find_in_path("strace");
  ASSERT_TRUE(strace) << "strace is not installed; run scripts/bootstrap.sh";
  if (auto why = test::ptrace_forbidden(*strace)) GTEST_SKIP() << *why;
  NoLeakCheckUnderTrace no_leak_check;
  Prepared p;
  auto fresh = p.station.path("fresh-vault");
  auto log = p.station.path("trace.log");
  std::vector<std::string> traced{strace->string(), "-f", "-qq", "-e", "trace=socket,connect,bind,sendto", "-o",
                                  log.string()};
  auto input = p.station.passphrase() + "\n";

  // The control: the same tracing does see the source's tool open an Internet socket.
  auto address = test::first_line(
      p.station.ok({"keys", "address", "--relay", "relay-1", "--host", "127.0.0.1", "--port", "9"}).out);
  test::write_file(p.station.path("text.txt"), as_bytes("x"));
  auto client = traced;
  client.insert(client.end(), {test::binary("client/cairn"), "submit", "--direct", "--to", address, "--text",
                               p.station.path("text.txt").string()});
  test::run_capture(client);
  ASSERT_NE(test::read_text(log).find("AF_INET"), std::string::npos) << "strace saw no socket of the client";

  struct Step {
    std::vector<std::string> args;
    fs::path vault;
  };
  std::vector<Step> steps{
      {{"init", "--name", "park", "--insecure-fast-kdf"}, fresh},
      {{"analyst", "add", "lee"}, fresh},
      {{"relay", "add", "relay-1", p.relay->keys_text()}, fresh},
      {{"keys", "rotate"}, fresh},
      {{"keys", "bundle", "--out", p.station.path("fresh-keys.cairn").string()}, fresh},
      {{"keys", "address", "--relay", "relay-1", "--host", "relay.example.org", "--port", "443", "--qr",
        p.station.path("address.png").string()},
       fresh},
      {{"keys", "export-age-identity", "--out", p.station.path("identity.txt").string()}, fresh},
      {{"import", p.bundle.string(), "--receipt", p.station.path("receipt").string()}, p.station.vault()},
      {{"list"}, p.station.vault()},
      {{"show", "1"}, p.station.vault()},
      {{"extract", "1", "--out", p.station.path("out").string()}, p.station.vault()},
  };
  for (const auto& step : steps) {
    SCOPED_TRACE(step.args[0]);
    auto r = test::run_capture(p.argv(traced, step.args, step.vault), input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto trace = test::read_text(log);
    EXPECT_EQ(trace.find("AF_INET"), std::string::npos) << trace;  // AF_INET and AF_INET6
    EXPECT_EQ(trace.find("connect("), std::string::npos) << trace;
    EXPECT_EQ(trace.find("socket("), std::string::npos) << "any socket at all: " << trace;
  }
}

}  // namespace
}  // namespace cairn::analyst
