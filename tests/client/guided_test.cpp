// The guided mode driven as a person would, in a real terminal: tmux runs
// `cairn` in a pane (a private tmux server, -L, killed on every exit path),
// keys are typed with send-keys and the screen read with capture-pane. In
// Korean, a testimony with Korean text and a file reaches a relay on
// 127.0.0.1 and the analyst station reads both; Ctrl-C at three different
// steps sends nothing and leaves the terminal echoing (stty -a). Every wait
// is bounded: the whole file runs in a few tens of seconds.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "analyst/station.h"
#include "analyst/testimony.h"
#include "i18n/catalog.h"
#include "support/loopback.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::must;

// A tmux server of this test alone, running `shell_command` in one pane.
class Tmux {
 public:
  explicit Tmux(const std::string& shell_command) {
    static std::atomic<int> counter{0};
    socket_ = "cairn-guided-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    tmux_ = test::find_in_path("tmux");
    if (!tmux_) return;
    // A UTF-8 terminal whatever the host's locale (C.UTF-8 is built into glibc).
    auto r = run({"-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "50", "-s", "t", "env", "LC_ALL=C.UTF-8",
                  "/bin/sh", "-c", shell_command});
    started_ = r.exit_code == 0;
    if (started_) (void)run({"set-option", "-t", "t", "remain-on-exit", "on"});
  }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;
  ~Tmux() {
    if (tmux_) (void)run({"kill-server"});
  }
  bool started() const { return started_; }

  void type(const std::string& text) { (void)run({"send-keys", "-t", "t", "-l", text}); }
  void key(const std::string& name) { (void)run({"send-keys", "-t", "t", name}); }
  void line(const std::string& text) {
    type(text);
    key("Enter");
  }
  std::string screen() { return run({"capture-pane", "-p", "-J", "-t", "t", "-S", "-300"}).out; }

