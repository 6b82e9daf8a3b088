#include "common/hardening.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cairn {
namespace {

// In a child (so this test process keeps its own limits): after
// harden_process() the process is not dumpable (no core file, no ptrace by
// same-user processes) and its core size limit is 0, hard and soft.
TEST(Hardening, NoCoreDumpsAndNotDumpable) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1) ::_exit(10);  // the starting point is dumpable
    harden_process();
    rlimit core{};
    if (::getrlimit(RLIMIT_CORE, &core) != 0) ::_exit(11);
    if (core.rlim_cur != 0 || core.rlim_max != 0) ::_exit(12);
    if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) ::_exit(13);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Whatever umask the program inherits (0277 leaves a new directory
// unwritable, 0002 shares it with a group), what it creates is its owner's
// alone and writable by it.
TEST(Hardening, TheInheritedUmaskIsReplacedByOwnerOnly) {
  for (mode_t inherited : {mode_t{0277}, mode_t{0002}}) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::umask(inherited);
      harden_process();
      const mode_t now = ::umask(0);
      ::_exit(now == 077 ? 0 : 20);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "inherited umask " << std::oct << inherited;
  }
}

}  // namespace
}  // namespace cairn
