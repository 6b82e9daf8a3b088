// Signed binary formats: certificates, key bundles and reply batches (against
// a fixed organisation key), export manifests and import receipts (envelope
// and body: a body parser runs on unverified bytes when a refusal is
// explained), and the relay's handshake payload and messages.
#include "common/day.h"
#include "crypto/certificate.h"
#include "crypto/key_bundle.h"
#include "crypto/reply_batch.h"
#include "wire/export_bundle.h"
#include "wire/import_receipt.h"
#include "fuzz/fuzz_target.h"
#include "wire/file_kind.h"
#include "wire/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn;
  auto in = fuzz::input(data, size);
  static const crypto::Ed25519Public org{};  // no real signature will verify: parsers and checks run anyway
  (void)crypto::parse_certificate(in);
  (void)crypto::verify_key_bundle(in, org, 20000);
  (void)crypto::verify_reply_batch(in, org, 20000);
  (void)wire::open_export_manifest(in);
  (void)wire::parse_export_manifest_body(in);
  (void)wire::open_import_receipt(in);
  (void)wire::parse_import_receipt_body(in);
  (void)wire::decode_handshake_payload(in);
  (void)wire::decode_request(in);
  (void)wire::decode_response(in);
  (void)wire::detect_file_kind(in);
  return 0;
}
