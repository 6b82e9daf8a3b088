#include "crypto/drop_address.h"

#include <gtest/gtest.h>

#include "crypto/bech32.h"

namespace cairn::crypto {
namespace {

constexpr std::string_view kOnion = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion";
constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

DropAddress sample(std::string host, std::uint16_t port = 443) {
  DropAddress a;
  a.organisation_key = ed25519_generate().public_key;
  a.relays = {{x25519_generate().public_key, std::move(host), port}};
  return a;
}

// The raw payload of an address, for building broken ones with a valid checksum.
Bytes payload_of(const DropAddress& a) {
  Bytes p{kDropAddressVersion};
  p.insert(p.end(), a.relays[0].relay_noise_key.begin(), a.relays[0].relay_noise_key.end());
  p.insert(p.end(), a.organisation_key.begin(), a.organisation_key.end());
  p.push_back(static_cast<std::uint8_t>(a.relays[0].port >> 8));
  p.push_back(static_cast<std::uint8_t>(a.relays[0].port));
  p.push_back(static_cast<std::uint8_t>(a.relays[0].host.size()));
  p.insert(p.end(), a.relays[0].host.begin(), a.relays[0].host.end());
  return p;
}

std::string encode(const DropAddress& a) {
  auto s = encode_drop_address(a);
  if (!s.ok()) throw std::runtime_error(s.error().message);
  return *s;
}

TEST(DropAddress, RoundTrip) {
  for (auto [host, port] : {std::pair<std::string, std::uint16_t>{"relay.example.org", 443},
                            {"localhost", 1},
                            {"203.0.113.7", 65535},
                            {std::string(kOnion), 9735}}) {
    auto a = sample(host, port);
    std::string s = encode(a);
    EXPECT_TRUE(s.starts_with("cairn1")) << s;
    EXPECT_LE(s.size(), kDropAddressMaxChars);
    auto b = parse_drop_address(s);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->relays[0].relay_noise_key, a.relays[0].relay_noise_key);
    EXPECT_EQ(b->organisation_key, a.organisation_key);
    EXPECT_EQ(b->relays[0].host, host);
    EXPECT_EQ(b->relays[0].port, port);
    EXPECT_EQ(b->relays[0].is_onion(), host == kOnion);
  }
}

TEST(DropAddress, PayloadLayoutIsTheSpecifiedOne) {
  auto a = sample("relay.example.org", 0x1f90);
  auto decoded = bech32_decode(encode(a));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->hrp, "cairn");
  EXPECT_EQ(decoded->data, payload_of(a));
  EXPECT_EQ(decoded->data[65], 0x1f);
  EXPECT_EQ(decoded->data[66], 0x90);
}

TEST(DropAddress, LongestAddressFitsTheCap) {
  std::string host;
  for (int i = 0; i < 3; ++i) host += std::string(63, 'a') + ".";
  host += std::string(61, 'b');  // 253 characters
  ASSERT_EQ(host.size(), kDropAddressHostMaxBytes);
  std::string s = encode(sample(host));
  EXPECT_EQ(s.size(), kDropAddressV1MaxChars);
  EXPECT_TRUE(parse_drop_address(s).ok());
}

TEST(DropAddress, EverySingleCharacterTypoIsCaught) {
  std::string s = encode(sample(std::string(kOnion)));
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Substitution by every other alphabet character (and the separator).
    for (char c : std::string(kCharset) + "1") {
      if (c == s[i]) continue;
      std::string t = s;
      t[i] = c;
      EXPECT_FALSE(parse_drop_address(t).ok()) << "substitute " << i << " " << c;
    }
    // Deletion.
    std::string d = s;
    d.erase(i, 1);
    EXPECT_FALSE(parse_drop_address(d).ok()) << "delete " << i;
    // Swapping neighbours.
    if (i + 1 < s.size() && s[i] != s[i + 1]) {
      std::string w = s;
      std::swap(w[i], w[i + 1]);
      EXPECT_FALSE(parse_drop_address(w).ok()) << "swap " << i;
    }
    // Changing the case of one letter.
    if (s[i] >= 'a' && s[i] <= 'z') {
      std::string u = s;
      u[i] = static_cast<char>(u[i] - 'a' + 'A');
      EXPECT_FALSE(parse_drop_address(u).ok()) << "case " << i;
    }
  }
  for (std::size_t i = 0; i <= s.size(); ++i) {
    for (char c : kCharset) {
      std::string t = s;
      t.insert(i, 1, c);
      EXPECT_FALSE(parse_drop_address(t).ok()) << "insert " << i << " " << c;
    }
  }
}

