// The per-format cleaners behind clean() (clean/clean.cpp dispatches). Not for
// use outside clean/.
#pragma once

#include "clean/clean.h"
#include "i18n/catalog.h"

namespace cairn::clean::detail {

// Container whitelists: the file with only the segments or chunks a viewer
// needs to show the picture (listed in docs/PROTOCOL.md); what was dropped is
// added to `dropped`. They check every length against the bytes there are.
[[nodiscard]] Result<Bytes> strip_jpeg(ByteView in, Findings& dropped);   // clean/jpeg.cpp
[[nodiscard]] Result<Bytes> strip_png(ByteView in, Findings& dropped);    // clean/png.cpp
[[nodiscard]] Result<Bytes> strip_webp(ByteView in, Findings& dropped);   // clean/webp.cpp
// A stripped PNG with an eXIf chunk (a TIFF structure) before its first IDAT.
[[nodiscard]] Bytes add_png_exif(ByteView stripped, ByteView tiff);      // clean/png.cpp

[[nodiscard]] Result<Cleaned> clean_image(ByteView in, Format format);   // clean/image.cpp (libexiv2)
[[nodiscard]] Result<Cleaned> clean_pdf(ByteView in);                    // clean/pdf.cpp (libqpdf)
// Measures what a PDF's cross-reference streams unpack to, before qpdf opens
// the file (clean/pdf_xref.cpp).
[[nodiscard]] Status check_cross_reference(ByteView in);
[[nodiscard]] Result<Cleaned> clean_office(ByteView in);                 // clean/office.cpp (libarchive)

// How many bytes zlib data unpacks to, counting no further than cap + 1
// (clean/inflate.cpp; the data goes to zlib in slices its uInt can count).
// `valid` is false if the data stops being zlib data before that; `bytes`
// is then what came out until there.
struct InflatedSize {
  std::size_t bytes = 0;
  bool valid = true;
};
[[nodiscard]] Result<InflatedSize> inflated_size(ByteView data, std::size_t cap);

// One XML part of an OOXML or ODF package (clean/office_xml.cpp, libxml2).
// Returns the part to write (unchanged bytes when nothing was found).
[[nodiscard]] Result<Bytes> clean_office_xml(std::string_view part_name, ByteView xml, Format package,
                                             Findings& found);

// `what` is a msgid marked with i18n::N_ ("the JPEG picture"); `detail` is
// already translated.
inline Error damaged(std::string_view what, std::string_view detail) {
  return make_error(Errc::malformed, i18n::trf("%s is damaged: %s", i18n::tr(std::string(what).c_str()), detail));
}

}  // namespace cairn::clean::detail
