// Reads a SQLCipher 3 database and its WAL the way whoever seizes a relay
// with its key file can: every page decrypted with the raw 256-bit key.
// SQLCipher 3 layout (4 KiB pages as db/ sets them): each page ends with a
// 48-byte reserve holding its IV (16 bytes) and HMAC-SHA1 (20, padded);
// bytes [0, 4048) are AES-256-CBC under the raw key with that IV, except on
// page 1, whose first 16 bytes are the plaintext salt. A WAL is a 32-byte
// header and frames of a 24-byte plaintext header (page number first) and one
// page encrypted the same way. OpenSSL is used only here, in tests.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "common/bytes.h"
#include "crypto/secret.h"
#include "support/files.h"

namespace cairn::test {

inline constexpr std::size_t kSqlcipherPageBytes = 4096;
inline constexpr std::size_t kSqlcipherReserveBytes = 48;
inline constexpr std::size_t kSqlcipherSaltBytes = 16;
inline constexpr std::size_t kWalHeaderBytes = 32;
inline constexpr std::size_t kWalFrameHeaderBytes = 24;

struct DecryptedPage {
  std::uint32_t page_number = 0;  // 1-based, as in the file
  Bytes plaintext;                // kSqlcipherPageBytes - kSqlcipherReserveBytes bytes (page 1: salt zeroed)
};

// One page as stored (kSqlcipherPageBytes bytes) -> its plaintext.
inline Bytes decrypt_sqlcipher_page(ByteView page, std::uint32_t page_number, const crypto::Secret& key) {
  if (page.size() != kSqlcipherPageBytes || key.size() != 32) throw std::runtime_error("bad page or key size");
  const std::size_t start = page_number == 1 ? kSqlcipherSaltBytes : 0;
  const std::size_t end = kSqlcipherPageBytes - kSqlcipherReserveBytes;
  const std::uint8_t* iv = page.data() + end;
  Bytes out(end, 0);
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0, m = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), iv) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data() + start, &n, page.data() + start, static_cast<int>(end - start)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + start + n, &m) != 1)
    throw std::runtime_error("AES-256-CBC failed");
  return out;
}

// Every page of a database file, decrypted (index i holds page i + 1).
inline std::vector<DecryptedPage> decrypt_sqlcipher_file(const std::filesystem::path& file, const crypto::Secret& key) {
  auto bytes = read_file(file);
  std::vector<DecryptedPage> pages;
  for (std::size_t off = 0; off + kSqlcipherPageBytes <= bytes.size(); off += kSqlcipherPageBytes) {
    auto number = static_cast<std::uint32_t>(off / kSqlcipherPageBytes + 1);
    pages.push_back({number, decrypt_sqlcipher_page(ByteView(bytes).subspan(off, kSqlcipherPageBytes), number, key)});
  }
  return pages;
}

// Every frame present in a WAL file (valid or stale), decrypted.
inline std::vector<DecryptedPage> decrypt_sqlcipher_wal(const std::filesystem::path& file, const crypto::Secret& key) {
  std::vector<DecryptedPage> pages;
  if (!std::filesystem::exists(file)) return pages;
  auto bytes = read_file(file);
  const std::size_t frame = kWalFrameHeaderBytes + kSqlcipherPageBytes;
  for (std::size_t off = kWalHeaderBytes; off + frame <= bytes.size(); off += frame) {
    auto number = get_u32be(bytes.data() + off);
    if (number == 0) continue;
    pages.push_back({number, decrypt_sqlcipher_page(ByteView(bytes).subspan(off + kWalFrameHeaderBytes,
                                                                            kSqlcipherPageBytes),
                                                    number, key)});
  }
  return pages;
}

}  // namespace cairn::test