TEST(DropAddress, ChecksumErrorSaysTypo) {
  std::string s = encode(sample("relay.example.org"));
  s[20] = s[20] == 'q' ? 'p' : 'q';
  auto r = parse_drop_address(s);
  ASSERT_EQ(r.code(), Errc::checksum_mismatch);
  EXPECT_EQ(r.error().message, "the drop address has a typo: a character is wrong or missing");
}

TEST(DropAddress, LettersOutsideTheAlphabetAreNamedAsTypos) {
  std::string s = encode(sample("relay.example.org"));
  s[10] = 'o';  // o is never used: people type it for 0
  auto r = parse_drop_address(s);
  ASSERT_EQ(r.code(), Errc::malformed);
  EXPECT_TRUE(contains(r.error().message, "typo: character 11 ('o')")) << r.error().message;
}

TEST(DropAddress, WhitespaceAndInvisibleCharactersAreIgnored) {
  auto a = sample("relay.example.org");
  std::string s = encode(a);
  std::string pasted = "  \t" + s.substr(0, 30) + "\r\n" + s.substr(30, 30) + " \xc2\xa0" + s.substr(60, 10) +
                       "\xe2\x80\x8b" + s.substr(70, 5) + "\xc2\xad" + s.substr(75) + "\n\n";
  auto r = parse_drop_address("\xef\xbb\xbf" + pasted);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->relays[0].host, a.relays[0].host);
  EXPECT_EQ(r->organisation_key, a.organisation_key);
}

TEST(DropAddress, UpperCaseIsAcceptedMixedCaseIsNot) {
  auto a = sample("relay.example.org");
  std::string s = encode(a);
  std::string upper = s;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto r = parse_drop_address(upper);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->relays[0].host, "relay.example.org");
  std::string mixed = s;
  mixed[0] = 'C';
  auto m = parse_drop_address(mixed);
  ASSERT_EQ(m.code(), Errc::malformed);
  EXPECT_TRUE(contains(m.error().message, "capital and small letters")) << m.error().message;
}

TEST(DropAddress, WrongPrefix) {
  std::string expected = "this is not a Cairn drop address (it should start with cairn1)";
  EXPECT_EQ(parse_drop_address("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq").error().message, expected);
  EXPECT_EQ(parse_drop_address("https://example.org").error().message, expected);
  auto age = parse_drop_address("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p");
  ASSERT_EQ(age.code(), Errc::malformed);
  EXPECT_TRUE(contains(age.error().message, "age recipient")) << age.error().message;
  // A look-alike Cyrillic letter in the prefix.
  auto cyr = parse_drop_address("c\xd0\xb0irn1qqqq");
  ASSERT_EQ(cyr.code(), Errc::malformed);
  EXPECT_TRUE(contains(cyr.error().message, "character 2")) << cyr.error().message;
}

TEST(DropAddress, EmptyAndTooLong) {
  EXPECT_EQ(parse_drop_address("").code(), Errc::malformed);
  EXPECT_EQ(parse_drop_address(" \n\t ").error().message, "the drop address is empty");
  EXPECT_EQ(parse_drop_address("cairn1").error().message, "the drop address is cut short: most of it is missing");
  EXPECT_EQ(parse_drop_address("cairn1qqqq").code(), Errc::malformed);
  EXPECT_EQ(parse_drop_address(std::string(kDropAddressMaxInputChars + 1, ' ')).code(), Errc::too_large);
  EXPECT_EQ(parse_drop_address("cairn1" + std::string(kDropAddressMaxChars, 'q')).code(), Errc::too_large);
}

