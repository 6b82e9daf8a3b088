// Small helpers for tests: reading vector files, hex.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "common/bytes.h"

namespace cairn::test {

inline std::filesystem::path vectors_dir() { return CAIRN_TEST_VECTORS_DIR; }

inline Bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline Bytes hex(std::string_view s) {
  auto b = from_hex(s);
  if (!b) throw std::runtime_error("bad hex in test: " + std::string(s));
  return *b;
}

}  // namespace cairn::test
