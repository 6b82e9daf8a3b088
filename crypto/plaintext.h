// Plaintext: the one owning buffer for a source's testimony, in the client
// (the text, drop bodies, pieces of a submission stream) and on the station
// (testimony read back from the vault) — docs/ARCHITECTURE.md, "Where
// plaintext lives". Its size is fixed when it is made, so it never
// reallocates and leaves no unwiped copy behind; it is wiped when destroyed
// or moved from. Move-only, so a copy is always visible in the code. Text
// that arrives a piece at a time grows in a PlaintextBuilder.
// (Keys and other secrets use Secret, which also locks its memory.)
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>
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
  // A copy of text (the caller's copy stays the caller's to wipe).
  static Plaintext copy_of(std::string_view text) {
    Plaintext p(text.size());
    if (!text.empty()) std::memcpy(p.data(), text.data(), text.size());
    return p;
  }
  Plaintext(const Plaintext&) = delete;
  Plaintext& operator=(const Plaintext&) = delete;
  ~Plaintext() { wipe(bytes_); }

  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  [[nodiscard]] bool empty() const { return bytes_.empty(); }
  [[nodiscard]] std::uint8_t* data() { return bytes_.data(); }
  [[nodiscard]] MutableByteView bytes() { return bytes_; }
  [[nodiscard]] ByteView view() const { return bytes_; }
  // The bytes as text (UTF-8 where the protocol says so), valid while this lives.
  [[nodiscard]] std::string_view text() const { return as_chars(bytes_); }
  // Keeps the first n bytes; the rest is wiped (the buffer is not reallocated).
  void truncate(std::size_t n) {
    if (n >= bytes_.size()) return;
    wipe(MutableByteView(bytes_).subspan(n));
    bytes_.resize(n);
  }

 private:
  Bytes bytes_;
};

// Plaintext that grows as it is read (text typed, pasted or piped in): when
// the buffer is full its bytes move to one twice as large and the old one is
// wiped, so growing leaves no copy behind.
class PlaintextBuilder {
 public:
  void append(std::string_view more) {
    if (more.size() > buffer_.size() - size_) {
      Plaintext larger(std::max({size_ + more.size(), 2 * buffer_.size(), std::size_t{4096}}));
      if (size_ != 0) std::memcpy(larger.data(), buffer_.data(), size_);
      buffer_ = std::move(larger);  // wipes the old buffer
    }
    if (!more.empty()) std::memcpy(buffer_.data() + size_, more.data(), more.size());
    size_ += more.size();
  }
  // Keeps the first n bytes; what goes is wiped.
  void truncate(std::size_t n) {
    if (n >= size_) return;
    wipe(buffer_.bytes().subspan(n, size_ - n));
    size_ = n;
  }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::string_view text() const { return buffer_.text().substr(0, size_); }
  // Exactly what was appended, in the same buffer (its unused end wiped).
  [[nodiscard]] Plaintext finish() && {
    buffer_.truncate(size_);
    size_ = 0;
    return std::move(buffer_);
  }

 private:
  Plaintext buffer_;
  std::size_t size_ = 0;  // bytes of buffer_ in use
};

}  // namespace cairn::crypto