TEST(DropAddress, VersionTruncationAndExtraBytes) {
  auto a = sample("relay.example.org");
  Bytes p = payload_of(a);

  Bytes v3 = p;
  v3[0] = 3;
  auto r = parse_drop_address(bech32_encode("cairn", v3));
  ASSERT_EQ(r.code(), Errc::unsupported);
  EXPECT_TRUE(contains(r.error().message, "newer version of Cairn")) << r.error().message;
  Bytes v0 = p;
  v0[0] = 0;
  EXPECT_EQ(parse_drop_address(bech32_encode("cairn", v0)).code(), Errc::malformed);

  EXPECT_EQ(parse_drop_address(bech32_encode("cairn", {})).code(), Errc::malformed);
  for (std::size_t n : {std::size_t{1}, std::size_t{40}, kDropAddressFixedBytes - 1, p.size() - 1}) {
    auto t = parse_drop_address(bech32_encode("cairn", ByteView(p).first(n)));
    ASSERT_EQ(t.code(), Errc::malformed) << n;
    EXPECT_TRUE(contains(t.error().message, "cut short")) << t.error().message;
  }
  Bytes extra = p;
  extra.push_back('x');
  auto e = parse_drop_address(bech32_encode("cairn", extra));
  ASSERT_EQ(e.code(), Errc::malformed);
  EXPECT_TRUE(contains(e.error().message, "extra data")) << e.error().message;
}

TEST(DropAddress, InvalidFieldsWithAValidChecksum) {
  auto with_host = [](std::string host) {
    auto a = sample("x.org");
    a.relays[0].host = std::move(host);
    return parse_drop_address(bech32_encode("cairn", payload_of(a)));
  };
  EXPECT_EQ(with_host("exa mple.org").code(), Errc::malformed);
  EXPECT_EQ(with_host("evil.org\x1b[2J").code(), Errc::malformed);
  EXPECT_EQ(with_host("Relay.Example.org").code(), Errc::malformed);
  EXPECT_EQ(with_host("::1").code(), Errc::malformed);
  EXPECT_EQ(with_host("").code(), Errc::malformed);
  EXPECT_TRUE(contains(with_host("a..b").error().message, "damaged")) << with_host("a..b").error().message;

  auto a = sample("relay.example.org");
  a.relays[0].port = 0;
  auto port = parse_drop_address(bech32_encode("cairn", payload_of(a)));
  ASSERT_EQ(port.code(), Errc::malformed);
  EXPECT_TRUE(contains(port.error().message, "port")) << port.error().message;

  auto b = sample("relay.example.org");
  b.organisation_key = {};
  auto org = parse_drop_address(bech32_encode("cairn", payload_of(b)));
  ASSERT_EQ(org.code(), Errc::malformed);
  EXPECT_TRUE(contains(org.error().message, "organisation key")) << org.error().message;

  auto c = sample("relay.example.org");
  c.relays[0].relay_noise_key = {};
  EXPECT_EQ(parse_drop_address(bech32_encode("cairn", payload_of(c))).code(), Errc::malformed);
}

TEST(DropAddress, HostRules) {
  std::string label63(63, 'a');
  for (const std::string& ok : std::vector<std::string>{"relay.example.org", "localhost", "a", "xn--80akhbyknj4f.xn--p1ai", "a-b.c-d.e",
                         "10.0.0.1", "0.0.0.0", "255.255.255.255", std::string(kOnion), label63 + ".org"})
    EXPECT_TRUE(check_drop_address_host(ok).ok()) << ok;
  for (const std::string& bad : std::vector<std::string>{"", "-a.org", "a-.org", "a..org", ".a.org", "a.org.", "256.1.1.1", "01.2.3.4",
                          "1.2.3", "1.2.3.4.5", "a.123", "ABC.org", "a_b.org", "a b.org", label63 + "a.org",
                          std::string(254, 'a'), "expyuzz4wqqyqhjn.onion",
                          std::string(kOnion).replace(55, 1, "a"), "www." + std::string(kOnion),
                          "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscry1.onion"})
    EXPECT_EQ(check_drop_address_host(bad).code(), Errc::malformed) << bad;
  EXPECT_EQ(check_drop_address_host("::1").code(), Errc::unsupported);
  EXPECT_EQ(check_drop_address_host("[2001:db8::1]").code(), Errc::unsupported);
}

