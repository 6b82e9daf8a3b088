// The operating system's CSPRNG (through libsodium), and library start-up.
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "crypto/secret.h"

namespace cairn::crypto {

// Initialises libsodium once; safe to call from any thread, any number of times.
// Aborts if the library cannot initialise (no entropy source): nothing in Cairn
// may run without one.
void ensure_initialized();

void random_bytes(MutableByteView out);
[[nodiscard]] Bytes random_bytes(std::size_t n);
[[nodiscard]] Secret random_secret(std::size_t n);
// Uniform in [0, upper_bound) without modulo bias.
[[nodiscard]] std::uint32_t random_uniform(std::uint32_t upper_bound);

}  // namespace cairn::crypto