  // Waits (at most `limit`) until the screen shows `text`.
  bool wait_for(const std::string& text, std::chrono::milliseconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (screen().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

 private:
  test::RunResult run(std::vector<std::string> args) {
    std::vector<std::string> argv{tmux_->string(), "-u", "-L", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_capture(argv);
  }
  std::optional<fs::path> tmux_;
  std::string socket_;
  bool started_ = false;
};

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// cairn in the pane, in a locale that is not installed, then the exit status
// and the terminal's settings once it has ended. The shell survives Ctrl-C
// (a trap that runs a command, which cairn does not inherit).
std::string pane_command(const std::vector<std::string>& cairn_args) {
  std::string cmd = "trap 'true' INT; env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=ko_KR.UTF-8 " +
                    quoted(test::binary("client/cairn"));
  for (const auto& a : cairn_args) cmd += " " + quoted(a);
  return cmd + "; echo \"cairn exited: $?\"; stty -a | tr '\\n' ' '; echo; echo 'pane done'; sleep 60";
}

// stty -a prints "echo" when echo is on and "-echo" when it is off.
bool echo_is_on(const std::string& screen) {
  return std::regex_search(screen, std::regex("(^|[ ;])echo( |$)")) &&
         !std::regex_search(screen, std::regex("(^|[ ;])-echo( |$)"));
}

class Guided : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(test::find_in_path("tmux")) << "tmux is missing: run scripts/bootstrap.sh";
    ASSERT_TRUE(i18n::use_language(i18n::Language::korean, {std::string(CAIRN_BINARY_DIR) + "/locale"}).ok());
    station.init("kim");
    ASSERT_NO_FATAL_FAILURE(relay.start(station));
    address = relay.address();
  }
  void TearDown() override {
    (void)i18n::use_language(i18n::Language::english);
    if (relay.serving()) {
      EXPECT_EQ(relay.stop(), 0);
    }
  }

  test::Station station;
  test::RelayProcess relay;
  test::TempDir files;
  std::string address;
};

TEST_F(Guided, InKoreanATestimonyAndAFileReachTheAnalyst) {
  const std::string testimony_line1 = "석 달 동안 로임을 받지 못했습니다.";
  const std::string testimony_line2 = "감독원이 려권을 가져갔습니다.";
  const auto file = files / "wages.txt";
  test::write_file(file, as_bytes(std::string("2026-11: 0 rubles\n")));

  Tmux tmux(pane_command({"guide", "--direct"}));
  ASSERT_TRUE(tmux.started());
  ASSERT_TRUE(tmux.wait_for("[1/2/3]")) << tmux.screen();
  tmux.line("1");  // 조선말
  ASSERT_TRUE(tmux.wait_for(i18n::tr("What do you want to do?"))) << tmux.screen();
  tmux.line("1");
  ASSERT_TRUE(tmux.wait_for(i18n::tr("Paste the drop address (it starts with cairn1) and press Enter: ")))
      << tmux.screen();
  // A typo first: refused at once, with the checksum error, and asked again.
  std::string typo = address;
  typo[typo.size() / 2] = typo[typo.size() / 2] == 'q' ? 'p' : 'q';
  tmux.line(typo);
  ASSERT_TRUE(tmux.wait_for(i18n::tr("the drop address has a typo: a character is wrong or missing"))) << tmux.screen();
  tmux.line(address);
  ASSERT_TRUE(tmux.wait_for(i18n::tr("The drop address is correct."))) << tmux.screen();
  ASSERT_TRUE(tmux.wait_for(i18n::trf("Step %s of 6: %s", 2, i18n::tr("your testimony")))) << tmux.screen();
  tmux.line(testimony_line1);
  tmux.line(testimony_line2);
  tmux.line(".");
  ASSERT_TRUE(tmux.wait_for(i18n::tr("File (or Enter to go on): "))) << tmux.screen();
  tmux.line(file.string());
  ASSERT_TRUE(tmux.wait_for("wages.txt: " + i18n::tr("plain text, sent as it is (it has no hidden details)")))
      << tmux.screen();
  tmux.key("Enter");
  ASSERT_TRUE(tmux.wait_for(i18n::tr("Do you want to be able to read replies?"))) << tmux.screen();
  tmux.line("2");
  ASSERT_TRUE(tmux.wait_for(i18n::tr("Send it now?"))) << tmux.screen();
  EXPECT_NE(tmux.screen().find(i18n::trf("Testimony: %s lines", 2)), std::string::npos) << tmux.screen();
  EXPECT_NE(tmux.screen().find(i18n::trf("Files: %s", "wages.txt")), std::string::npos) << tmux.screen();
  EXPECT_EQ(relay.drops_stored(), 0u) << "something was sent before the source said yes";
  tmux.line("1");
  ASSERT_TRUE(tmux.wait_for("pane done", 30s)) << tmux.screen();
  const auto screen = tmux.screen();
  EXPECT_NE(screen.find("cairn exited: 0"), std::string::npos) << screen;
  EXPECT_NE(screen.find(i18n::tr("Your testimony has arrived. cairn saved nothing on this computer; the files you "
                                 "attached are still where they were: delete them if they could put you in danger.")),
            std::string::npos)
      << screen;
  EXPECT_TRUE(echo_is_on(screen)) << screen;

  // The analyst reads it.
  auto exported = files / "export.tar";
  ASSERT_EQ(relay.run({"export", "--out", exported.string()}).exit_code, 0);
  station.ok({"import", exported.string(), "--receipt", station.path("receipt.cairn").string()});
  auto v = station.open();
  auto all = must(analyst::list_testimonies(*v), "list");
  ASSERT_EQ(all.size(), 1u);
  auto t = must(analyst::load_testimony(*v, all[0].id), "load");
  EXPECT_EQ(t.text.text(), testimony_line1 + "\n" + testimony_line2 + "\n");
  v.reset();
  auto out = station.path("extracted");
  station.ok({"extract", std::to_string(all[0].id), "--out", out.string()});
  EXPECT_EQ(test::read_text(out / "wages.txt"), "2026-11: 0 rubles\n");
}

// Ctrl-C (1) at the drop address, (2) in the middle of the testimony, (3) at
// the codename prompt of "read replies", where echo is off: each time cairn
// dies of SIGINT, nothing reaches the relay, and the terminal echoes again.
TEST_F(Guided, CtrlCAtAnyStepSendsNothingAndLeavesTheTerminalSane) {
  struct Case {
    const char* name;
    std::vector<std::string> args;
    std::function<bool(Tmux&)> reach;  // types until the step where Ctrl-C is pressed
  };
  const std::string addr = address;
  const Case cases[] = {
      {"at the drop address, cairn started alone", {},
       [](Tmux& t) {
         if (!t.wait_for("[1/2/3]")) return false;
         t.line("1");
         if (!t.wait_for("[1/2]: ")) return false;
         t.line("1");
         if (!t.wait_for(i18n::tr("Paste the drop address (it starts with cairn1) and press Enter: "))) return false;
         t.type("cairn1qqq");
         return true;
       }},
      {"in the middle of the testimony", {"guide", "--direct"},
       [addr](Tmux& t) {
         if (!t.wait_for("[1/2/3]")) return false;
         t.line("1");
         if (!t.wait_for("[1/2]: ")) return false;
         t.line("1");
         if (!t.wait_for(i18n::tr("Paste the drop address (it starts with cairn1) and press Enter: "))) return false;
         t.line(addr);
         if (!t.wait_for(i18n::trf("Step %s of 6: %s", 2, i18n::tr("your testimony")))) return false;
         t.line("반쯤 쓴 증언");
         t.type("둘째 줄");
         return true;
       }},
      {"at the codename prompt (echo off)", {"guide", "--direct"},
       [addr](Tmux& t) {
         if (!t.wait_for("[1/2/3]")) return false;
         t.line("1");
         if (!t.wait_for("[1/2]: ")) return false;
         t.line("2");
         if (!t.wait_for(i18n::tr("Paste the drop address (it starts with cairn1) and press Enter: "))) return false;
         t.line(addr);
         if (!t.wait_for(i18n::tr("codename (12 words; typing is not shown): "))) return false;
         t.type("abandon ability");
         return true;
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Tmux tmux(pane_command(c.args));
    ASSERT_TRUE(tmux.started());
    ASSERT_TRUE(c.reach(tmux)) << tmux.screen();
    std::this_thread::sleep_for(200ms);
    tmux.key("C-c");
    ASSERT_TRUE(tmux.wait_for("pane done")) << tmux.screen();
    const auto screen = tmux.screen();
    EXPECT_NE(screen.find("cairn exited: 130"), std::string::npos) << screen;  // 128 + SIGINT
    EXPECT_TRUE(echo_is_on(screen)) << screen;
    EXPECT_EQ(relay.drops_stored(), 0u);
  }
}

}  // namespace
}  // namespace cairn