// The v3 onion checksum (SHA3-256, Tor rend-spec-v3): a mistyped character
// that still looks like an onion name is caught, and named as a typo.
TEST(DropAddress, OnionChecksumCatchesTypos) {
  std::string onion(kOnion);
  for (std::size_t at : {0u, 10u, 30u, 52u, 54u}) {
    std::string typo = onion;
    typo[at] = typo[at] == 'q' ? 'r' : 'q';
    auto r = check_drop_address_host(typo);
    ASSERT_FALSE(r.ok()) << typo;
    EXPECT_EQ(r.code(), Errc::checksum_mismatch) << typo;
    EXPECT_NE(r.error().message.find("has a typo"), std::string::npos) << r.error().message;
    EXPECT_EQ(encode_drop_address(sample(typo)).code(), Errc::invalid_argument) << typo;
  }
  // Tor's own example names (rend-spec-v3 and the Tor Project's onion).
  EXPECT_TRUE(check_drop_address_host("2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion").ok());
}

TEST(DropAddress, EncodeRefusesAddressesThatCouldNeverParse) {
  EXPECT_EQ(encode_drop_address(sample("relay.example.org", 0)).code(), Errc::invalid_argument);
  EXPECT_EQ(encode_drop_address(sample("Relay.Example.org")).code(), Errc::invalid_argument);
  EXPECT_EQ(encode_drop_address(sample("")).code(), Errc::invalid_argument);
  auto a = sample("relay.example.org");
  a.organisation_key = {};
  EXPECT_EQ(encode_drop_address(a).code(), Errc::invalid_argument);
  auto b = sample("relay.example.org");
  b.relays[0].relay_noise_key = {};
  EXPECT_EQ(encode_drop_address(b).code(), Errc::invalid_argument);
}

// ---- Several relays (version 2) ----

DropAddress several(std::size_t n, const std::string& host_prefix = "relay") {
  DropAddress a;
  a.organisation_key = ed25519_generate().public_key;
  for (std::size_t i = 0; i < n; ++i)
    a.relays.push_back({x25519_generate().public_key, host_prefix + std::to_string(i) + ".example.org",
                        static_cast<std::uint16_t>(443 + i)});
  return a;
}

// The version 2 payload of an address, built by hand from the layout in
// docs/PROTOCOL.md, with any relay count.
Bytes payload_v2(const DropAddress& a, std::size_t claimed_count) {
  Bytes p{2};
  p.insert(p.end(), a.organisation_key.begin(), a.organisation_key.end());
  p.push_back(static_cast<std::uint8_t>(claimed_count));
  for (const auto& r : a.relays) {
    p.insert(p.end(), r.relay_noise_key.begin(), r.relay_noise_key.end());
    p.push_back(static_cast<std::uint8_t>(r.port >> 8));
    p.push_back(static_cast<std::uint8_t>(r.port));
    p.push_back(static_cast<std::uint8_t>(r.host.size()));
    p.insert(p.end(), r.host.begin(), r.host.end());
  }
  return p;
}

TEST(DropAddressRelays, SeveralRelaysRoundTripInTheirOrder) {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, kDropAddressMaxRelays}) {
    auto a = several(n);
    a.relays[1].host = std::string(kOnion);
    std::string s = encode(a);
    EXPECT_LE(s.size(), kDropAddressMaxChars);
    auto b = parse_drop_address(s);
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(b->organisation_key, a.organisation_key);
    EXPECT_EQ(b->relays, a.relays);
    EXPECT_FALSE(b->all_onion());
    auto decoded = bech32_decode(s, kDropAddressMaxChars);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->data, payload_v2(a, n));
  }
}

