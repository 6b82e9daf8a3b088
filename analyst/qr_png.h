// A drop address as a QR code image (PNG), for flyers and websites. The QR
// symbol comes from libqrencode; the PNG is written here (signature, IHDR,
// one zlib-compressed IDAT, IEND; CRC-32 from zlib): 8-bit greyscale, black
// modules on white, with the 4-module quiet zone the QR standard asks for.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::analyst {

// ---- Specification constants (ISO/IEC 18004, PNG) ----
inline constexpr std::size_t kQrQuietZoneModules = 4;
// ---- Implementation constants ----
inline constexpr std::size_t kQrPixelsPerModule = 8;

// The address is encoded in upper case (Bech32 allows it as a whole), so the
// QR code uses the compact alphanumeric mode; parse_drop_address accepts it.
// Error correction level M.
[[nodiscard]] Result<Bytes> qr_code_png(std::string_view text);

}  // namespace cairn::analyst
