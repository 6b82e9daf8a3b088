#include "crypto/drop_address.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "crypto/bech32.h"
#include "crypto/sha3.h"
#include "i18n/catalog.h"

namespace cairn::crypto {
namespace {

// Byte offsets of the payload layout in docs/PROTOCOL.md, "Drop address".
constexpr std::size_t kOffVersion = 0;
constexpr std::size_t kOffRelayKey = 1;
constexpr std::size_t kOffOrganisationKey = 33;
constexpr std::size_t kOffPort = 65;
constexpr std::size_t kOffHostLength = 67;
constexpr std::size_t kOffHost = 68;
static_assert(kOffHost == kDropAddressFixedBytes);

constexpr std::string_view kOnionSuffix = ".onion";
constexpr std::string_view kBech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::string_view kPrefix = "cairn1";
using i18n::N_;
using i18n::tr;
using i18n::trf;

// Invisible characters that copying from web pages, PDFs and messengers
// inserts; none can be part of an address, so they are dropped like spaces.
constexpr std::array<std::string_view, 7> kIgnorableSequences = {
    "\xc2\xa0",      // U+00A0 no-break space
    "\xc2\xad",      // U+00AD soft hyphen
    "\xe2\x80\x8b",  // U+200B zero-width space
    "\xe2\x80\x8c",  // U+200C zero-width non-joiner
    "\xe2\x80\x8d",  // U+200D zero-width joiner
    "\xe2\x81\xa0",  // U+2060 word joiner
    "\xef\xbb\xbf",  // U+FEFF byte-order mark / zero-width no-break space
};

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

Error damaged(std::string detail) {
  return make_error(Errc::malformed,
                    trf("this drop address is damaged or was made by faulty software: %s; ask for the drop address again",
                        detail));
}

// Removes everything that cannot be part of an address but that pasting adds.
// Any other character outside printable ASCII is an error.
Result<std::string> strip_ignorable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;  // in characters, for the message
  for (std::size_t i = 0; i < text.size();) {
    ++position;
    if (is_ascii_space(text[i])) { ++i; continue; }
    bool skipped = false;
    for (auto seq : kIgnorableSequences)
      if (text.substr(i).starts_with(seq)) { i += seq.size(); skipped = true; break; }
    if (skipped) continue;
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x21 || c > 0x7e)
      return make_error(Errc::malformed, trf("the drop address contains a character that cannot be in it (character "
                                             "%s); a drop address has only letters and digits",
                                             position));
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

Status check_ipv4(std::string_view host) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    auto part = host.substr(start, end - start);
    ++parts;
    if (part.empty() || part.size() > 3 || (part.size() > 1 && part[0] == '0'))
      return make_error(Errc::malformed, "the server address '" + std::string(host) + "' is not a valid IPv4 address");
    int value = 0;
    for (char c : part) value = value * 10 + (c - '0');
    if (value > 255)
      return make_error(Errc::malformed, "the server address '" + std::string(host) + "' is not a valid IPv4 address");
    start = end + 1;
  }
  if (parts != 4)
    return make_error(Errc::malformed, "the server address '" + std::string(host) + "' is not a valid IPv4 address");
  return ok_status();
}

// RFC 4648 base32, lower case, no padding: the 56 characters of a v3 onion
// name (already checked to be a-z2-7) -> its 35 bytes.
constexpr std::size_t kOnionV3Bytes = 35;
ByteArray<kOnionV3Bytes> base32_decode_onion(std::string_view name) {
  ByteArray<kOnionV3Bytes> out{};
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t at = 0;
  for (char c : name) {
    acc = (acc << 5) | static_cast<std::uint32_t>(c >= 'a' ? c - 'a' : c - '2' + 26);
    bits += 5;
    if (bits >= 8 && at < out.size()) {
      bits -= 8;
      out[at++] = static_cast<std::uint8_t>(acc >> bits);
    }
  }
  return out;
}

