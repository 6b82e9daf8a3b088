// A stand-in for libFuzzer's main: runs the files named on the command line,
// then `--iterations N` deterministic mutations of them (bit flips, byte
// changes, truncations, extensions, splices). Exit 0 unless the target
// crashes (sanitizers abort the process).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::vector<std::uint8_t>> seeds;
  long iterations = 2000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    std::ifstream in(argv[i], std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (seeds.empty()) seeds.emplace_back();
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(s.data(), s.size());

  std::mt19937_64 rng(0xca1f0);  // fixed: a failure reproduces
  for (long n = 0; n < iterations; ++n) {
    auto input = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 6) {
        case 0:
          if (!input.empty()) input[rng() % input.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1:
          if (!input.empty()) input[rng() % input.size()] = static_cast<std::uint8_t>(rng());
          break;
        case 2:
          if (!input.empty()) input.resize(rng() % input.size());
          break;
        case 3:
          for (int k = static_cast<int>(rng() % 16); k > 0; --k) input.push_back(static_cast<std::uint8_t>(rng()));
          break;
        case 4: {
          const auto& other = seeds[rng() % seeds.size()];
          if (!other.empty() && !input.empty()) {
            std::size_t at = rng() % input.size(), from = rng() % other.size();
            std::size_t len = std::min(other.size() - from, input.size() - at);
            std::copy_n(other.begin() + static_cast<std::ptrdiff_t>(from), len,
                        input.begin() + static_cast<std::ptrdiff_t>(at));
          }
          break;
        }
        default:
          if (!input.empty()) {
            static const std::uint8_t interesting[] = {0x00, 0xff, 0x7f, 0x80, 0x01, '\n', ' ', '-'};
            input[rng() % input.size()] = interesting[rng() % sizeof interesting];
          }
      }
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("fuzz driver: %zu seeds, %ld mutated inputs, no crash\n", seeds.size(), iterations);
  return 0;
}
