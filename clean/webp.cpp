// WebP (RIFF container, RFC 9649): the chunks that make the picture. Kept:
// VP8, VP8L, VP8X, ALPH, ANIM, ANMF. Dropped: ICCP, EXIF, XMP and unknown
// chunks; the VP8X flags that announced them are cleared; bytes after the
// RIFF payload are dropped.
#include <algorithm>
#include <array>
#include <cstring>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

// ---- Specification constants ----
constexpr std::size_t kHeaderBytes = 12;  // "RIFF", size, "WEBP"
constexpr std::uint8_t kFlagIcc = 0x20, kFlagExif = 0x08, kFlagXmp = 0x04;
constexpr std::array<std::string_view, 6> kKept = {"VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF"};

constexpr std::string_view kWhat = i18n::N_("the WebP picture");

std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
}
void put_le32(std::uint8_t* p, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) p[k] = static_cast<std::uint8_t>(v >> (8 * k));
}

}  // namespace

Result<Bytes> strip_webp(ByteView in, Findings& dropped) {
  if (in.size() < kHeaderBytes || std::memcmp(in.data(), "RIFF", 4) != 0 || std::memcmp(in.data() + 8, "WEBP", 4) != 0)
    return damaged(kWhat, i18n::tr("it does not start with a RIFF WebP header"));
  const std::uint32_t riff_size = le32(&in[4]);
  if (riff_size < 4 || riff_size > in.size() - 8) return damaged(kWhat, i18n::tr("it is cut short"));
  const std::size_t end = std::size_t{riff_size} + 8;
  if (end < in.size()) dropped.add(Removed::other_data);
  Bytes out(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(kHeaderBytes));
  out.reserve(end);
  std::size_t i = kHeaderBytes, vp8x_at = 0;
  bool picture = false;
  for (std::size_t chunks = 0; i < end; ++chunks) {
    if (chunks >= kMaxImageChunks) return make_error(Errc::too_large, i18n::tr("the WebP picture has too many chunks"));
    if (end - i < 8) return damaged(kWhat, i18n::tr("a chunk header is cut short"));
    const std::string_view type(reinterpret_cast<const char*>(&in[i]), 4);
    const std::uint32_t length = le32(&in[i + 4]);
    const std::size_t whole = 8 + std::size_t{length} + (length & 1u);  // chunks are padded to even sizes
    if (length > end - i - 8 || whole > end - i) return damaged(kWhat, i18n::tr("a chunk runs past the end of the file"));
    if (std::find(kKept.begin(), kKept.end(), type) != kKept.end()) {
      if (type == "VP8X") {
        if (length < 10) return damaged(kWhat, i18n::tr("its extended header is too short"));
        vp8x_at = out.size();
      }
      picture = picture || type == "VP8 " || type == "VP8L" || type == "ANMF";
      out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                 in.begin() + static_cast<std::ptrdiff_t>(i + whole));
    } else if (type == "ICCP") {
      dropped.add(Removed::colour_profile);
    } else if (type == "EXIF") {
      dropped.add(Removed::other_exif);
    } else if (type == "XMP ") {
      dropped.add(Removed::xmp);
    } else {
      dropped.add(Removed::other_data);
    }
    i += whole;
  }
  if (!picture) return damaged(kWhat, i18n::tr("it holds no image data"));
  if (vp8x_at != 0) out[vp8x_at + 8] &= static_cast<std::uint8_t>(~(kFlagIcc | kFlagExif | kFlagXmp));
  put_le32(&out[4], static_cast<std::uint32_t>(out.size() - 8));
  return out;
}

}  // namespace cairn::clean::detail
