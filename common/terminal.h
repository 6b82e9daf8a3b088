// Echo off while a secret is typed at a terminal (a codename, a passphrase),
// and back on however the program leaves: on every return path by the
// destructor, and on Ctrl-C, SIGTERM, SIGHUP or SIGQUIT by a handler that
// restores the settings and then dies of the same signal. Without it, Ctrl-C
// at a codename prompt leaves the source's terminal not showing what is typed.
// One EchoOff at a time per process.
#pragma once

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstddef>
#include <iterator>

namespace cairn {
namespace terminal_detail {

inline constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

struct Saved {
  int fd = -1;
  termios settings{};
  struct sigaction previous[std::size(kSignals)]{};
  volatile sig_atomic_t active = 0;
};

inline Saved& saved() {
  static Saved s;
  return s;
}

// Only async-signal-safe calls: tcsetattr, sigaction, raise.
inline void restore_and_reraise(int sig) {
  auto& s = saved();
  if (s.active != 0) (void)::tcsetattr(s.fd, TCSANOW, &s.settings);
  s.active = 0;
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  ::sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

}  // namespace terminal_detail

class EchoOff {
 public:
  // Turns echo off on fd (a terminal), discarding anything typed before, so
  // that the prompt shown after this is answered unseen. The Enter key still
  // moves to a new line (ECHONL).
  explicit EchoOff(int fd) {
    auto& s = terminal_detail::saved();
    if (s.active != 0 || ::tcgetattr(fd, &s.settings) != 0) return;
    s.fd = fd;
    struct sigaction on_signal{};
    on_signal.sa_handler = terminal_detail::restore_and_reraise;
    ::sigemptyset(&on_signal.sa_mask);
    for (std::size_t i = 0; i < std::size(terminal_detail::kSignals); ++i)
      ::sigaction(terminal_detail::kSignals[i], &on_signal, &s.previous[i]);
    termios quiet = s.settings;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    s.active = 1;
    if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
      restore();
      return;
    }
    owner_ = true;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (owner_) restore();
  }
  [[nodiscard]] bool active() const { return owner_; }

 private:
  static void restore() {
    auto& s = terminal_detail::saved();
    if (s.active != 0) (void)::tcsetattr(s.fd, TCSANOW, &s.settings);
    s.active = 0;
    for (std::size_t i = 0; i < std::size(terminal_detail::kSignals); ++i)
      ::sigaction(terminal_detail::kSignals[i], &s.previous[i], nullptr);
  }
  bool owner_ = false;
};

}  // namespace cairn
