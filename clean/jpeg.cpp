// JPEG (ITU T.81): the segments a decoder needs, nothing else. Kept: SOI, the
// frame and scan headers with their entropy-coded data, tables (DQT, DHT,
// DAC, DRI, DNL), a plain JFIF APP0 without a thumbnail, the Adobe APP14
// (colour transform), EOI. Dropped: every other APPn (Exif, XMP, ICC, MPF
// preview images, Photoshop/IPTC, vendor data), COM, and anything after EOI.
#include "clean/internal.h"

#include <cstring>

namespace cairn::clean::detail {
namespace {

// ---- Specification constants (T.81 table B.1) ----
constexpr std::uint8_t kSOI = 0xD8, kEOI = 0xD9, kSOS = 0xDA, kDQT = 0xDB, kDNL = 0xDC, kDRI = 0xDD, kDHT = 0xC4,
                       kDAC = 0xCC, kAPP0 = 0xE0, kAPP1 = 0xE1, kAPP2 = 0xE2, kAPP13 = 0xED, kAPP14 = 0xEE,
                       kCOM = 0xFE, kTEM = 0x01;
constexpr std::size_t kPlainJfifLength = 16;  // length field of a JFIF APP0 without thumbnail

constexpr std::string_view kWhat = i18n::N_("the JPEG picture");

bool is_rst(std::uint8_t m) { return m >= 0xD0 && m <= 0xD7; }
bool is_sof(std::uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != kDHT && m != 0xC8 && m != kDAC; }

bool begins(ByteView body, std::string_view tag) {
  return body.size() >= tag.size() && std::memcmp(body.data(), tag.data(), tag.size()) == 0;
}

// Whether an application segment is kept, and if not, what it was.
bool keep_app(std::uint8_t marker, ByteView body, std::size_t length, Findings& dropped) {
  if (marker == kAPP0 && begins(body, std::string_view("JFIF\0", 5))) {
    if (length == kPlainJfifLength && body[12] == 0 && body[13] == 0) return true;
    dropped.add(Removed::thumbnails);  // a JFIF thumbnail
    return false;
  }
  if (marker == kAPP0) dropped.add(begins(body, "JFXX") ? Removed::thumbnails : Removed::other_data);
  else if (marker == kAPP14 && begins(body, "Adobe")) return true;
  else if (marker == kAPP1 && begins(body, std::string_view("Exif\0", 5))) dropped.add(Removed::other_exif);
  else if (marker == kAPP1 && begins(body, "http://ns.adobe.com/")) dropped.add(Removed::xmp);
  else if (marker == kAPP2 && begins(body, "ICC_PROFILE")) dropped.add(Removed::colour_profile);
  else if (marker == kAPP13) dropped.add(Removed::iptc);
  else dropped.add(Removed::other_data);  // MPF previews, FlashPix, Ducky, vendor blocks
  return false;
}

}  // namespace

Result<Bytes> strip_jpeg(ByteView in, Findings& dropped) {
  const auto cut_short = [] { return damaged(kWhat, i18n::tr("it is cut short (it ends before its end marker)")); };
  if (in.size() < 4 || in[0] != 0xFF || in[1] != kSOI) return damaged(kWhat, i18n::tr("it does not start with a JPEG marker"));
  Bytes out;
  out.reserve(in.size());
  out.insert(out.end(), {0xFF, kSOI});
  std::size_t i = 2, segments = 0;
  bool frame = false, scan = false;
  for (;;) {
    if (++segments > kMaxImageChunks) return make_error(Errc::too_large, i18n::tr("the JPEG picture has too many segments"));
    if (i >= in.size()) return cut_short();
    if (in[i] != 0xFF) return damaged(kWhat, i18n::trf("a segment does not start with a marker at byte %s", i));
    while (i < in.size() && in[i] == 0xFF) ++i;  // fill bytes
    if (i >= in.size()) return cut_short();
    const std::uint8_t marker = in[i++];
    if (marker == kEOI) {
      if (!frame || !scan) return damaged(kWhat, i18n::tr("it ends before its image data"));
      out.insert(out.end(), {0xFF, kEOI});
      if (i < in.size()) dropped.add(Removed::other_data);  // trailers: preview images, vendor blocks
      return out;
    }
    if (marker == kSOI) return damaged(kWhat, i18n::tr("it has a second start marker"));
    if (marker == kTEM || is_rst(marker)) {  // no length; harmless outside a scan
      out.insert(out.end(), {0xFF, marker});
      continue;
    }
    if (in.size() - i < 2) return cut_short();
    const std::size_t length = (std::size_t{in[i]} << 8) | in[i + 1];
    if (length < 2 || length > in.size() - i) return damaged(kWhat, i18n::tr("a segment runs past the end of the file"));
    const ByteView body = in.subspan(i + 2, length - 2);
    bool keep = false;
    if (marker >= kAPP0 && marker <= 0xEF) {
      keep = keep_app(marker, body, length, dropped);
      if (keep && marker == kAPP0 && length != kPlainJfifLength) keep = false;
    } else if (marker == kCOM) {
      dropped.add(Removed::comments);
    } else if (is_sof(marker) || marker == kDQT || marker == kDHT || marker == kDAC || marker == kDRI ||
               marker == kDNL || marker == 0xF7 || marker == 0xF8 /* JPEG-LS frame and parameters */) {
      keep = true;
      frame = frame || is_sof(marker) || marker == 0xF7;
    } else if (marker == kSOS) {
      if (!frame) return damaged(kWhat, i18n::tr("its image data comes before its frame header"));
      // The scan header, then entropy-coded data up to the next marker that
      // is neither a stuffed 0xFF00 nor a restart marker.
      std::size_t j = i + length;
      for (;;) {
        if (j + 1 >= in.size()) return cut_short();
        if (in[j] != 0xFF) {
          ++j;
          continue;
        }
        const std::uint8_t next = in[j + 1];
        if (next == 0x00 || is_rst(next)) j += 2;
        else if (next == 0xFF) j += 1;
        else break;
      }
      out.insert(out.end(), {0xFF, marker});
      out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.begin() + static_cast<std::ptrdiff_t>(j));
      scan = true;
      i = j;
      continue;
    } else {
      dropped.add(Removed::other_data);  // reserved and extension markers
    }
    if (keep) {
      out.insert(out.end(), {0xFF, marker});
      out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                 in.begin() + static_cast<std::ptrdiff_t>(i + length));
    }
    i += length;
  }
}

}  // namespace cairn::clean::detail