Status check_onion(std::string_view host) {
  auto name = host.substr(0, host.size() - kOnionSuffix.size());
  bool base32 = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
  });
  // A v3 name is base32(public key 32 || checksum 2 || version 0x03): 56
  // characters, the last of which encodes the version's low bits, so 'd'.
  if (name.size() != kOnionV3NameChars || !base32 || name.back() != 'd')
    return make_error(Errc::malformed, "the onion name '" + std::string(host) +
                                           "' is not a version 3 onion name (56 letters and digits 2-7 before .onion)");
  // checksum = SHA3-256(".onion checksum" || public key || version)[:2]
  // (Tor rend-spec-v3, "Encoding onion addresses"): catches a typo.
  const auto decoded = base32_decode_onion(name);
  constexpr std::string_view kChecksumPrefix = ".onion checksum";
  ByteArray<kChecksumPrefix.size() + 32 + 1> input{};
  std::copy(kChecksumPrefix.begin(), kChecksumPrefix.end(), input.begin());
  std::copy(decoded.begin(), decoded.begin() + 32, input.begin() + kChecksumPrefix.size());
  input.back() = decoded[34];
  auto digest = sha3_256(input);
  if (decoded[34] != 0x03 || digest[0] != decoded[32] || digest[1] != decoded[33])
    return make_error(Errc::checksum_mismatch, "the onion name '" + std::string(host) +
                                                   "' has a typo: its checksum does not match");
  return ok_status();
}

Status check_dns_name(std::string_view host) {
  std::size_t start = 0;
  std::string_view last;
  while (start <= host.size()) {
    std::size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    auto label = host.substr(start, end - start);
    if (label.empty())
      return make_error(Errc::malformed, "the server name '" + std::string(host) +
                                             "' has an empty part (two dots in a row, or a dot at the start or end)");
    if (label.size() > 63)
      return make_error(Errc::malformed, "the server name '" + std::string(host) + "' has a part longer than 63 characters");
    if (label.front() == '-' || label.back() == '-')
      return make_error(Errc::malformed, "a part of the server name '" + std::string(host) +
                                             "' starts or ends with '-'");
    last = label;
    start = end + 1;
  }
  if (std::all_of(last.begin(), last.end(), is_digit))
    return make_error(Errc::malformed, "the server name '" + std::string(host) + "' ends in a part that is all digits");
  return ok_status();
}

bool is_all_zero(const X25519Public& key) {
  return std::all_of(key.begin(), key.end(), [](auto b) { return b == 0; });
}

// The checks every relay entry of a parsed payload gets.
Status check_relay_entry(const RelayAddress& r) {
  if (is_all_zero(r.relay_noise_key)) return damaged(tr("its relay key is invalid"));
  if (r.port == 0) return damaged(tr("its port is 0"));
  if (auto h = check_drop_address_host(r.host); !h.ok()) return damaged(h.error().message);
  return ok_status();
}

Result<DropAddress> parse_version_1(const Bytes& p) {
  if (p.size() < kDropAddressFixedBytes) return damaged(tr("it is cut short"));
  std::size_t host_length = p[kOffHostLength];
  if (p.size() < kDropAddressFixedBytes + host_length) return damaged(tr("it is cut short"));
  if (p.size() > kDropAddressFixedBytes + host_length) return damaged(tr("it has extra data at the end"));

  DropAddress a;
  RelayAddress& r = a.relays.emplace_back();
  std::copy_n(p.begin() + kOffRelayKey, 32, r.relay_noise_key.begin());
  std::copy_n(p.begin() + kOffOrganisationKey, 32, a.organisation_key.begin());
  r.port = get_u16be(p.data() + kOffPort);
  r.host.assign(p.begin() + kOffHost, p.end());
  if (is_all_zero(r.relay_noise_key)) return damaged(tr("its relay key is invalid"));
  if (!check_ed25519_public_key(a.organisation_key).ok()) return damaged(tr("its organisation key is invalid"));
  CAIRN_CHECK(check_relay_entry(r));
  return a;
}

