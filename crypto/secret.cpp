#include "crypto/secret.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

#include "crypto/random.h"

namespace cairn::crypto {

Secret::Secret(std::size_t size) : size_(size) {
  if (size == 0) return;
  ensure_initialized();
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) throw std::bad_alloc();
  sodium_memzero(data_, size);
}

Secret Secret::copy_of(ByteView bytes) {
  Secret s(bytes.size());
  if (!bytes.empty()) std::memcpy(s.data_, bytes.data(), bytes.size());
  return s;
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Secret::~Secret() {
  if (data_ != nullptr) sodium_free(data_);  // sodium_free wipes before unmapping
}

Secret Secret::clone() const { return copy_of(view()); }

bool Secret::operator==(const Secret& other) const { return equal_constant_time(view(), other.view()); }

void wipe(MutableByteView bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

bool equal_constant_time(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cairn::crypto