TEST(DropAddressRelays, OneRelayIsStillAVersion1Address) {
  auto a = sample("relay.example.org");
  auto decoded = bech32_decode(encode(a));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->data[0], kDropAddressVersion);
  EXPECT_EQ(decoded->data, payload_of(a));  // byte for byte what older Cairn made and reads
}

TEST(DropAddressRelays, EightOnionRelaysFitAndAreAllOnion) {
  auto a = several(kDropAddressMaxRelays);
  for (auto& r : a.relays) r.host = std::string(kOnion);
  for (std::size_t i = 0; i < a.relays.size(); ++i) a.relays[i].port = static_cast<std::uint16_t>(1000 + i);
  auto b = parse_drop_address(encode(a));
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_TRUE(b->all_onion());
}

TEST(DropAddressRelays, TooManyRelaysAreRefusedWithTheirOwnError) {
  auto nine = several(kDropAddressMaxRelays + 1, "r");
  auto encoded = encode_drop_address(nine);
  ASSERT_EQ(encoded.code(), Errc::too_large);
  EXPECT_TRUE(contains(encoded.error().message, "at most 8 relays")) << encoded.error().message;
  // Nine relays with short names fit the character cap: the count is what is refused.
  auto text = bech32_encode("cairn", payload_v2(nine, nine.relays.size()));
  ASSERT_LE(text.size(), kDropAddressMaxChars);
  auto parsed = parse_drop_address(text);
  ASSERT_EQ(parsed.code(), Errc::too_large);
  EXPECT_TRUE(contains(parsed.error().message, "names 9 relays")) << parsed.error().message;
  EXPECT_TRUE(contains(parsed.error().message, "at most 8")) << parsed.error().message;
}

TEST(DropAddressRelays, AnAddressOverTheCharacterCapIsRefused) {
  auto a = several(kDropAddressMaxRelays);
  std::string host;
  for (int i = 0; i < 3; ++i) host += std::string(63, 'a') + ".";
  for (std::size_t i = 0; i < a.relays.size(); ++i) a.relays[i].host = host + std::string(60, 'b') + std::to_string(i);
  auto encoded = encode_drop_address(a);
  ASSERT_EQ(encoded.code(), Errc::too_large);
  EXPECT_TRUE(contains(encoded.error().message, "the limit is 2048")) << encoded.error().message;
  auto text = bech32_encode("cairn", payload_v2(a, a.relays.size()));
  EXPECT_EQ(parse_drop_address(text).code(), Errc::too_large);
}

TEST(DropAddressRelays, DamagedVersion2Payloads) {
  auto a = several(3);
  auto parse = [](const Bytes& p) { return parse_drop_address(bech32_encode("cairn", p)); };
  auto damaged_because = [&](const Bytes& p, std::string_view why) {
    auto r = parse(p);
    ASSERT_EQ(r.code(), Errc::malformed) << why;
    EXPECT_TRUE(contains(r.error().message, why)) << r.error().message;
  };
  auto one = a;
  one.relays.resize(1);
  damaged_because(payload_v2(one, 1), "at least two relays");
  damaged_because(payload_v2(DropAddress{a.organisation_key, {}}, 0), "at least two relays");
  damaged_because(payload_v2(a, 4), "cut short");  // claims one more than it holds
  auto p = payload_v2(a, 3);
  damaged_because(Bytes(p.begin(), p.end() - 1), "cut short");
  auto extra = p;
  extra.push_back('x');
  damaged_because(extra, "extra data");
  auto twice = a;
  twice.relays[2] = twice.relays[0];
  damaged_because(payload_v2(twice, 3), "same relay twice");
  EXPECT_EQ(encode_drop_address(twice).code(), Errc::invalid_argument);
  auto zero_port = a;
  zero_port.relays[1].port = 0;
  damaged_because(payload_v2(zero_port, 3), "port");
  auto bad_host = a;
  bad_host.relays[2].host = "Bad.Host";
  damaged_because(payload_v2(bad_host, 3), "damaged");
  EXPECT_EQ(encode_drop_address(DropAddress{a.organisation_key, {}}).code(), Errc::invalid_argument);
}

}  // namespace
}  // namespace cairn::crypto
