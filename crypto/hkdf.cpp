#include "crypto/hkdf.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "crypto/hash.h"

namespace cairn::crypto {

Secret hkdf_sha256_extract(ByteView salt, ByteView ikm) {
  // PRK = HMAC(salt, IKM); an empty salt stands for 32 zero bytes (RFC 5869 2.2).
  ByteArray<kSha256Bytes> zero_salt{};
  Secret prk(kSha256Bytes);
  hmac_sha256(prk.bytes(), salt.empty() ? ByteView(zero_salt) : salt, ikm);
  return prk;
}

Result<Secret> hkdf_sha256_expand(ByteView prk, ByteView info, std::size_t length) {
  if (length == 0 || length > 255 * kSha256Bytes)
    return make_error(Errc::invalid_argument, "HKDF-SHA-256 output length out of range");
  // T(i) = HMAC(PRK, T(i-1) | info | i).
  Secret okm(length);
  Secret block(kSha256Bytes + info.size() + 1);
  ByteArray<kSha256Bytes> t{};
  WipeOnExit wipe_t(t);
  std::size_t done = 0, t_len = 0;
  for (std::uint8_t i = 1; done < length; ++i) {
    std::memcpy(block.data(), t.data(), t_len);
    if (!info.empty()) std::memcpy(block.data() + t_len, info.data(), info.size());
    block.data()[t_len + info.size()] = i;
    hmac_sha256(t, prk, ByteView(block.data(), t_len + info.size() + 1));
    t_len = kSha256Bytes;
    std::size_t n = std::min(kSha256Bytes, length - done);
    std::memcpy(okm.data() + done, t.data(), n);
    done += n;
  }
  return okm;
}

Result<Secret> hkdf_sha256(ByteView salt, ByteView ikm, ByteView info, std::size_t length) {
  if (length == 0 || length > 255 * kSha256Bytes)
    return make_error(Errc::invalid_argument, "HKDF-SHA-256 output length out of range");
  return hkdf_sha256_expand(hkdf_sha256_extract(salt, ikm).view(), info, length);
}

void hmac_blake2b(MutableByteView out, ByteView key, ByteView data) {
  if (out.size() != kNoiseHashBytes) std::abort();
  // Keys longer than a block are hashed first (RFC 2104); Noise never needs it,
  // but the construction is general.
  ByteArray<kBlake2bBlockBytes> k{};
  WipeOnExit wipe_k(k);
  if (key.size() > kBlake2bBlockBytes) {
    blake2b(MutableByteView(k.data(), kNoiseHashBytes), key);
  } else if (!key.empty()) {
    std::memcpy(k.data(), key.data(), key.size());
  }
  ByteArray<kBlake2bBlockBytes> pad{};
  WipeOnExit wipe_pad(pad);
  ByteArray<kNoiseHashBytes> inner{};
  WipeOnExit wipe_inner(inner);

  for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<std::uint8_t>(k[i] ^ 0x36);
  Blake2b h_in(kNoiseHashBytes);
  h_in.update(pad);
  h_in.update(data);
  h_in.final(inner);

  for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<std::uint8_t>(k[i] ^ 0x5c);
  Blake2b h_out(kNoiseHashBytes);
  h_out.update(pad);
  h_out.update(inner);
  h_out.final(out);
}

Secret hmac_blake2b(ByteView key, ByteView data) {
  Secret out(kNoiseHashBytes);
  hmac_blake2b(out.bytes(), key, data);
  return out;
}

void noise_hkdf(MutableByteView out1, MutableByteView out2, MutableByteView out3, ByteView chaining_key,
                ByteView input_key_material) {
  if (out1.size() != kNoiseHashBytes || out2.size() != kNoiseHashBytes ||
      (!out3.empty() && out3.size() != kNoiseHashBytes))
    std::abort();
  ByteArray<kNoiseHashBytes> temp_key{};
  WipeOnExit wipe_temp_key(temp_key);
  hmac_blake2b(temp_key, chaining_key, input_key_material);  // chaining_key is not read after this
  const std::uint8_t one = 0x01;
  hmac_blake2b(out1, temp_key, ByteView(&one, 1));
  ByteArray<kNoiseHashBytes + 1> buf{};
  WipeOnExit wipe_buf(buf);
  std::memcpy(buf.data(), out1.data(), kNoiseHashBytes);
  buf[kNoiseHashBytes] = 0x02;
  hmac_blake2b(out2, temp_key, buf);
  if (!out3.empty()) {
    std::memcpy(buf.data(), out2.data(), kNoiseHashBytes);
    buf[kNoiseHashBytes] = 0x03;
    hmac_blake2b(out3, temp_key, buf);
  }
}

NoiseHkdfOutputs noise_hkdf(ByteView chaining_key, ByteView input_key_material, int num_outputs) {
  if (num_outputs != 2 && num_outputs != 3) std::abort();
  NoiseHkdfOutputs out;
  out.out1 = Secret(kNoiseHashBytes);
  out.out2 = Secret(kNoiseHashBytes);
  if (num_outputs == 3) out.out3 = Secret(kNoiseHashBytes);
  noise_hkdf(out.out1.bytes(), out.out2.bytes(), out.out3.bytes(), chaining_key, input_key_material);
  return out;
}

}  // namespace cairn::crypto
