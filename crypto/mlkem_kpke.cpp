#include "crypto/mlkem_kpke.h"

#include <algorithm>
#include <cstdlib>

#include "crypto/mlkem_sampling.h"

namespace cairn::crypto::mlkem768::detail {

namespace {

constexpr std::size_t kU = 32 * kDu;  // bytes of one compressed u[i]
constexpr std::size_t kV = 32 * kDv;

void require_size(ByteView b, std::size_t n) {
  if (b.size() != n) std::abort();  // the KEM checks every length first: a caller bug
}

void encode_vector(const PolyVector& v, MutableByteView out) {
  for (std::size_t i = 0; i < kK; ++i) byte_encode(v[i], 12, out.subspan(i * kPolyBytes, kPolyBytes));
}

void decode_vector(ByteView in, PolyVector& v) {
  for (std::size_t i = 0; i < kK; ++i) byte_decode(in.subspan(i * kPolyBytes, kPolyBytes), 12, v[i]);
}

}  // namespace

void kpke_keygen(ByteView rho, ByteView sigma, MutableByteView ek_pke, MutableByteView dk_pke) {
  require_size(rho, kRhoBytes);
  require_size(sigma, 32);
  require_size(ek_pke, kPkeEncryptionKeyBytes);
  require_size(dk_pke, kPkeDecryptionKeyBytes);
  const Matrix a = sample_matrix(rho);
  PolyVector s, e;
  WipePolysOnExit wipe_s(s), wipe_e(e);
  std::uint8_t n = 0;
  for (auto& p : s) sample_noise(sigma, n++, p);
  for (auto& p : e) sample_noise(sigma, n++, p);
  for (auto& p : s) ntt(p);
  for (auto& p : e) ntt(p);
  // t̂ = Â ∘ ŝ + ê: public once computed (it is the encapsulation key).
  PolyVector t = e;
  for (std::size_t i = 0; i < kK; ++i)
    for (std::size_t j = 0; j < kK; ++j) multiply_ntts_add(t[i], a[i * kK + j], s[j]);
  encode_vector(t, ek_pke.first(kK * kPolyBytes));
  std::copy(rho.begin(), rho.end(), ek_pke.begin() + kK * kPolyBytes);
  encode_vector(s, dk_pke);
  wipe(&t, sizeof t);  // it was ê plus secret products until the last sum
}

void kpke_encrypt(ByteView ek_pke, ByteView m, ByteView r, MutableByteView c) {
  require_size(ek_pke, kPkeEncryptionKeyBytes);
  require_size(m, kPkeMessageBytes);
  require_size(r, 32);
  require_size(c, kPkeCiphertextBytes);
  PolyVector t;
  decode_vector(ek_pke.first(kK * kPolyBytes), t);
  const Matrix a = sample_matrix(ek_pke.subspan(kK * kPolyBytes));
  PolyVector y, e1, u;
  Poly e2, mu, v;
  WipePolysOnExit wipe_y(y), wipe_e1(e1), wipe_u(u), wipe_e2(e2), wipe_mu(mu), wipe_v(v);
  std::uint8_t n = 0;
  for (auto& p : y) sample_noise(r, n++, p);
  for (auto& p : e1) sample_noise(r, n++, p);
  sample_noise(r, n, e2);
  for (auto& p : y) ntt(p);
  // u = NTT^-1(Â^T ∘ ŷ) + e1
  for (std::size_t i = 0; i < kK; ++i) {
    u[i] = Poly{};
    for (std::size_t j = 0; j < kK; ++j) multiply_ntts_add(u[i], a[j * kK + i], y[j]);
    inverse_ntt(u[i]);
    add_to(u[i], e1[i]);
  }
  // μ = Decompress_1(ByteDecode_1(m)); v = NTT^-1(t̂^T ∘ ŷ) + e2 + μ
  byte_decode(m, 1, mu);
  decompress(mu, 1);
  for (std::size_t j = 0; j < kK; ++j) multiply_ntts_add(v, t[j], y[j]);
  inverse_ntt(v);
  add_to(v, e2);
  add_to(v, mu);
  for (std::size_t i = 0; i < kK; ++i) {
    compress(u[i], kDu);
    byte_encode(u[i], kDu, c.subspan(i * kU, kU));
  }
  compress(v, kDv);
  byte_encode(v, kDv, c.subspan(kK * kU, kV));
}

void kpke_decrypt(ByteView dk_pke, ByteView c, MutableByteView m) {
  require_size(dk_pke, kPkeDecryptionKeyBytes);
  require_size(c, kPkeCiphertextBytes);
  require_size(m, kPkeMessageBytes);
  PolyVector s, u;
  Poly w, product;
  WipePolysOnExit wipe_s(s), wipe_u(u), wipe_w(w), wipe_product(product);
  for (std::size_t i = 0; i < kK; ++i) {
    byte_decode(c.subspan(i * kU, kU), kDu, u[i]);
    decompress(u[i], kDu);
    ntt(u[i]);
  }
  byte_decode(c.subspan(kK * kU, kV), kDv, w);
  decompress(w, kDv);
  decode_vector(dk_pke, s);
  // w = v' - NTT^-1(ŝ^T ∘ NTT(u'))
  for (std::size_t i = 0; i < kK; ++i) multiply_ntts_add(product, s[i], u[i]);
  inverse_ntt(product);
  subtract_from(w, product);
  compress(w, 1);
  byte_encode(w, 1, m);
}

}  // namespace cairn::crypto::mlkem768::detail
