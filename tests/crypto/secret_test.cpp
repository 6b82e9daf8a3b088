#include "crypto/secret.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "support/files.h"

namespace cairn::crypto {
namespace {

static_assert(!std::is_copy_constructible_v<Secret>, "secrets must not be copyable");
static_assert(!std::is_copy_assignable_v<Secret>, "secrets must not be copyable");
static_assert(std::is_nothrow_move_constructible_v<Secret>);

TEST(Secret, StartsZeroedAndHasSize) {
  Secret s(32);
  ASSERT_EQ(s.size(), 32u);
  for (auto b : s.view()) EXPECT_EQ(b, 0);
}

TEST(Secret, MoveLeavesSourceEmpty) {
  Secret a = random_secret(16);
  Secret b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.size(), 16u);
}

TEST(Secret, EqualityComparesContents) {
  Secret a = random_secret(32);
  Secret b = a.clone();
  EXPECT_TRUE(a == b);
  b.data()[31] ^= 1;
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == Secret(31));
}

// The arena never unmaps a chunk, so a freed secret's slot is still memory
// of this process that can be read: it must hold zeros, not the secret.
TEST(Secret, BytesAreGoneAfterDestruction) {
  const volatile std::uint8_t* where = nullptr;
  std::size_t size = 0;
  {
    Secret s = random_secret(48);
    for (auto& b : s.bytes()) b |= 0x80;  // no zero byte anywhere
    where = s.data();
    size = s.size();
  }
  for (std::size_t i = 0; i < size; ++i) EXPECT_EQ(where[i], 0) << "byte " << i;
}

struct Mapping {
  std::uintptr_t start = 0, end = 0;
  std::string perms;
  std::string vm_flags;
  std::size_t locked_kb = 0;
};

// Every mapping of this process, from /proc/self/smaps.
std::vector<Mapping> mappings() {
  std::vector<Mapping> out;
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  while (std::getline(smaps, line)) {
    unsigned long a = 0, b = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s", &a, &b, perms) == 3 && line.find(':') > line.find(' ')) {
      out.push_back({a, b, perms, {}, 0});
    } else if (!out.empty() && line.starts_with("Locked:")) {
      out.back().locked_kb = std::stoul(line.substr(7));
    } else if (!out.empty() && line.starts_with("VmFlags:")) {
      out.back().vm_flags = line.substr(8);
    }
  }
  return out;
}

TEST(Secret, LivesInLockedUndumpedMemoryBetweenGuardPages) {
  // Locking needs RLIMIT_MEMLOCK room for a chunk (64 KiB); the default is 8 MiB.
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_MEMLOCK, &lim), 0);
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < (1u << 20) && lim.rlim_max >= (1u << 20)) {
    lim.rlim_cur = 1u << 20;
    ASSERT_EQ(::setrlimit(RLIMIT_MEMLOCK, &lim), 0);
  }
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < (1u << 20))
    GTEST_SKIP() << "RLIMIT_MEMLOCK is below 1 MiB here; no memory can be locked";
  Secret s = random_secret(32);
  const auto at = reinterpret_cast<std::uintptr_t>(s.data());
  auto maps = mappings();
  std::size_t i = 0;
  while (i < maps.size() && !(maps[i].start <= at && at < maps[i].end)) ++i;
  ASSERT_LT(i, maps.size()) << "the secret is in no mapping";
  const auto& m = maps[i];
  EXPECT_GT(m.locked_kb, 0u) << "Locked: 0 kB";
  EXPECT_NE(m.vm_flags.find(" lo"), std::string::npos) << "VmFlags:" << m.vm_flags;  // mlock'd
  EXPECT_NE(m.vm_flags.find(" dd"), std::string::npos) << "VmFlags:" << m.vm_flags;  // not in core dumps
  // A guard page (no access) right before and right after the chunk.
  ASSERT_GT(i, 0u);
  ASSERT_LT(i + 1, maps.size());
  EXPECT_EQ(maps[i - 1].end, m.start);
  EXPECT_TRUE(maps[i - 1].perms.starts_with("---")) << maps[i - 1].perms;
  EXPECT_EQ(maps[i + 1].start, m.end);
  EXPECT_TRUE(maps[i + 1].perms.starts_with("---")) << maps[i + 1].perms;
}

// Ten thousand secrets cost a handful of chunks, not a mapping each (a relay
// with thousands of connections ran out of mappings with one per secret).
TEST(Secret, ManySecretsShareAFewChunks) {
  auto count_maps = [] {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    std::size_t n = 0;
    while (std::getline(maps, line)) ++n;
    return n;
  };
  const auto before = secret_arena_stats();
  const auto maps_before = count_maps();
  std::vector<Secret> many;
  for (int i = 0; i < 10000; ++i) many.emplace_back(32);
  const auto after = secret_arena_stats();
  EXPECT_GE(after.live, before.live + 10000);
  EXPECT_LE(after.chunks - before.chunks, 10u);
  EXPECT_LT(count_maps(), maps_before + 40);
  many.clear();
  EXPECT_EQ(secret_arena_stats().live, before.live);
}

// A write past the end of a secret reaches its slot's canary: freeing it
// stops the process rather than go on with corrupted key memory.
TEST(SecretDeathTest, AWritePastTheEndIsCaughtOnFree) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Secret s(10);
        s.data()[31 - 7] ^= 0xff;  // the slot of 10 bytes is 32: its last 8 are the canary
      },
      "");
}

TEST(Secret, WipeZeroes) {
  ByteArray<8> buf{1, 2, 3, 4, 5, 6, 7, 8};
  { WipeOnExit w(buf); }
  for (auto b : buf) EXPECT_EQ(b, 0);
}

TEST(Random, BytesDiffer) {
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

// RFC 4231 test case 2 for HMAC-SHA-256; BLAKE2b-512("abc") from RFC 7693 appendix A.
TEST(Hash, KnownAnswers) {
  ByteArray<32> mac{};
  hmac_sha256(mac, as_bytes("Jefe"), as_bytes("what do ya want for nothing?"));
  EXPECT_EQ(to_hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(blake2b_512(as_bytes("abc"))),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, IncrementalMatchesOneShot) {
  Blake2b h(32);
  h.update(as_bytes("ab"));
  h.update(as_bytes("c"));
  ByteArray<32> out{};
  h.final(out);
  EXPECT_EQ(out, blake2b_256(as_bytes("abc")));
}

}  // namespace
}  // namespace cairn::crypto
