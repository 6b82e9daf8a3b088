// age: header parsing, MAC and payload with a fixed identity (the CCTV one).
#include "crypto/age.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn::crypto;
  static const auto identity =
      age::parse_identity("AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0");
  if (!identity.ok()) std::abort();
  std::vector<age::Identity> ids;
  ids.push_back({identity->secret.clone(), identity->public_key});
  (void)age::decrypt_detailed(cairn::fuzz::input(data, size), ids);
  return 0;
}
