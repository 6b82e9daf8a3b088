// A private Tor network on 127.0.0.1, in the spirit of the Tor Project's
// chutney (whose torrc templates taught the settings below), built from
// Debian's tor, tor-gencert and obfs4proxy: three directory authorities (also
// relays), three relays, an obfs4 bridge, and tor clients and onion services
// as a test asks. Every node has TestingTorNetwork 1 and only these
// authorities, all on 127.0.0.1, so nothing in it can reach anything off this
// machine; exits, if any circuit asked for one, exit only to 127.0.0.1. The
// network lives in one temporary directory; its destructor stops every
// process (SIGTERM, then SIGKILL) and removes every DataDirectory.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/loopback.h"
#include "support/process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/tor.h"

namespace cairn::test {

class TorNetwork {
 public:
  struct Node {
    std::string name;
    std::filesystem::path dir;
    std::unique_ptr<Process> process;
  };

  TorNetwork() {
    tor_ = find_in_path("tor").value_or("");
    gencert_ = find_in_path("tor-gencert").value_or("");
  }
  TorNetwork(const TorNetwork&) = delete;
  TorNetwork& operator=(const TorNetwork&) = delete;
  ~TorNetwork() { stop(); }

  // The lines every tor in this network has (clients included): the test
  // network, its authorities, and chutney's "rapid bootstrap" settings.
  std::vector<std::string> network_lines() const {
    std::vector<std::string> lines{"TestingTorNetwork 1", "PathsNeededToBuildCircuits 0.25"};
    lines.insert(lines.end(), authority_lines_.begin(), authority_lines_.end());
    return lines;
  }

  // Three authorities, three relays. Returns an explanation on failure.
  std::string start_core() {
    if (tor_.empty() || gencert_.empty()) return "tor or tor-gencert is missing: run scripts/bootstrap.sh";
    struct Planned {
      std::string name;
      std::uint16_t or_port, dir_port;
    };
    std::vector<Planned> authorities;
    for (int i = 0; i < 3; ++i) {
      Planned a{"auth" + std::to_string(i), fixed_loopback_port(), fixed_loopback_port()};
      auto dir = make_node_dir(a.name);
      std::filesystem::create_directories(dir / "keys");
      std::filesystem::permissions(dir / "keys", std::filesystem::perms::owner_all);
      auto gen = run_capture({gencert_.string(), "--create-identity-key", "-m", "12", "-a",
                              "127.0.0.1:" + std::to_string(a.dir_port), "-i", (dir / "keys/authority_identity_key").string(),
                              "-s", (dir / "keys/authority_signing_key").string(), "-c",
                              (dir / "keys/authority_certificate").string(), "--passphrase-fd", "0"},
                             "\n");
      if (gen.exit_code != 0) return "tor-gencert failed: " + gen.err;
      std::smatch m;
      auto cert = read_text(dir / "keys/authority_certificate");
      if (!std::regex_search(cert, m, std::regex("fingerprint ([0-9A-F]{40})"))) return "no v3 identity in " + cert;
      std::string v3ident = m[1];
      auto fp = run_capture({tor_.string(), "--quiet", "--ignore-missing-torrc", "--list-fingerprint", "--orport", "1",
                             "--dirserver", "x 127.0.0.1:1 ffffffffffffffffffffffffffffffffffffffff",
                             "--datadirectory", dir.string()});
      auto fingerprint = read_fingerprint(dir);
      if (fingerprint.empty()) return "tor --list-fingerprint failed: " + fp.err + fp.out;
      authority_lines_.push_back("DirAuthority " + a.name + " orport=" + std::to_string(a.or_port) +
                                 " no-v2 v3ident=" + v3ident + " 127.0.0.1:" + std::to_string(a.dir_port) + " " +
                                 fingerprint);
      authorities.push_back(a);
    }
    for (const auto& a : authorities) {
      auto lines = relay_lines(a.or_port, a.dir_port);
      for (const char* l : {"AuthoritativeDirectory 1", "V3AuthoritativeDirectory 1", "TestingV3AuthInitialVotingInterval 5",
                            "V3AuthVotingInterval 10", "TestingV3AuthInitialVoteDelay 2", "V3AuthVoteDelay 2",
                            "TestingV3AuthInitialDistDelay 2", "V3AuthDistDelay 2", "TestingDirAuthVoteExit *",
                            "TestingDirAuthVoteHSDir *", "TestingDirAuthVoteGuard *", "TestingMinExitFlagThreshold 0",
                            "V3AuthNIntervalsValid 2"})
        lines.push_back(l);
      if (auto err = start_node(a.name, lines); !err.empty()) return err;
    }
    for (int i = 0; i < 3; ++i)
      if (auto err = start_node("relay" + std::to_string(i), relay_lines(fixed_loopback_port(), fixed_loopback_port()));
          !err.empty())
        return err;
    return {};
  }

