#include "crypto/secret.h"

#include <sodium.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "crypto/random.h"

namespace cairn::crypto {
namespace {

// The secret arena: small secrets are carved from chunks of locked memory
// instead of one mapping each (sodium_malloc costs an mmap, two mprotects
// and an mlock, about 13 µs, and several kernel mappings per secret: a relay
// with thousands of connections ran out of mappings). Each chunk is
//
//   guard page (no access) | data pages: mlock'd, MADV_DONTDUMP | guard page
//
// cut into slots of one size class. A slot ends with an 8-byte canary that
// is checked when the secret is freed; a freed slot is wiped at once and goes
// back to its class's free list. Chunks are never unmapped (the arena only
// grows, by one chunk of a class at a time), so a slot's address stays valid
// memory of the arena after its secret is gone. Secrets larger than the
// largest class get their own sodium_malloc mapping, as before.
constexpr std::size_t kMinSlot = 32;
constexpr std::size_t kMaxSlot = 64 * 1024;
constexpr std::size_t kClasses = 12;  // 32, 64, ..., 64 KiB
constexpr std::size_t kCanaryBytes = 8;
constexpr std::size_t kMinChunkData = 64 * 1024;
constexpr std::size_t kSlotsPerChunkAtLeast = 8;

static_assert(kMinSlot << (kClasses - 1) == kMaxSlot);

std::size_t class_of(std::size_t size) {
  std::size_t c = 0;
  while ((kMinSlot << c) < size + kCanaryBytes) ++c;
  return c;
}

class Arena {
 public:
  static Arena& instance() {
    static Arena* arena = new Arena();  // never destroyed: secrets in statics may outlive any order
    return *arena;
  }

  std::uint8_t* allocate(std::size_t size) {
    const std::size_t c = class_of(size);
    const std::size_t slot = kMinSlot << c;
    std::lock_guard lock(mutex_);
    auto& free = free_[c];
    if (free.empty() && !grow(c)) return nullptr;
    std::uint8_t* p = free.back();
    free.pop_back();
    std::memcpy(p + slot - kCanaryBytes, canary_.data(), kCanaryBytes);
    ++live_;
    return p;
  }

  void release(std::uint8_t* p, std::size_t size) {
    const std::size_t c = class_of(size);
    const std::size_t slot = kMinSlot << c;
    // A write past the end of a secret reached the canary: memory is
    // corrupted, and going on could leak or misuse keys.
    if (sodium_memcmp(p + slot - kCanaryBytes, canary_.data(), kCanaryBytes) != 0) std::abort();
    sodium_memzero(p, slot);
    std::lock_guard lock(mutex_);
    free_[c].push_back(p);
    --live_;
  }

  SecretArenaStats stats() {
    std::lock_guard lock(mutex_);
    return {chunks_, locked_bytes_, live_};
  }

 private:
  Arena() {
    ensure_initialized();
    page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    randombytes_buf(canary_.data(), canary_.size());
  }

  // One more chunk for class c; its slots join the free list.
  bool grow(std::size_t c) {
    const std::size_t slot = kMinSlot << c;
    std::size_t data = std::max(kMinChunkData, slot * kSlotsPerChunkAtLeast);
    data = (data + page_ - 1) / page_ * page_;
    void* m = ::mmap(nullptr, data + 2 * page_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return false;
    auto* base = static_cast<std::uint8_t*>(m) + page_;
    if (::mprotect(base, data, PROT_READ | PROT_WRITE) != 0) {
      ::munmap(m, data + 2 * page_);
      return false;
    }
#ifdef MADV_DONTDUMP
    (void)::madvise(base, data, MADV_DONTDUMP);
#endif
    // Locked where the OS allows (RLIMIT_MEMLOCK), as sodium_malloc does.
    if (::mlock(base, data) == 0) locked_bytes_ += data;
    ++chunks_;
    auto& free = free_[c];
    for (std::size_t off = data; off >= slot; off -= slot) free.push_back(base + off - slot);
    return true;
  }

  std::mutex mutex_;
  std::size_t page_ = 4096;
  std::array<std::uint8_t, kCanaryBytes> canary_{};
  std::array<std::vector<std::uint8_t*>, kClasses> free_;
  std::size_t chunks_ = 0;
  std::size_t locked_bytes_ = 0;
  std::size_t live_ = 0;
};

std::uint8_t* allocate_secret(std::size_t size) {
  if (size > kMaxSlot - kCanaryBytes) {
    ensure_initialized();
    return static_cast<std::uint8_t*>(sodium_malloc(size));
  }
  return Arena::instance().allocate(size);
}

void release_secret(std::uint8_t* p, std::size_t size) {
  if (size > kMaxSlot - kCanaryBytes)
    sodium_free(p);  // sodium_free wipes before unmapping
  else
    Arena::instance().release(p, size);
}

}  // namespace

SecretArenaStats secret_arena_stats() { return Arena::instance().stats(); }

Secret::Secret(std::size_t size) : size_(size) {
  if (size == 0) return;
  data_ = allocate_secret(size);
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
    if (data_ != nullptr) release_secret(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Secret::~Secret() {
  if (data_ != nullptr) release_secret(data_, size_);
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
