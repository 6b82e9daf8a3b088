// Everything a person pastes: drop addresses, age recipients and identities,
// organisation and relay key strings, Bech32 itself.
#include <string_view>

#include "crypto/age_hybrid.h"
#include "crypto/age_x25519.h"
#include "crypto/bech32.h"
#include "crypto/drop_address.h"
#include "crypto/key_text.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn::crypto;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bech32_decode(text);
  auto a = parse_drop_address(text);
  if (a.ok()) {
    auto again = encode_drop_address(*a);
    if (!again.ok()) std::abort();  // what parses must encode
  }
  (void)age::parse_recipient(text);
  (void)age::parse_identity(text);
  (void)age::parse_hybrid_recipient(text);
  (void)age::parse_hybrid_identity(text);
  (void)parse_organisation_key(text);
  (void)parse_relay_keys(text);
  return 0;
}
