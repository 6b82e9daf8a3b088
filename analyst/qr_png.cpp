#include "analyst/qr_png.h"
#include "i18n/catalog.h"

#include <qrencode.h>
#include <zlib.h>

#include <cctype>
#include <memory>
#include <string>

namespace cairn::analyst {
namespace {

constexpr std::uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr std::uint8_t kBlack = 0x00, kWhite = 0xff;

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

void append_u32(Bytes& out, std::uint32_t v) {
  std::uint8_t b[4];
  put_u32be(b, v);
  out.insert(out.end(), b, b + 4);
}

// length || type || data || CRC-32(type || data)
void append_chunk(Bytes& out, const char type[4], ByteView data) {
  append_u32(out, static_cast<std::uint32_t>(data.size()));
  auto start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, out.data() + start, static_cast<uInt>(out.size() - start));
  append_u32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

Result<Bytes> qr_code_png(std::string_view text) {
  std::string upper(text);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::unique_ptr<QRcode, QrDeleter> qr(QRcode_encodeString(upper.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!qr) return make_error(Errc::invalid_argument, i18n::tr("the text does not fit in a QR code"));

  const std::size_t modules = static_cast<std::size_t>(qr->width);
  const std::size_t side = (modules + 2 * kQrQuietZoneModules) * kQrPixelsPerModule;
  // Raw image: each row is a filter byte (0: none) and one byte per pixel.
  Bytes raw;
  raw.reserve(side * (side + 1));
  for (std::size_t y = 0; y < side; ++y) {
    raw.push_back(0);
    for (std::size_t x = 0; x < side; ++x) {
      std::size_t mx = x / kQrPixelsPerModule, my = y / kQrPixelsPerModule;
      bool dark = false;
      if (mx >= kQrQuietZoneModules && my >= kQrQuietZoneModules && mx < modules + kQrQuietZoneModules &&
          my < modules + kQrQuietZoneModules)
        dark = (qr->data[(my - kQrQuietZoneModules) * modules + (mx - kQrQuietZoneModules)] & 1) != 0;
      raw.push_back(dark ? kBlack : kWhite);
    }
  }
  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  Bytes compressed(compressed_size);
  if (compress2(compressed.data(), &compressed_size, raw.data(), static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK)
    return make_error(Errc::internal, "cannot compress the QR code image");
  compressed.resize(compressed_size);

  Bytes png(kPngSignature, kPngSignature + sizeof kPngSignature);
  Bytes ihdr;
  append_u32(ihdr, static_cast<std::uint32_t>(side));  // width
  append_u32(ihdr, static_cast<std::uint32_t>(side));  // height
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});  // bit depth 8, greyscale, deflate, no filter set, no interlace
  append_chunk(png, "IHDR", ihdr);
  append_chunk(png, "IDAT", compressed);
  append_chunk(png, "IEND", {});
  return png;
}

}  // namespace cairn::analyst
