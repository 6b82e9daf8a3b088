// The wrappers some tests run programs in: strace (to see every system call)
// and unshare (to take the network away). Each tool is installed by
// scripts/bootstrap.sh, so a missing tool fails the test; what the host's
// kernel or container forbids (ptrace under a seccomp policy, user namespaces
// inside a chroot) is named in a skip, never a failure.
#pragma once

#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace cairn::test {

// Why `strace` cannot trace a child here, or nothing when it can.
inline std::optional<std::string> ptrace_forbidden(const std::filesystem::path& strace) {
  if (run({strace.string(), "-f", "-qq", "-o", "/dev/null", "true"}) == 0) return std::nullopt;
  return "this host forbids ptrace (strace -f true fails), which this test needs to watch system calls";
}

// The argv prefix that runs a program with no network at all: `unshare -rn`
// (a user namespace, no privilege needed), or `unshare -n` as root where user
// namespaces are refused (inside a chroot, for one). Empty when neither works.
inline std::vector<std::string> without_network(const std::filesystem::path& unshare) {
  if (run({unshare.string(), "-rn", "true"}) == 0) return {unshare.string(), "-rn"};
  if (::geteuid() == 0 && run({unshare.string(), "-n", "true"}) == 0) return {unshare.string(), "-n"};
  return {};
}

}  // namespace cairn::test
