// What a command prints on standard output (std::cout) while it runs, for
// tests that call a command as a function.
#pragma once

#include <iostream>
#include <sstream>
#include <string>

namespace cairn::test {

class CaptureStdout {
 public:
  CaptureStdout() : old_(std::cout.rdbuf(out_.rdbuf())) {}
  CaptureStdout(const CaptureStdout&) = delete;
  CaptureStdout& operator=(const CaptureStdout&) = delete;
  ~CaptureStdout() { std::cout.rdbuf(old_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::streambuf* old_;
};

}  // namespace cairn::test
