// age: header parsing, MAC and payload with fixed identities (the CCTV ones:
// X25519 and mlkem768x25519 hybrid).
#include "crypto/age.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn::crypto;
  static const auto identity =
      age::parse_identity("AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0");
  if (!identity.ok()) std::abort();
  static const auto hybrid =
      age::parse_hybrid_identity("AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG");
  if (!hybrid.ok()) std::abort();
  std::vector<age::Identity> ids;
  ids.push_back({identity->secret.clone(), identity->public_key});
  (void)age::decrypt_detailed(cairn::fuzz::input(data, size), ids, std::span(&*hybrid, 1));
  return 0;
}
