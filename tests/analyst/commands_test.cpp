// The cairn-analyst commands called as functions, without the command line:
// what analyst/main.cpp dispatches to.
#include "analyst/commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "support/capture_stdout.h"
#include "support/temp_dir.h"

namespace cairn::analyst {
namespace {

using test::CaptureStdout;

// A descriptor from which the passphrase reads as one line.
class PassphrasePipe {
 public:
  explicit PassphrasePipe(const std::string& line) {
    if (::pipe(fds_) != 0) throw std::runtime_error("pipe failed");
    std::string text = line + "\n";
    if (::write(fds_[1], text.data(), text.size()) != static_cast<ssize_t>(text.size()))
      throw std::runtime_error("write failed");
    ::close(fds_[1]);
  }
  ~PassphrasePipe() { ::close(fds_[0]); }
  int fd() const { return fds_[0]; }

 private:
  int fds_[2];
};

constexpr const char* kPassphrase = "correct horse battery staple";

CommandContext context_in(const test::TempDir& tmp, int passphrase_fd) {
  CommandContext g;
  g.vault = tmp / "vault";
  g.passphrase_fd = passphrase_fd;
  g.today = 20000;
  g.testing_build = true;  // the vaults here use the fast KDF
  return g;
}

TEST(AnalystCommands, InitThenAnalystAddAndList) {
  test::TempDir tmp;
  {
    PassphrasePipe p(kPassphrase);
    CaptureStdout out;
    ASSERT_EQ(init_command(context_in(tmp, p.fd()), "김 철수", true), 0);
    EXPECT_TRUE(out.text().starts_with("cairn-org1")) << out.text();
  }
  {
    PassphrasePipe p(kPassphrase);
    CaptureStdout out;
    ASSERT_EQ(analyst_add_command(context_in(tmp, p.fd()), "Анна"), 0);
    EXPECT_TRUE(out.text().starts_with("added analyst 'Анна' (identity key ")) << out.text();
  }
  PassphrasePipe p(kPassphrase);
  CaptureStdout out;
  ASSERT_EQ(analyst_list_command(context_in(tmp, p.fd())), 0);
  EXPECT_NE(out.text().find("김 철수  identity "), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("Анна  identity "), std::string::npos) << out.text();
}

TEST(AnalystCommands, OnlyTheTestBuildOpensAFastKdfVault) {
  test::TempDir tmp;
  {
    PassphrasePipe p(kPassphrase);
    CaptureStdout out;
    ASSERT_EQ(init_command(context_in(tmp, p.fd()), "kim", true), 0);
  }
  PassphrasePipe p(kPassphrase);
  auto shipped = context_in(tmp, p.fd());
  shipped.testing_build = false;
  int rc = 0;
  EXPECT_EQ(open_or_report(shipped, rc), nullptr);
  EXPECT_NE(rc, 0);
}

TEST(AnalystCommands, AWrongPassphraseOpensNothing) {
  test::TempDir tmp;
  {
    PassphrasePipe p(kPassphrase);
    CaptureStdout out;
    ASSERT_EQ(init_command(context_in(tmp, p.fd()), "kim", true), 0);
  }
  PassphrasePipe p("not the passphrase");
  int rc = 0;
  EXPECT_EQ(open_or_report(context_in(tmp, p.fd()), rc), nullptr);
  EXPECT_NE(rc, 0);
}

TEST(AnalystCommands, TestimonyKinds) {
  TestimonySummary s;
  s.state = TestimonyState::complete;
  EXPECT_EQ(testimony_kind(s), "text");
  s.attachments = 2;
  EXPECT_EQ(testimony_kind(s), "files(2)");
  s.state = TestimonyState::incomplete;
  EXPECT_EQ(testimony_kind(s), "incomplete");
}

}  // namespace
}  // namespace cairn::analyst
