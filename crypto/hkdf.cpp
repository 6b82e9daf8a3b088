#include "crypto/hkdf.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "crypto/hash.h"

namespace cairn::crypto {

Result<Secret> hkdf_sha256(ByteView salt, ByteView ikm, ByteView info, std::size_t length) {
  if (length == 0 || length > 255 * kSha256Bytes)
    return make_error(Errc::invalid_argument, "HKDF-SHA-256 output length out of range");
  // Extract: PRK = HMAC(salt or 32 zero bytes, IKM).
  ByteArray<kSha256Bytes> zero_salt{};
  Secret prk(kSha256Bytes);
  hmac_sha256(prk.bytes(), salt.empty() ? ByteView(zero_salt) : salt, ikm);

  // Expand: T(i) = HMAC(PRK, T(i-1) | info | i).
  Secret okm(length);
  Secret block(kSha256Bytes + info.size() + 1);
  ByteArray<kSha256Bytes> t{};
  WipeOnExit wipe_t(t);
  std::size_t done = 0, t_len = 0;
  for (std::uint8_t i = 1; done < length; ++i) {
    std::memcpy(block.data(), t.data(), t_len);
    if (!info.empty()) std::memcpy(block.data() + t_len, info.data(), info.size());
    block.data()[t_len + info.size()] = i;
    hmac_sha256(t, prk.view(), ByteView(block.data(), t_len + info.size() + 1));
    t_len = kSha256Bytes;
    std::size_t n = std::min(kSha256Bytes, length - done);
    std::memcpy(okm.data() + done, t.data(), n);
    done += n;
  }
  return okm;
}

Secret hmac_blake2b(ByteView key, ByteView data) {
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
  Secret out(kNoiseHashBytes);
  Blake2b h_out(kNoiseHashBytes);
  h_out.update(pad);
  h_out.update(inner);
  h_out.final(out.bytes());
  return out;
}

NoiseHkdfOutputs noise_hkdf(ByteView chaining_key, ByteView input_key_material, int num_outputs) {
  if (num_outputs != 2 && num_outputs != 3) std::abort();
  Secret temp_key = hmac_blake2b(chaining_key, input_key_material);
  NoiseHkdfOutputs out;
  const std::uint8_t one = 0x01;
  out.out1 = hmac_blake2b(temp_key.view(), ByteView(&one, 1));
  Secret buf(kNoiseHashBytes + 1);
  std::memcpy(buf.data(), out.out1.data(), kNoiseHashBytes);
  buf.data()[kNoiseHashBytes] = 0x02;
  out.out2 = hmac_blake2b(temp_key.view(), buf.view());
  if (num_outputs == 3) {
    std::memcpy(buf.data(), out.out2.data(), kNoiseHashBytes);
    buf.data()[kNoiseHashBytes] = 0x03;
    out.out3 = hmac_blake2b(temp_key.view(), buf.view());
  }
  return out;
}

}  // namespace cairn::crypto
