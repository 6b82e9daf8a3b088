// cairn-analyst's memory holds testimony and vault keys: it turns core dumps
// (and ptrace by same-user processes) off itself, whatever it was started with.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "support/process.h"
#include "support/temp_dir.h"

namespace cairn::analyst {
namespace {

using namespace std::chrono_literals;

TEST(AnalystHardening, TurnsCoreDumpsOff) {
  if (!test::allow_core_dumps_for_children()) GTEST_SKIP() << "core dumps are disabled for this test process";
  test::TempDir dir;
  // `init` waits for the passphrase on a pipe we keep open: the process is
  // alive and past main's first lines while we look at its limits.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<std::string> argv{test::binary("analyst/cairn-analyst"), "--vault", (dir / "vault").string(),
                                "--passphrase-fd", "0", "init", "--name", "kim", "--insecure-fast-kdf"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[0]);
  std::string limit;
  for (int i = 0; i < 200 && limit != "0"; ++i) {  // until main has run its first line (at most 4 s)
    limit = test::core_size_limit(pid);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(limit, "0");
  ::close(fds[1]);  // end of input: init gives up
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace
}  // namespace cairn::analyst