// Version 2: u8(2) || organisation key || u8(N) || N × (relay key || u16be(port) || u8(H) || host).
Result<DropAddress> parse_version_2(const Bytes& p) {
  if (p.size() < kDropAddressRelaysFixedBytes) return damaged(tr("it is cut short"));
  DropAddress a;
  std::copy_n(p.begin() + 1, 32, a.organisation_key.begin());
  const std::size_t count = p[33];
  if (count > kDropAddressMaxRelays)
    return make_error(Errc::too_large, trf("this drop address names %s relays, but a drop address names at most %s; "
                                           "ask for the drop address again",
                                           count, kDropAddressMaxRelays));
  if (count < 2) return damaged(tr("a version 2 address must name at least two relays"));
  if (!check_ed25519_public_key(a.organisation_key).ok()) return damaged(tr("its organisation key is invalid"));
  std::size_t at = kDropAddressRelaysFixedBytes;
  for (std::size_t i = 0; i < count; ++i) {
    if (p.size() < at + kDropAddressRelayEntryFixedBytes) return damaged(tr("it is cut short"));
    RelayAddress r;
    std::copy_n(p.begin() + static_cast<std::ptrdiff_t>(at), 32, r.relay_noise_key.begin());
    r.port = get_u16be(p.data() + at + 32);
    const std::size_t host_length = p[at + 34];
    at += kDropAddressRelayEntryFixedBytes;
    if (p.size() < at + host_length) return damaged(tr("it is cut short"));
    r.host.assign(p.begin() + static_cast<std::ptrdiff_t>(at), p.begin() + static_cast<std::ptrdiff_t>(at + host_length));
    at += host_length;
    CAIRN_CHECK(check_relay_entry(r));
    if (std::find(a.relays.begin(), a.relays.end(), r) != a.relays.end())
      return damaged(tr("it names the same relay twice"));
    a.relays.push_back(std::move(r));
  }
  if (p.size() > at) return damaged(tr("it has extra data at the end"));
  return a;
}

}  // namespace

bool RelayAddress::is_onion() const { return host.ends_with(kOnionSuffix); }

bool DropAddress::all_onion() const {
  return std::all_of(relays.begin(), relays.end(), [](const RelayAddress& r) { return r.is_onion(); });
}

Status check_drop_address_host(std::string_view host) {
  if (host.empty()) return make_error(Errc::malformed, "the server name is empty");
  if (host.size() > kDropAddressHostMaxBytes)
    return make_error(Errc::malformed, "the server name is longer than 253 characters");
  if (host.find(':') != std::string_view::npos)
    return make_error(Errc::unsupported, "IPv6 addresses cannot be used in a drop address; use a DNS name");
  // Characters first, so the messages below can quote the host safely.
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-'))
      return make_error(Errc::malformed, "the server name contains a character that is not allowed in server names");
  if (std::any_of(host.begin(), host.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return make_error(Errc::malformed, "the server name '" + std::string(host) + "' must be written in lower case");
  if (host.ends_with(kOnionSuffix)) return check_onion(host);
  if (std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; }))
    return check_ipv4(host);
  return check_dns_name(host);
}

Result<std::string> encode_drop_address(const DropAddress& a) {
  if (a.relays.empty()) return make_error(Errc::invalid_argument, "a drop address names at least one relay");
  if (a.relays.size() > kDropAddressMaxRelays)
    return make_error(Errc::too_large, "a drop address names at most " + std::to_string(kDropAddressMaxRelays) +
                                           " relays; this one would name " + std::to_string(a.relays.size()));
  if (!check_ed25519_public_key(a.organisation_key).ok())
    return make_error(Errc::invalid_argument, "the organisation key is not a valid Ed25519 public key");
  for (std::size_t i = 0; i < a.relays.size(); ++i) {
    const auto& r = a.relays[i];
    if (auto s = check_drop_address_host(r.host); !s.ok()) return make_error(Errc::invalid_argument, s.error().message);
    if (r.port == 0) return make_error(Errc::invalid_argument, "the port of a drop address cannot be 0");
    if (is_all_zero(r.relay_noise_key)) return make_error(Errc::invalid_argument, "the relay Noise key is all zeros");
    for (std::size_t j = 0; j < i; ++j)
      if (a.relays[j] == r)
        return make_error(Errc::invalid_argument, "the drop address would name " + r.host + " port " +
                                                      std::to_string(r.port) + " twice");
  }

  Bytes payload;
  auto put_relay = [&](const RelayAddress& r, bool key_first) {
    if (key_first) payload.insert(payload.end(), r.relay_noise_key.begin(), r.relay_noise_key.end());
    payload.push_back(static_cast<std::uint8_t>(r.port >> 8));
    payload.push_back(static_cast<std::uint8_t>(r.port));
    payload.push_back(static_cast<std::uint8_t>(r.host.size()));
    payload.insert(payload.end(), r.host.begin(), r.host.end());
  };
  if (a.relays.size() == 1) {
    // Version 1: what every Cairn understands, byte for byte as before.
    const auto& r = a.relays.front();
    payload.push_back(kDropAddressVersion);
    payload.insert(payload.end(), r.relay_noise_key.begin(), r.relay_noise_key.end());
    payload.insert(payload.end(), a.organisation_key.begin(), a.organisation_key.end());
    put_relay(r, false);
    if (payload.size() != kOffHost + r.host.size()) std::abort();  // the layout above is the spec's
  } else {
    payload.push_back(kDropAddressVersionRelays);
    payload.insert(payload.end(), a.organisation_key.begin(), a.organisation_key.end());
    payload.push_back(static_cast<std::uint8_t>(a.relays.size()));
    for (const auto& r : a.relays) put_relay(r, true);
  }
  auto text = bech32_encode(kDropAddressHrp, payload);
  if (text.size() > kDropAddressMaxChars)
    return make_error(Errc::too_large, "the drop address would be " + std::to_string(text.size()) +
                                           " characters; the limit is " + std::to_string(kDropAddressMaxChars) +
                                           " (name fewer relays, or relays with shorter names)");
  return text;
}

