// The drop address (docs/PROTOCOL.md, "Drop address"): the one short string a source
// is given (website, flyer, QR code). It holds the organisation key the client
// pins and one or more relays of that organisation: each relay's host and
// port (or .onion name) and its Noise static key. Bech32 with the prefix
// "cairn", so a typo is caught, not obeyed. Version 1 names one relay (every
// address made before several relays existed); version 2 names 2..8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

// Specification constants.
inline constexpr std::string_view kDropAddressHrp = "cairn";
inline constexpr std::uint8_t kDropAddressVersion = 1;        // one relay
inline constexpr std::uint8_t kDropAddressVersionRelays = 2;  // 2..kDropAddressMaxRelays relays
inline constexpr std::size_t kDropAddressMaxRelays = 8;
inline constexpr std::size_t kDropAddressHostMaxBytes = 253;  // a full DNS name
inline constexpr std::size_t kOnionV3NameChars = 56;          // base32 before ".onion"
// Version 1: version + relay key + organisation key + port + host length + host
inline constexpr std::size_t kDropAddressFixedBytes = 1 + 32 + 32 + 2 + 1;
inline constexpr std::size_t kDropAddressMaxBytes = kDropAddressFixedBytes + kDropAddressHostMaxBytes;
// Version 2: version + organisation key + relay count, then per relay: relay
// key + port + host length + host.
inline constexpr std::size_t kDropAddressRelaysFixedBytes = 1 + 32 + 1;
inline constexpr std::size_t kDropAddressRelayEntryFixedBytes = 32 + 2 + 1;
// "cairn" + "1" + 5-bit groups + 6 checksum characters: the longest version 1 address.
inline constexpr std::size_t kDropAddressV1MaxChars =
    kDropAddressHrp.size() + 1 + (kDropAddressMaxBytes * 8 + 4) / 5 + 6;
// The longest address of any version (so that it always fits a QR code):
// eight relays with onion names fit easily, eight 253-character DNS names do not.
inline constexpr std::size_t kDropAddressMaxChars = 2048;
// Implementation constant: a pasted text longer than this is refused before
// any work, whitespace included.
inline constexpr std::size_t kDropAddressMaxInputChars = 4096;

// One relay named by an address (or listed in a key bundle).
struct RelayAddress {
  X25519Public relay_noise_key{};
  std::string host;  // lower-case DNS name, IPv4 literal, or v3 "<56 chars>.onion"
  std::uint16_t port = 0;

  [[nodiscard]] bool is_onion() const;
  friend bool operator==(const RelayAddress&, const RelayAddress&) = default;
};

struct DropAddress {
  Ed25519Public organisation_key{};
  std::vector<RelayAddress> relays;  // 1..kDropAddressMaxRelays, in the address's order

  // True if every relay is an onion service (then only Tor reaches any).
  [[nodiscard]] bool all_onion() const;
};

// Errc::invalid_argument (with the reason) if the address could never parse:
// no relay, a host is not a valid lower-case DNS name, IPv4 literal or v3
// onion name, a port is 0, a key is invalid, a relay is named twice;
// Errc::too_large for more than kDropAddressMaxRelays relays or an address
// over kDropAddressMaxChars. One relay gives a version 1 address (what every
// Cairn understands), more a version 2 one. A host comes from an operator's
// configuration, so this is a Result, not an assertion.
[[nodiscard]] Result<std::string> encode_drop_address(const DropAddress& address);

// Parses what a source pasted or typed. ASCII whitespace, no-break spaces,
// zero-width spaces, word joiners, byte-order marks and soft hyphens anywhere
// are ignored (they cannot be part of an address, and pasting inserts them);
// upper case is accepted as a whole (QR codes), mixed case is not. Every error
// message is written for the source, not for a programmer.
[[nodiscard]] Result<DropAddress> parse_drop_address(std::string_view text);

// The host rules on their own (for configuration checks): Errc::malformed
// with the reason, Errc::unsupported for IPv6 literals.
[[nodiscard]] Status check_drop_address_host(std::string_view host);

}  // namespace cairn::crypto
