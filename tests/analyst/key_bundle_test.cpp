// What the station publishes: the key bundle (verified back to the
// organisation key, accepted by the relay), the drop address, and its QR code.
#include <gtest/gtest.h>
#include <qrencode.h>
#include <zlib.h>

#include "analyst/qr_png.h"
#include "crypto/drop_address.h"
#include "crypto/key_bundle.h"
#include "station.h"
#include "support/result.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

class KeyBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    relay = test::two_analysts_and_a_relay(station, today);
  }
  // Every station command runs on this day (--today), read once: the checks
  // below compare days with it, whether or not midnight passes meanwhile.
  const DayNumber today = today_utc();
  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
};

TEST_F(KeyBundleTest, CarriesEveryAnalystAndTheRelayAndVerifiesToTheOrganisation) {
  auto out = station.path("keys.cairn");
  auto r = station.ok({"keys", "bundle", "--out", out.string(), "--drop-size", "16384", "--pow-bits", "12"}, today);
  EXPECT_NE(r.out.find("2 analyst(s), 2 messaging key(s)"), std::string::npos) << r.out;
  auto file = test::read_file(out);
  EXPECT_EQ(must(wire::detect_file_kind(file), "kind"), wire::FileKind::key_bundle);
  auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, file), "unwrap");
  auto verified = must(crypto::verify_key_bundle(body, station.org(), today), "verify");
  EXPECT_EQ(verified.drop_size, 16384u);
  EXPECT_EQ(verified.pow_bits, 12u);
  EXPECT_EQ(verified.relay_noise_key, relay->keys().noise);
  EXPECT_EQ(verified.relay_signing_key, relay->keys().signing);
  EXPECT_EQ(verified.relay_name, "relay-1");
  ASSERT_EQ(verified.analysts.size(), 2u);
  auto recipients = station.recipients(today);
  std::sort(recipients.begin(), recipients.end());
  std::sort(verified.messaging_keys.begin(), verified.messaging_keys.end());
  EXPECT_EQ(verified.messaging_keys, recipients);
  // A day of clock tolerance on both sides of the station's today.
  EXPECT_TRUE(crypto::verify_key_bundle(body, station.org(), today - 1).ok());
  // Another organisation's clients refuse it.
  EXPECT_EQ(test::code_of(crypto::verify_key_bundle(body, crypto::ed25519_generate().public_key, today)),
            Errc::untrusted);
  // The relay accepts it: it certifies the relay's own keys.
  relay->publish(out);
  // The drop size is remembered: imports accept drops of that size.
  auto v = station.open();
  auto q = must(v->db().prepare("SELECT size FROM drop_sizes;"), "sizes");
  ASSERT_TRUE(must(q.step(), "step"));
  EXPECT_EQ(q.column_int(0), 16384);
}

// keys bundle --bridges FILE: the organisation's bridge lines, signed in the
// bundle; comments and blank lines skipped; a bad line named by number.
TEST_F(KeyBundleTest, BridgeLinesFromAFileAreSignedIntoTheBundle) {
  const std::string obfs4 = "obfs4 192.0.2.1:443 0123456789ABCDEF0123456789ABCDEF01234567 cert=AAAA iat-mode=0";
  const std::string snowflake = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72";
  test::write_file(station.path("bridges.txt"),
                   as_bytes("# from bridges.torproject.org\n\n" + obfs4 + "\r\n  " + snowflake + "\n"));
  auto out = station.path("keys.cairn");
  auto r = station.ok({"keys", "bundle", "--out", out.string(), "--bridges", station.path("bridges.txt").string()}, today);
  EXPECT_NE(r.out.find("2 bridge line(s)"), std::string::npos) << r.out;
  auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, test::read_file(out)), "unwrap");
  auto verified = must(crypto::verify_key_bundle(body, station.org(), today), "verify");
  EXPECT_EQ(verified.bridge_lines, (std::vector<std::string>{obfs4, snowflake}));

  test::write_file(station.path("bad.txt"), as_bytes(obfs4 + "\n" + obfs4 + " \"quoted\"\n"));
  auto bad = station.run({"keys", "bundle", "--out", station.path("bad.cairn").string(), "--bridges",
                          station.path("bad.txt").string()}, today);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("line 2"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(station.path("bad.cairn")));
}