Result<DropAddress> parse_drop_address(std::string_view text) {
  const char* kTooLong = N_("this is too long to be a Cairn drop address; copy only the address, which starts with cairn1");
  if (text.size() > kDropAddressMaxInputChars) return make_error(Errc::too_large, tr(kTooLong));
  CAIRN_TRY(std::string s, strip_ignorable(text));
  if (s.empty()) return make_error(Errc::malformed, tr("the drop address is empty"));
  if (s.size() > kDropAddressMaxChars) return make_error(Errc::too_large, tr(kTooLong));

  std::string folded(s);
  std::transform(folded.begin(), folded.end(), folded.begin(), lower);
  if (!folded.starts_with(kPrefix)) {
    if (folded.starts_with("age1"))
      return make_error(Errc::malformed,
                        tr("this is an age recipient, not a Cairn drop address (it should start with cairn1)"));
    return make_error(Errc::malformed, tr("this is not a Cairn drop address (it should start with cairn1)"));
  }
  // Characters outside the Bech32 alphabet are typos too; name the first one.
  for (std::size_t i = kPrefix.size(); i < folded.size(); ++i)
    if (kBech32Charset.find(folded[i]) == std::string_view::npos)
      return make_error(Errc::malformed, trf("the drop address has a typo: character %s ('%s') never appears in a "
                                             "drop address (there is no b, i, o or 1 after cairn1)",
                                             i + 1, std::string(1, s[i])));
  bool has_lower = std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  bool has_upper = std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (has_lower && has_upper)
    return make_error(Errc::malformed,
                      tr("the drop address mixes capital and small letters; copy it again exactly as given"));

  if (s.size() < kPrefix.size() + 6)  // not even room for the checksum
    return make_error(Errc::malformed, tr("the drop address is cut short: most of it is missing"));
  auto decoded = bech32_decode(s, kDropAddressMaxChars);
  if (!decoded.ok()) {
    if (decoded.code() == Errc::checksum_mismatch)
      return make_error(Errc::checksum_mismatch, tr("the drop address has a typo: a character is wrong or missing"));
    return make_error(Errc::malformed, tr("the drop address has a typo: a character is missing or extra"));
  }
  const Bytes& p = decoded->data;

  if (p.empty()) return damaged(tr("it holds no data"));
  if (p[kOffVersion] == kDropAddressVersion) return parse_version_1(p);
  if (p[kOffVersion] == kDropAddressVersionRelays) return parse_version_2(p);
  if (p[kOffVersion] == 0) return damaged(tr("its version is 0"));
  return make_error(Errc::unsupported, trf("this drop address is for a newer version of Cairn (address version %s); "
                                           "this Cairn understands version %s, so update Cairn",
                                           p[kOffVersion], kDropAddressVersionRelays));
}

}  // namespace cairn::crypto
