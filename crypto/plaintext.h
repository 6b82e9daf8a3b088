// Plaintext: the one owning buffer for a source's testimony in the client
// (drop bodies, pieces of a submission stream) — docs/ARCHITECTURE.md, "Where
// plaintext lives in the client". Its size is fixed when it is made, so it
// never reallocates and leaves no unwiped copy behind; it is wiped when
// destroyed or moved from. Move-only, so a copy is always visible in the code.
// (Keys and other secrets use Secret, which also locks its memory.)
#pragma once

#include <utility>

#include "common/bytes.h"
#include "crypto/secret.h"

namespace cairn::crypto {

class Plaintext {
 public:
  Plaintext() = default;
  explicit Plaintext(std::size_t size) : bytes_(size) {}
  // Takes the buffer; the caller's vector is left empty.
  explicit Plaintext(Bytes&& bytes) : bytes_(std::move(bytes)) { bytes.clear(); }
  Plaintext(Plaintext&& other) noexcept : bytes_(std::exchange(other.bytes_, {})) {}
  Plaintext& operator=(Plaintext&& other) noexcept {
    if (this != &other) {
      wipe(bytes_);
      bytes_ = std::exchange(other.bytes_, {});
    }
    return *this;
  }
  Plaintext(const Plaintext&) = delete;
  Plaintext& operator=(const Plaintext&) = delete;
  ~Plaintext() { wipe(bytes_); }

  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  [[nodiscard]] bool empty() const { return bytes_.empty(); }
  [[nodiscard]] std::uint8_t* data() { return bytes_.data(); }
  [[nodiscard]] MutableByteView bytes() { return bytes_; }
  [[nodiscard]] ByteView view() const { return bytes_; }

 private:
  Bytes bytes_;
};

}  // namespace cairn::crypto
