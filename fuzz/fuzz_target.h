// Every fuzz target defines LLVMFuzzerTestOneInput. Built with clang and
// -fsanitize=fuzzer it is a libFuzzer target; built with any compiler and
// fuzz/driver.cpp it is a bounded, deterministic test that CTest runs (seed
// corpus, then mutations of it), so every parser is exercised on hostile
// bytes in every CI run, under the sanitizer preset too.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional, as in libFuzzer: one-time set-up before the first input, outside
// any input's time limit (a target that starts a server defines it).
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace cairn::fuzz {
inline ByteView input(const std::uint8_t* data, std::size_t size) { return {data, size}; }
}  // namespace cairn::fuzz
