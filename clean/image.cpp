// Pictures: libexiv2 reads what the original carries (for the source's list
// and to keep the orientation), the container whitelist (jpeg.cpp, png.cpp,
// webp.cpp) drops every metadata block, exiv2 writes the orientation back,
// and exiv2 reads the result again: anything left but the orientation (and,
// in TIFF, the tags that lay out the pixels) is an error, never sent.
// TIFF has no container around its metadata, so exiv2 rewrites it alone.
#include <exiv2/exiv2.hpp>

#include <array>
#include <mutex>

#include "clean/internal.h"

namespace cairn::clean::detail {
namespace {

constexpr std::string_view kOrientationKey = "Exif.Image.Orientation";
constexpr std::string_view kSeveralImages =
    i18n::N_("it is a TIFF with several pages or images, which Cairn cannot clean without losing some of them; save each "
    "page as its own picture (PNG or JPEG)");

// The TIFF tags that say where the pixels are and how to read them (TIFF 6.0
// baseline and extensions); everything else in a TIFF's first directory is
// metadata.
constexpr std::array<std::string_view, 31> kTiffLayoutTags = {
    "NewSubfileType", "SubfileType", "ImageWidth", "ImageLength", "BitsPerSample", "Compression",
    "PhotometricInterpretation", "Thresholding", "FillOrder", "StripOffsets", "SamplesPerPixel", "RowsPerStrip",
    "StripByteCounts", "XResolution", "YResolution", "PlanarConfiguration", "ResolutionUnit", "TransferFunction",
    "Predictor", "WhitePoint", "PrimaryChromaticities", "ColorMap", "TileWidth", "TileLength", "TileOffsets",
    "TileByteCounts", "ExtraSamples", "SampleFormat", "JPEGTables", "YCbCrSubSampling", "ReferenceBlackWhite"};

// exiv2 reports damage through its log, not always by throwing: collect
// error-level messages of the current call.
thread_local int t_log_errors = 0;
thread_local std::string t_first_error;

void on_exiv2_log(int level, const char* message) {
  if (level < Exiv2::LogMsg::error) return;
  if (t_log_errors++ == 0) t_first_error = message != nullptr ? message : "";
  while (!t_first_error.empty() && (t_first_error.back() == '\n' || t_first_error.back() == ' '))
    t_first_error.pop_back();
}

void init_exiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::XmpParser::initialize();
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::error);
    Exiv2::LogMsg::setHandler(on_exiv2_log);
  });
}

std::string_view what_of(Format f) {
  switch (f) {
    case Format::jpeg: return i18n::N_("the JPEG picture");
    case Format::png: return i18n::N_("the PNG picture");
    case Format::webp: return i18n::N_("the WebP picture");
    default: return i18n::N_("the TIFF picture");
  }
}

struct Metadata {
  Findings found;
  std::uint16_t orientation = 0;  // 0 = none; 1..8 as EXIF defines
};

bool is_tiff_layout(const Exiv2::Exifdatum& d) {
  if (d.groupName() != "Image") return false;
  auto name = d.tagName();
  return std::find(kTiffLayoutTags.begin(), kTiffLayoutTags.end(), name) != kTiffLayoutTags.end();
}

// Runs f with exiv2's errors turned into a specific error.
template <class F>
auto with_exiv2(Format f, F&& body) -> decltype(body()) {
  t_log_errors = 0;
  t_first_error.clear();
  try {
    auto result = body();
    if (t_log_errors > 0) return damaged(what_of(f), i18n::trf("its metadata is corrupt (exiv2: %s)", t_first_error));
    return result;
  } catch (const std::exception& e) {
    return damaged(what_of(f), std::string("exiv2: ") + e.what());
  }
}

// Whether a TIFF holds more than one image (the next-IFD offset of its first
// directory, TIFF 6.0 section 2). exiv2 writes back only the first: a second
// page would be lost, so such a file is refused rather than cut.
Result<bool> tiff_has_more_images(ByteView in) {
  if (in.size() < 8) return damaged(i18n::N_("the TIFF picture"), i18n::tr("it is cut short"));
  const bool little = in[0] == 'I';
  auto u16 = [&](std::size_t at) {
    return little ? static_cast<std::uint32_t>(in[at] | (in[at + 1] << 8))
                  : static_cast<std::uint32_t>((in[at] << 8) | in[at + 1]);
  };
  auto u32 = [&](std::size_t at) {
    return little ? (u16(at) | (u16(at + 2) << 16)) : ((u16(at) << 16) | u16(at + 2));
  };
  const std::size_t ifd = u32(4);
  if (ifd < 8 || ifd > in.size() - 2) return damaged(i18n::N_("the TIFF picture"), i18n::tr("its first directory is outside the file"));
  const std::size_t next_at = ifd + 2 + std::size_t{u16(ifd)} * 12;
  if (next_at > in.size() - 4) return damaged(i18n::N_("the TIFF picture"), i18n::tr("its first directory runs past the end of the file"));
  return u32(next_at) != 0;
}

Exiv2::Image::AutoPtr open_image(ByteView in) {
  auto image = Exiv2::ImageFactory::open(in.data(), static_cast<long>(in.size()));
  if (image.get() == nullptr) throw std::runtime_error("not a picture exiv2 can read");
  image->readMetadata();
  return image;
}

Bytes image_bytes(Exiv2::Image& image) {
  auto& io = image.io();
  if (io.open() != 0) throw std::runtime_error("cannot reopen the picture in memory");
  io.seek(0, Exiv2::BasicIo::beg);
  Exiv2::DataBuf buf = io.read(io.size());
  io.close();
  return Bytes(buf.pData_, buf.pData_ + buf.size_);
}