TEST_F(KeyBundleTest, ChoosingTheRelayAndNeverOverwriting) {
  test::LocalRelay second(station.org());
  station.ok({"relay", "add", "relay-2", second.keys_text()}, today);
  auto which = station.run({"keys", "bundle", "--out", station.path("b").string()}, today);
  EXPECT_EQ(which.exit_code, 1);
  EXPECT_NE(which.err.find("several relays ('relay-1', 'relay-2'); say which one with --relay"), std::string::npos)
      << which.err;
  auto unknown = station.run({"keys", "bundle", "--relay", "relay-9", "--out", station.path("b").string()}, today);
  EXPECT_NE(unknown.err.find("no relay named 'relay-9'"), std::string::npos) << unknown.err;
  station.ok({"keys", "bundle", "--relay", "relay-2", "--out", station.path("b").string()}, today);
  second.publish(station.path("b"));
  auto again = station.run({"keys", "bundle", "--relay", "relay-2", "--out", station.path("b").string()}, today);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;
  // A bundle for relay-2 is refused by relay-1.
  auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, test::read_file(station.path("b"))), "unwrap");
  EXPECT_EQ(test::code_of(relay::publish_key_bundle(relay->store(), body, today)), Errc::untrusted);
  auto bad_size = station.run({"keys", "bundle", "--relay", "relay-1", "--drop-size", "100", "--out",
                               station.path("c").string()}, today);
  EXPECT_NE(bad_size.err.find("drop size 100 is outside"), std::string::npos) << bad_size.err;
  EXPECT_FALSE(fs::exists(station.path("c")));
}

TEST_F(KeyBundleTest, TheDropAddressNamesTheRelayAndTheOrganisation) {
  auto r = station.ok({"keys", "address", "--relay", "relay-1", "--host", "relay.example.org", "--port", "443"}, today);
  auto text = test::first_line(r.out);
  auto address = must(crypto::parse_drop_address(text), "address");
  ASSERT_EQ(address.relays.size(), 1u);
  EXPECT_EQ(address.relays[0].relay_noise_key, relay->keys().noise);
  EXPECT_EQ(address.organisation_key, station.org());
  EXPECT_EQ(address.relays[0].host, "relay.example.org");
  EXPECT_EQ(address.relays[0].port, 443);
  auto bad = station.run({"keys", "address", "--relay", "relay-1", "--host", "Bad Host", "--port", "443"}, today);
  EXPECT_EQ(bad.exit_code, 1);
  auto unknown = station.run({"keys", "address", "--relay", "nope", "--host", "a.org", "--port", "1"}, today);
  EXPECT_NE(unknown.err.find("no relay named 'nope'"), std::string::npos) << unknown.err;
}

// ---- The QR code ----

struct Png {
  std::uint32_t width = 0, height = 0;
  Bytes pixels;  // greyscale, one byte per pixel, rows without filter bytes
};

