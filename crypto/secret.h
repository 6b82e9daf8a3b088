// Secret: the only type that holds secret bytes (keys, file keys, chaining
// keys, passphrases, codenames). Move-only, carved from the process's secret
// arena (crypto/secret.cpp: chunks of memory that is mlock'd, excluded from
// core dumps, with a guard page before and after each chunk and a canary
// after each secret; no system call per secret), wiped on destruction,
// compared in constant time, and never printable. Secrets over 64 KiB get
// their own sodium_malloc mapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>

#include "common/bytes.h"

namespace cairn::crypto {

class Secret {
 public:
  Secret() = default;
  // size zero-filled bytes. Throws std::bad_alloc if secure memory is exhausted.
  explicit Secret(std::size_t size);
  // Copies bytes into secure memory. The caller still owns (and must wipe) the source.
  static Secret copy_of(ByteView bytes);

  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();

  // An explicit deep copy, so copies of secrets are visible in the code.
  [[nodiscard]] Secret clone() const;

  [[nodiscard]] std::uint8_t* data() { return data_; }
  [[nodiscard]] const std::uint8_t* data() const { return data_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] MutableByteView bytes() { return {data_, size_}; }
  [[nodiscard]] ByteView view() const { return {data_, size_}; }

  // Constant-time in the contents (lengths are not secret).
  [[nodiscard]] bool operator==(const Secret& other) const;

  // Never printable: streaming a Secret is a compile error.
  friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// The arena's state, for tests and the relay's status: chunks mapped, bytes
// of them locked in memory, secrets alive.
struct SecretArenaStats {
  std::size_t chunks = 0;
  std::size_t locked_bytes = 0;
  std::size_t live = 0;
};
[[nodiscard]] SecretArenaStats secret_arena_stats();

// Wipes memory the compiler must not optimise away (stack temporaries of keys).
void wipe(MutableByteView bytes);
inline void wipe(void* p, std::size_t n) { wipe(MutableByteView(static_cast<std::uint8_t*>(p), n)); }

// Wipes a buffer when the scope exits, on every path.
class WipeOnExit {
 public:
  explicit WipeOnExit(MutableByteView b) : b_(b) {}
  template <std::size_t N>
  explicit WipeOnExit(ByteArray<N>& a) : b_(a) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit() { wipe(b_); }

 private:
  MutableByteView b_;
};

// Constant-time comparison of equal-length public-or-secret byte strings.
[[nodiscard]] bool equal_constant_time(ByteView a, ByteView b);

}  // namespace cairn::crypto
