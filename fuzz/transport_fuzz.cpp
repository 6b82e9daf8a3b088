// The relay's network input: a Noise NK first message to a responder with a
// fixed static key, and record frames to a reader keyed from a real handshake.
#include "crypto/noise.h"
#include "crypto/record.h"
#include "fuzz/fuzz_target.h"
#include "wire/protocol.h"

namespace {
using namespace cairn;
using namespace cairn::crypto;

const X25519KeyPair& relay_key() {
  static const X25519KeyPair kp = x25519_generate();
  return kp;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::input(data, size);
  // As a handshake message 1.
  auto hs = noise::make_nk_responder(wire::prologue(), relay_key());
  if (!hs.ok()) std::abort();
  (void)hs->read_message(in);

  // As record frames after a genuine handshake.
  auto init = noise::make_nk_initiator(wire::prologue(), relay_key().public_key);
  auto resp = noise::make_nk_responder(wire::prologue(), relay_key());
  if (!init.ok() || !resp.ok()) std::abort();
  auto m1 = init->write_message({});
  if (!m1.ok() || !resp->read_message(*m1).ok()) std::abort();
  auto m2 = resp->write_message({});
  if (!m2.ok() || !init->read_message(*m2).ok()) std::abort();
  auto ciphers = resp->split();
  if (!ciphers.ok()) std::abort();
  RecordReader reader(std::move(ciphers->receive), wire::max_request_bytes(32768));
  for (std::size_t off = 0; off < in.size(); off += kRecordFrameBytes) {
    auto frame = in.subspan(off, std::min(kRecordFrameBytes, in.size() - off));
    if (!reader.open_frame(frame).ok()) break;
  }
  return 0;
}
