// Setting an environment variable for the length of a test (the programs a
// test starts inherit it), and restoring it afterwards.
#pragma once

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace cairn::test {

class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) saved_ = old;
    ::setenv(name_.c_str(), value.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (saved_) ::setenv(name_.c_str(), saved_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

// An environment given as a table, for code that takes an env lookup
// (client::EnvLookup) instead of reading the process environment.
inline std::function<std::optional<std::string>(const char*)> env_table(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace cairn::test
