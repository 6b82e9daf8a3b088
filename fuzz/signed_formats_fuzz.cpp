// Signed binary formats: certificates and key bundles (against a fixed
// organisation key), and the relay's handshake payload and messages.
#include "common/day.h"
#include "crypto/certificate.h"
#include "crypto/key_bundle.h"
#include "fuzz/fuzz_target.h"
#include "wire/file_kind.h"
#include "wire/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn;
  auto in = fuzz::input(data, size);
  static const crypto::Ed25519Public org{};  // no real signature will verify: parsers and checks run anyway
  (void)crypto::parse_certificate(in);
  (void)crypto::verify_key_bundle(in, org, 20000);
  (void)wire::decode_handshake_payload(in);
  (void)wire::decode_request(in);
  (void)wire::decode_response(in);
  (void)wire::detect_file_kind(in);
  return 0;
}
