// A real cairn-relay process on 127.0.0.1 for tests: initialised in a
// temporary directory, with a key bundle from a TestDeployment published,
// serving on a free port, stopped with SIGTERM at the end.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <algorithm>
#include <string>
#include <vector>

#include "crypto/key_text.h"
#include "relay/key_file.h"
#include "relay/store.h"
#include "support/deployment.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "wire/file_kind.h"

namespace cairn::test {

struct RelayUnderTest {
  TempDir dir;
  TestDeployment deployment;
  crypto::RelayPublicKeys relay_keys;
  std::uint16_t port = 0;
  Process process;
  // The shipped program; "relay/cairn-relay-testing" for a test switch (--test-max-pages).
  std::string program = "relay/cairn-relay";

  explicit RelayUnderTest(int analysts = 1) : deployment(analysts) {}

  std::string relay_dir() const { return (dir / "relay").string(); }
  std::vector<std::string> relay_cmd(std::initializer_list<std::string> rest) const {
    // The key file is named, so a $CREDENTIALS_DIRECTORY in the test's
    // environment (a CI job run by systemd) cannot swap in another key.
    std::vector<std::string> v{binary(program), "--dir", relay_dir(), "--key-file",
                               (dir / "relay" / "store.key").string()};
    v.insert(v.end(), rest);
    return v;
  }

  // init + publish. Returns false (with a gtest failure) if either fails.
  // quota_bytes: the store's capacity, pre-allocated by init (small, so tests stay quick).
  void init(std::uint32_t drop_size = 32768, std::uint64_t quota_bytes = std::uint64_t{32} << 20) {
    auto r = run_capture(relay_cmd({"init", "--organisation-key", deployment.org_text(), "--quota-bytes",
                                    std::to_string(quota_bytes)}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto line = r.out.substr(0, r.out.find('\n'));
    relay_keys = must(crypto::parse_relay_keys(line), "relay keys printed by init");
    auto file = dir / "bundle.cairn";
    {
      auto bytes = wire::wrap_file(wire::FileKind::key_bundle, deployment.bundle(relay_keys, drop_size));
      std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                  static_cast<std::streamsize>(bytes.size()));
    }
    auto p = run_capture(relay_cmd({"publish", file.string()}));
    ASSERT_EQ(p.exit_code, 0) << p.err;
  }

  // Starts `serve` on a port the kernel picks (--port 0) and reads the port
  // from the relay's "listening on port N" line: a port picked here and
  // handed over could be taken by another process in between.
  void serve(std::vector<std::string> extra = {}) {
    port = 0;
    auto cmd = relay_cmd({"serve", "--listen", "127.0.0.1", "--port", "0"});
    if (std::find(extra.begin(), extra.end(), "--pow-bits") == extra.end()) extra.insert(extra.end(), {"--pow-bits", "4"});
    cmd.insert(cmd.end(), extra.begin(), extra.end());
    auto offset = log_size(log_path());
    ASSERT_TRUE(process.start(cmd, log_path()));
    port = wait_for_logged_port(log_path(), offset, std::chrono::seconds(10));
    ASSERT_NE(port, 0) << "relay did not start: " << log();
    ASSERT_TRUE(wait_for_port(port, std::chrono::seconds(10))) << "relay did not start";
  }

  // SIGTERM, and the exit status (0 for a clean shutdown).
  int stop() {
    int status = process.kill_and_wait(SIGTERM);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // Everything the relay wrote to stderr (all its runs in this test).
  std::string log_path() const { return (dir / "relay.log").string(); }
  std::string log() const {
    std::ifstream f(log_path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }

  // The relay's store, opened in this process (stop the relay first).
  std::unique_ptr<relay::Store> open_store() const {
    auto key = must(relay::read_key_file(dir / "relay/store.key"), "relay store key");
    return must(relay::Store::open(dir / "relay/store.db", key), "relay store");
  }

  std::string address() const { return deployment.address(relay_keys.noise, "127.0.0.1", port); }
  crypto::DropAddress parsed_address() const { return must(crypto::parse_drop_address(address()), "address"); }
};

}  // namespace cairn::test