Result<Metadata> read_metadata(ByteView in, Format f) {
  return with_exiv2(f, [&]() -> Result<Metadata> {
    auto image = open_image(in);
    Metadata m;
    const auto& exif = image->exifData();
    for (const auto& d : exif) {
      if (d.key() == kOrientationKey) {
        auto v = d.toLong();
        if (v >= 1 && v <= 8) m.orientation = static_cast<std::uint16_t>(v);
        continue;
      }
      if (f == Format::tiff && is_tiff_layout(d)) continue;
      if (f == Format::tiff && d.key() == "Exif.Image.SubIFDs")  // more images, which exiv2 would not write back
        return make_error(Errc::unsupported, i18n::tr(kSeveralImages.data()));
      if (Exiv2::ExifTags::isMakerGroup(d.groupName())) m.found.add(Removed::maker_notes);
      else m.found.add(classify_key(d.key(), Removed::other_exif));
    }
    const char* thumbnail = Exiv2::ExifThumbC(exif).mimeType();
    if (thumbnail != nullptr && *thumbnail != '\0') m.found.add(Removed::thumbnails);
    if (!image->xmpData().empty() || !image->xmpPacket().empty()) m.found.add(Removed::xmp);
    for (const auto& d : image->xmpData()) m.found.add(classify_key(d.key(), Removed::xmp));
    if (!image->iptcData().empty()) m.found.add(Removed::iptc);
    for (const auto& d : image->iptcData()) m.found.add(classify_key(d.key(), Removed::iptc));
    if (!image->comment().empty()) m.found.add(Removed::comments);
    if (image->iccProfileDefined()) m.found.add(Removed::colour_profile);
    return m;
  });
}

// A stripped PNG with an eXIf chunk that holds only the orientation. exiv2
// 0.27 would write it as a text chunk, which viewers do not read; it encodes
// the Exif block, the chunk is PNG's own (PNG 3rd edition, eXIf).
Result<Bytes> png_with_orientation(ByteView stripped, std::uint16_t orientation) {
  return with_exiv2(Format::png, [&]() -> Result<Bytes> {
    Exiv2::ExifData exif;
    exif["Exif.Image.Orientation"] = orientation;
    Exiv2::Blob tiff;
    Exiv2::ExifParser::encode(tiff, Exiv2::bigEndian, exif);
    return add_png_exif(stripped, ByteView(tiff.data(), tiff.size()));
  });
}

// The picture with nothing but the orientation (and a TIFF's layout tags).
Result<Bytes> rewrite_metadata(ByteView in, Format f, std::uint16_t orientation) {
  if (f == Format::png) return png_with_orientation(in, orientation);
  return with_exiv2(f, [&]() -> Result<Bytes> {
    auto image = open_image(in);
    Exiv2::ExifData kept;
    if (f == Format::tiff)
      for (const auto& d : image->exifData())
        if (is_tiff_layout(d)) kept.add(d);
    image->clearMetadata();
    image->clearIccProfile();
    if (orientation != 0) kept["Exif.Image.Orientation"] = orientation;
    image->setExifData(kept);
    image->writeMetadata();
    return image_bytes(*image);
  });
}

// Reads the result again; refuses to send anything exiv2 still finds.
Status verify(ByteView out, Format f) {
  return with_exiv2(f, [&]() -> Status {
    auto image = open_image(out);
    for (const auto& d : image->exifData())
      if (d.key() != kOrientationKey && !(f == Format::tiff && is_tiff_layout(d)))
        return make_error(Errc::internal, i18n::trf("cleaning left %s in %s", d.key(), i18n::tr(std::string(what_of(f)).c_str())));
    if (!image->xmpData().empty() || !image->xmpPacket().empty() || !image->iptcData().empty() ||
        !image->comment().empty() || image->iccProfileDefined())
      return make_error(Errc::internal, i18n::trf("cleaning left metadata in %s", i18n::tr(std::string(what_of(f)).c_str())));
    return ok_status();
  });
}

}  // namespace

Result<Cleaned> clean_image(ByteView in, Format f) {
  init_exiv2();
  Cleaned out;
  out.format = f;
  out.media_type = std::string(detect(in).media_type);
  // The whitelist first: it checks the structure, so damage is named precisely.
  Findings dropped;
  Bytes stripped;
  switch (f) {
    case Format::jpeg: { CAIRN_TRY(stripped, strip_jpeg(in, dropped)); break; }
    case Format::png: { CAIRN_TRY(stripped, strip_png(in, dropped)); break; }
    case Format::webp: { CAIRN_TRY(stripped, strip_webp(in, dropped)); break; }
    case Format::tiff: {
      CAIRN_TRY(bool more, tiff_has_more_images(in));
      if (more)
        return make_error(Errc::unsupported, i18n::tr(kSeveralImages.data()));
      stripped.assign(in.begin(), in.end());
      break;
    }
    default: return make_error(Errc::internal, i18n::tr("clean_image called for a format that is not a picture"));
  }
  CAIRN_TRY(auto meta, read_metadata(in, f));
  out.removed = meta.found;
  // exiv2 says what an Exif block held; one it found nothing in (or only the
  // orientation, which is written again) is not worth a mention.
  for (auto r : dropped.items())
    if (r != Removed::other_exif) out.removed.add(r);
  const std::uint16_t orientation = meta.orientation;
  if (orientation > 1 || f == Format::tiff) {
    CAIRN_TRY(out.content, rewrite_metadata(stripped, f, orientation > 1 ? orientation : 0));
  } else {
    out.content = std::move(stripped);
  }
  CAIRN_CHECK(verify(out.content, f));
  if (orientation > 1) out.kept.emplace_back(i18n::tr("the orientation"));
  return out;
}

}  // namespace cairn::clean::detail