// A strict reader for exactly the PNGs qr_code_png writes: checks the
// signature, every chunk's CRC, the header fields, and that each row uses
// filter 0.
Png decode_png(const Bytes& png) {
  static const std::uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Png out;
  EXPECT_GE(png.size(), 8u);
  EXPECT_TRUE(std::equal(sig, sig + 8, png.begin()));
  std::size_t at = 8;
  Bytes idat;
  bool ended = false;
  while (at + 12 <= png.size() && !ended) {
    std::uint32_t len = get_u32be(&png[at]);
    std::string type(reinterpret_cast<const char*>(&png[at + 4]), 4);
    EXPECT_LE(at + 12 + len, png.size());
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, &png[at + 4], 4 + len);
    EXPECT_EQ(get_u32be(&png[at + 8 + len]), static_cast<std::uint32_t>(crc)) << type;
    const std::uint8_t* data = &png[at + 8];
    if (type == "IHDR") {
      EXPECT_EQ(len, 13u);
      out.width = get_u32be(data);
      out.height = get_u32be(data + 4);
      EXPECT_EQ(data[8], 8);   // bit depth
      EXPECT_EQ(data[9], 0);   // greyscale
      EXPECT_EQ(data[12], 0);  // not interlaced
    } else if (type == "IDAT") {
      idat.insert(idat.end(), data, data + len);
    } else if (type == "IEND") {
      ended = true;
    }
    at += 12 + len;
  }
  EXPECT_TRUE(ended);
  EXPECT_EQ(at, png.size());
  Bytes raw(static_cast<std::size_t>(out.height) * (out.width + 1));
  uLongf raw_len = raw.size();
  EXPECT_EQ(uncompress(raw.data(), &raw_len, idat.data(), idat.size()), Z_OK);
  EXPECT_EQ(raw_len, raw.size());
  for (std::uint32_t y = 0; y < out.height; ++y) {
    EXPECT_EQ(raw[y * (out.width + 1)], 0) << "row " << y << " filter";
    out.pixels.insert(out.pixels.end(), raw.begin() + y * (out.width + 1) + 1, raw.begin() + (y + 1) * (out.width + 1));
  }
  return out;
}

TEST_F(KeyBundleTest, TheQrCodeIsAValidPngOfTheAddress) {
  auto png_path = station.path("address.png");
  auto r = station.ok({"keys", "address", "--relay", "relay-1", "--host", "127.0.0.1", "--port", "7443", "--qr",
                       png_path.string()}, today);
  auto text = test::first_line(r.out);
  auto png = decode_png(test::read_file(png_path));

  // The symbol libqrencode makes for the upper-case address, module by module.
  std::string upper = text;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  QRcode* qr = QRcode_encodeString(upper.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  ASSERT_NE(qr, nullptr);
  auto modules = static_cast<std::uint32_t>(qr->width);
  const std::uint32_t scale = kQrPixelsPerModule, quiet = kQrQuietZoneModules;
  ASSERT_EQ(png.width, (modules + 2 * quiet) * scale);
  ASSERT_EQ(png.height, png.width);
  std::size_t wrong = 0;
  for (std::uint32_t y = 0; y < png.height; ++y)
    for (std::uint32_t x = 0; x < png.width; ++x) {
      std::uint32_t mx = x / scale, my = y / scale;
      bool dark = mx >= quiet && my >= quiet && mx < modules + quiet && my < modules + quiet &&
                  (qr->data[(my - quiet) * modules + (mx - quiet)] & 1);
      wrong += png.pixels[y * png.width + x] != (dark ? 0 : 255);
    }
  QRcode_free(qr);
  EXPECT_EQ(wrong, 0u);
  // The upper-case form the QR code carries is a valid address (what a scanner reads).
  EXPECT_EQ(must(crypto::parse_drop_address(upper), "upper").relays.at(0).relay_noise_key, relay->keys().noise);
  // Never overwritten.
  auto again = station.run({"keys", "address", "--relay", "relay-1", "--host", "127.0.0.1", "--port", "7443", "--qr",
                            png_path.string()}, today);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos);
}

TEST_F(KeyBundleTest, AQrScannerReadsTheAddressBack) {
  auto zbarimg = test::find_in_path("zbarimg");
  if (!zbarimg) GTEST_SKIP() << "zbarimg is not installed (scripts/bootstrap.sh installs zbar-tools)";
  auto png_path = station.path("address.png");
  auto r = station.ok({"keys", "address", "--relay", "relay-1", "--host", "127.0.0.1", "--port", "7443", "--qr",
                       png_path.string()}, today);
  auto text = test::first_line(r.out);
  auto scanned = test::run_capture({zbarimg->string(), "--raw", "-q", png_path.string()});
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  auto read_back = test::first_line(scanned.out);
  auto a = must(crypto::parse_drop_address(read_back), "scanned address");
  auto b = must(crypto::parse_drop_address(text), "printed address");
  EXPECT_EQ(a.relays, b.relays);
  EXPECT_EQ(a.organisation_key, b.organisation_key);
}

}  // namespace
}  // namespace cairn::analyst
