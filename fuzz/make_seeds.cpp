// Writes seed inputs for the fuzz targets from real Cairn objects. Run once
// after a format changes: build/release/fuzz/cairn_fuzz_make_seeds fuzz/corpus
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/certificate.h"
#include "crypto/drop_address.h"
#include "crypto/key_bundle.h"
#include "crypto/key_text.h"
#include "crypto/noise.h"
#include "crypto/record.h"
#include "wire/file_kind.h"
#include "wire/protocol.h"

namespace {
using namespace cairn;
namespace fs = std::filesystem;

void write(const fs::path& p, ByteView b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}
void write(const fs::path& p, const std::string& s) { write(p, as_bytes(s)); }

template <class T>
T must(Result<T> r) {
  if (!r.ok()) std::abort();
  return std::move(r).value();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  fs::path out = argv[1];
  using namespace cairn::crypto;
  auto org = ed25519_generate();
  auto noise = x25519_generate();
  auto signing = ed25519_generate();

  DropAddress a;
  a.organisation_key = org.public_key;
  a.relays = {{noise.public_key, "relay.example.org", 7443}};
  write(out / "text_formats/drop_address", must(encode_drop_address(a)));
  a.relays.front().host = "127.0.0.1";
  write(out / "text_formats/drop_address_ip", must(encode_drop_address(a)));
  a.relays.push_back({x25519_generate().public_key, "relay2.example.org", 443});
  write(out / "text_formats/drop_address_relays", must(encode_drop_address(a)));
  write(out / "text_formats/organisation_key", encode_organisation_key(org.public_key));
  write(out / "text_formats/relay_keys", encode_relay_keys({noise.public_key, signing.public_key}));

  auto analyst = ed25519_generate();
  auto messaging = x25519_generate();
  auto cert = [&](const Ed25519KeyPair& issuer, CertificateRole role, ByteView subject) {
    CertificateFields f;
    f.role = role;
    std::copy(subject.begin(), subject.end(), f.subject_key.begin());
    f.not_before_day = 20000;
    f.not_after_day = 20014;
    f.label = "seed";
    return must(issue_certificate(issuer, f)).encoded;
  };
  KeyBundleParams p;
  p.issued_day = 20000;
  p.expires_day = 20014;
  p.drop_size = 32768;
  p.pow_bits = 8;
  p.certificates = {cert(org, CertificateRole::analyst_identity, analyst.public_key),
                    cert(analyst, CertificateRole::analyst_messaging, messaging.public_key),
                    cert(org, CertificateRole::relay_noise, noise.public_key),
                    cert(org, CertificateRole::relay_signing, signing.public_key)};
  write(out / "signed_formats/certificate", p.certificates[0]);
  auto bundle = must(build_key_bundle(org, p));
  write(out / "signed_formats/key_bundle", bundle);
  write(out / "signed_formats/key_bundle_file", wire::wrap_file(wire::FileKind::key_bundle, bundle));
  v1::HandshakePayload hp;
  hp.set_version(1);
  hp.set_pow_challenge(std::string(32, 'c'));
  hp.set_pow_bits(12);
  hp.set_drop_size(32768);
  hp.set_max_drops_per_connection(256);
  write(out / "signed_formats/handshake_payload", must(wire::encode_handshake_payload(hp)));
  v1::Request req;
  req.mutable_put_drop()->set_drop(std::string(100, 'd'));
  req.mutable_put_drop()->set_pow_nonce(std::string(8, 'n'));
  write(out / "signed_formats/request", wire::encode(req));

  auto init = must(noise::make_nk_initiator(wire::prologue(), noise.public_key));
  write(out / "transport/message1", must(init.write_message({})));
  Bytes frames(3 * kRecordFrameBytes, 0);
  for (std::size_t i = 0; i < 3; ++i) put_u16be(frames.data() + i * kRecordFrameBytes, kRecordCiphertextBytes);
  write(out / "transport/frames", frames);

  // relay_session: record plaintexts (length prefix, message, zeros), one
  // request of each kind, the drop at the deployment's exact size.
  auto plaintexts = [](const v1::Request& r) {
    Bytes m = wire::encode(r);
    Bytes plain(records_for_message(m.size()) * kRecordPlaintextBytes, 0);
    put_u32be(plain.data(), static_cast<std::uint32_t>(m.size()));
    std::copy(m.begin(), m.end(), plain.begin() + kMessageLengthBytes);
    return plain;
  };
  v1::Request get_bundle;
  get_bundle.mutable_get_key_bundle();
  write(out / "relay_session/get_key_bundle", plaintexts(get_bundle));
  v1::Request get_board;
  get_board.mutable_get_reply_board();
  write(out / "relay_session/get_reply_board", plaintexts(get_board));
  v1::Request put;
  put.mutable_put_drop()->set_drop(std::string(32768, 'd'));
  put.mutable_put_drop()->set_pow_nonce(std::string(8, 'n'));
  write(out / "relay_session/put_drop", plaintexts(put));

  // socks5: a proxy's method choice and CONNECT replies (IPv4, domain, refused).
  write(out / "socks5/ok_ipv4", Bytes{5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0x1d, 0x1b});
  write(out / "socks5/ok_domain", Bytes{5, 0, 5, 0, 0, 3, 4, 'a', '.', 'b', 'c', 0x1d, 0x1b});
  write(out / "socks5/refused", Bytes{5, 0, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0});

  // codename: what a source types, in both word lists.
  write(out / "codename/english", std::string("abandon ability able about above absent absorb abstract absurd "
                                              "abuse access accident"));
  write(out / "codename/korean_nfc", std::string("가격 가끔 가난 가능 가득 가르침 가뭄 가방 가상 가슴 가운데 가을"));
  return 0;
}
