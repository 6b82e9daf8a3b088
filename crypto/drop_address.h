// The drop address (docs/PROTOCOL.md, "Drop address"): the one short string a source
// is given (website, flyer, QR code). It holds the relay's host and port (or
// .onion name), the relay's Noise static key and the organisation key the
// client pins. Bech32 with the prefix "cairn", so a typo is caught, not obeyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/sign.h"
#include "crypto/x25519.h"

namespace cairn::crypto {

// Specification constants.
inline constexpr std::string_view kDropAddressHrp = "cairn";
inline constexpr std::uint8_t kDropAddressVersion = 1;
inline constexpr std::size_t kDropAddressHostMaxBytes = 253;  // a full DNS name
inline constexpr std::size_t kOnionV3NameChars = 56;          // base32 before ".onion"
// version + relay key + organisation key + port + host length + host
inline constexpr std::size_t kDropAddressFixedBytes = 1 + 32 + 32 + 2 + 1;
inline constexpr std::size_t kDropAddressMaxBytes = kDropAddressFixedBytes + kDropAddressHostMaxBytes;
// "cairn" + "1" + 5-bit groups + 6 checksum characters.
inline constexpr std::size_t kDropAddressMaxChars =
    kDropAddressHrp.size() + 1 + (kDropAddressMaxBytes * 8 + 4) / 5 + 6;
// Implementation constant: a pasted text longer than this is refused before
// any work, whitespace included.
inline constexpr std::size_t kDropAddressMaxInputChars = 4096;

struct DropAddress {
  X25519Public relay_noise_key{};
  Ed25519Public organisation_key{};
  std::string host;  // lower-case DNS name, IPv4 literal, or v3 "<56 chars>.onion"
  std::uint16_t port = 0;

  [[nodiscard]] bool is_onion() const;
};

// Errc::invalid_argument (with the reason) if the address could never parse:
// the host is not a valid lower-case DNS name, IPv4 literal or v3 onion name,
// the port is 0, or a key is invalid. A host comes from an operator's
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