  // An obfs4 bridge (obfs4proxy as its server transport). Its bridge line,
  // as a client takes it, once obfs4proxy has written it.
  std::string start_obfs4_bridge(std::string& bridge_line, std::chrono::seconds timeout) {
    auto obfs4proxy = find_in_path("obfs4proxy");
    if (!obfs4proxy) return "obfs4proxy is missing: run scripts/bootstrap.sh";
    auto or_port = fixed_loopback_port(), pt_port = fixed_loopback_port();
    std::vector<std::string> lines{"ORPort 127.0.0.1:" + std::to_string(or_port), "Address 127.0.0.1",
                                   "AssumeReachable 1", "BridgeRelay 1", "PublishServerDescriptor 0",
                                   "ExitRelay 0", "ExitPolicy reject *:*", "SocksPort 0",
                                   "ServerTransportPlugin obfs4 exec " + obfs4proxy->string(),
                                   "ServerTransportListenAddr obfs4 127.0.0.1:" + std::to_string(pt_port),
                                   "ExtORPort auto"};
    if (auto err = start_node("bridge", lines); !err.empty()) return err;
    auto dir = root_ / "bridge";
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::smatch m;
    for (;;) {
      std::error_code ec;
      auto template_line = std::filesystem::exists(dir / "pt_state/obfs4_bridgeline.txt", ec)
                               ? read_text(dir / "pt_state/obfs4_bridgeline.txt")
                               : std::string();
      auto fingerprint = read_fingerprint(dir);
      if (!fingerprint.empty() && std::regex_search(template_line, m, std::regex("cert=([A-Za-z0-9+/]+) iat-mode=0"))) {
        bridge_line = "obfs4 127.0.0.1:" + std::to_string(pt_port) + " " + fingerprint + " cert=" + m[1].str() +
                      " iat-mode=0";
        return {};
      }
      if (std::chrono::steady_clock::now() > deadline) return "the obfs4 bridge wrote no bridge line: " + log_of("bridge");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  // A tor client or onion service with the given extra lines.
  std::string start_client(const std::string& name, const std::vector<std::string>& extra) {
    return start_node(name, extra);
  }

  std::filesystem::path dir_of(const std::string& name) const { return root_ / name; }
  std::string log_of(const std::string& name) const {
    std::error_code ec;
    auto p = root_ / name / "notice.log";
    return std::filesystem::exists(p, ec) ? read_text(p) : std::string("(no log)");
  }
  const std::filesystem::path& root() const { return root_.path(); }

  // Stops every node; true if every one exited within the bound.
  bool stop() {
    bool all = true;
    for (auto& n : nodes_) {
      if (!n.process || !n.process->running()) continue;
      ::kill(n.process->pid(), SIGTERM);
      if (!n.process->wait_for(std::chrono::seconds(10))) {
        n.process->kill_and_wait(SIGKILL);
        all = false;
      }
    }
    return all;
  }
  // The names of nodes whose tor has exited (with the end of their log).
  std::string dead_nodes() {
    std::string out;
    for (auto& n : nodes_)
      if (n.process && n.process->running() && n.process->wait_for(std::chrono::milliseconds(0)))
        out += n.name + " exited: " + read_text(n.dir / "stderr.log") + "\n";
    return out;
  }
  std::vector<pid_t> pids() const {
    std::vector<pid_t> out;
    for (const auto& n : nodes_)
      if (n.process && n.process->running()) out.push_back(n.process->pid());
    return out;
  }

 private:
  std::filesystem::path make_node_dir(const std::string& name) {
    auto dir = root_ / name;
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    return dir;
  }

  static std::string read_fingerprint(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / "fingerprint", ec)) return {};
    auto text = read_text(dir / "fingerprint");
    std::smatch m;
    return std::regex_search(text, m, std::regex(" ([0-9A-F]{40})")) ? m[1].str() : std::string();
  }

  static std::vector<std::string> relay_lines(std::uint16_t or_port, std::uint16_t dir_port) {
    return {"ORPort 127.0.0.1:" + std::to_string(or_port), "DirPort 127.0.0.1:" + std::to_string(dir_port),
            "Address 127.0.0.1", "AssumeReachable 1", "SocksPort 0",
            // Exits only to this machine.
            "ExitRelay 1", "ExitPolicyRejectPrivate 0", "ExitPolicy accept 127.0.0.1:*", "ExitPolicy reject *:*",
            "TestingServerDownloadInitialDelay 0", "TestingServerConsensusDownloadInitialDelay 0"};
  }

  std::string start_node(const std::string& name, const std::vector<std::string>& extra) {
    auto dir = make_node_dir(name);
    std::ofstream rc(dir / "torrc");
    rc << "DataDirectory " << dir.string() << "\nNickname " << name << "\nContactInfo " << name
       << "@test.invalid\nLog notice file " << (dir / "notice.log").string() << "\nShutdownWaitLength 0\n";
    for (const auto& l : network_lines()) rc << l << "\n";
    for (const auto& l : extra) rc << l << "\n";
    rc.close();
    Node n{name, dir, std::make_unique<Process>()};
    if (!n.process->start({tor_.string(), "-f", (dir / "torrc").string(), "--defaults-torrc", "/dev/null"},
                          (dir / "stderr.log").string()))
      return "cannot start tor for " + name;
    nodes_.push_back(std::move(n));
    return {};
  }

  TempDir root_;
  std::filesystem::path tor_, gencert_;
  std::vector<std::string> authority_lines_;
  std::vector<Node> nodes_;
};

}  // namespace cairn::test
