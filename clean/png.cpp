// PNG (ISO 15948, W3C PNG 3rd edition): the chunks a viewer needs to show the
// picture as it was, nothing else. Kept: IHDR, PLTE, IDAT, IEND, and the
// ancillary chunks that change how pixels are shown (tRNS, gAMA, cHRM, sRGB,
// sBIT, bKGD, pHYs) or animate them (acTL, fcTL, fdAT). Dropped: text chunks
// (tEXt, zTXt, iTXt: author, software, raw EXIF/XMP profiles), eXIf, tIME,
// iCCP, and every other chunk; anything after IEND. The orientation comes
// back in an eXIf chunk of its own (add_png_exif).
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

// ---- Specification constants ----
constexpr std::string_view kSignature = "\x89PNG\r\n\x1A\n";
constexpr std::uint32_t kMaxChunkLength = 0x7FFFFFFF;  // 2^31 - 1
constexpr std::array<std::string_view, 14> kKept = {"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM",
                                                    "sRGB", "sBIT", "bKGD", "pHYs", "acTL", "fcTL", "fdAT"};

constexpr std::string_view kWhat = i18n::N_("the PNG picture");

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

bool is_letter(std::uint8_t c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// What a dropped chunk was: text chunks by their keyword ("Author", "Creation Time").
void note_dropped(std::string_view type, ByteView data, Findings& dropped) {
  if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
    const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data.data(), 0, std::min<std::size_t>(data.size(), 80)));
    std::string_view keyword(reinterpret_cast<const char*>(data.data()),
                             nul != nullptr ? static_cast<std::size_t>(nul - data.data()) : 0);
    if (keyword.find("exif") != std::string_view::npos) dropped.add(Removed::other_exif);
    else if (keyword.find("xmp") != std::string_view::npos) dropped.add(Removed::xmp);
    else if (keyword.find("iptc") != std::string_view::npos) dropped.add(Removed::iptc);
    else dropped.add(classify_key(keyword, Removed::comments));
  } else if (type == "eXIf") {
    dropped.add(Removed::other_exif);
  } else if (type == "tIME") {
    dropped.add(Removed::dates);
  } else if (type == "iCCP") {
    dropped.add(Removed::colour_profile);
  } else {
    dropped.add(Removed::other_data);
  }
}

void put_be32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

}  // namespace

Bytes add_png_exif(ByteView stripped, ByteView tiff) {
  // stripped came out of strip_png: the chunk walk needs no checks.
  std::size_t i = kSignature.size();
  while (i + 8 <= stripped.size() && std::memcmp(&stripped[i + 4], "IDAT", 4) != 0) i += std::size_t{be32(&stripped[i])} + 12;
  Bytes out(stripped.begin(), stripped.begin() + static_cast<std::ptrdiff_t>(i));
  put_be32(out, static_cast<std::uint32_t>(tiff.size()));
  const std::size_t type_at = out.size();
  out.insert(out.end(), {'e', 'X', 'I', 'f'});
  out.insert(out.end(), tiff.begin(), tiff.end());
  put_be32(out, static_cast<std::uint32_t>(::crc32(0, &out[type_at], static_cast<uInt>(tiff.size() + 4))));
  out.insert(out.end(), stripped.begin() + static_cast<std::ptrdiff_t>(i), stripped.end());
  return out;
}

Result<Bytes> strip_png(ByteView in, Findings& dropped) {
  if (in.size() < kSignature.size() || std::memcmp(in.data(), kSignature.data(), kSignature.size()) != 0)
    return damaged(kWhat, i18n::tr("it does not start with the PNG signature"));
  Bytes out(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(kSignature.size()));
  out.reserve(in.size());
  std::size_t i = kSignature.size();
  for (std::size_t chunks = 0;; ++chunks) {
    if (chunks >= kMaxImageChunks) return make_error(Errc::too_large, i18n::tr("the PNG picture has too many chunks"));
    if (in.size() - i < 12) return damaged(kWhat, i18n::tr("it is cut short (it ends before its end chunk)"));
    const std::uint32_t length = be32(&in[i]);
    if (length > kMaxChunkLength || length > in.size() - i - 12)
      return damaged(kWhat, i18n::tr("a chunk runs past the end of the file"));
    const std::uint8_t* type_bytes = &in[i + 4];
    if (!std::all_of(type_bytes, type_bytes + 4, is_letter)) return damaged(kWhat, i18n::tr("a chunk has an invalid type"));
    const std::string_view type(reinterpret_cast<const char*>(type_bytes), 4);
    if (chunks == 0 && type != "IHDR") return damaged(kWhat, i18n::tr("it does not start with its header chunk"));
    const ByteView data = in.subspan(i + 8, length);
    const auto crc = static_cast<std::uint32_t>(::crc32(::crc32(0, type_bytes, 4), data.data(), static_cast<uInt>(length)));
    if (crc != be32(&in[i + 8 + length])) return damaged(kWhat, i18n::trf("the checksum of its %s chunk does not match", type));
    const std::size_t whole = std::size_t{length} + 12;
    if (std::find(kKept.begin(), kKept.end(), type) != kKept.end())
      out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                 in.begin() + static_cast<std::ptrdiff_t>(i + whole));
    else
      note_dropped(type, data, dropped);
    i += whole;
    if (type == "IEND") {
      if (i < in.size()) dropped.add(Removed::other_data);
      return out;
    }
  }
}

}  // namespace cairn::clean::detail
