#include "clean/detect.h"

#include <algorithm>
#include <cstring>

#include "i18n/catalog.h"


namespace cairn::clean {
namespace {

bool starts_with(ByteView b, std::string_view magic, std::size_t at = 0) {
  return b.size() >= at + magic.size() && std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

constexpr std::string_view kUnknownCarries = i18n::N_("who made it, when, where and on which device");

Detected other(std::string_view what, std::string_view carries) { return {Format::other, {}, what, carries}; }

// ISO base media files (MP4, MOV, 3GP, M4A, HEIC, AVIF) by their major brand.
Detected iso_media(ByteView b) {
  std::string_view brand(reinterpret_cast<const char*>(b.data()) + 8, 4);
  if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1" || brand == "avif" ||
      brand == "hevc")
    return other(i18n::N_("a HEIC/AVIF photo"), i18n::N_("the GPS position, the date and time, and the phone's make, model and serial number"));
  if (brand == "M4A " || brand == "M4B ")
    return other(i18n::N_("an audio recording"), i18n::N_("the recording device, the date and time, and sometimes the place"));
  return other(i18n::N_("a video"), i18n::N_("the GPS position, the date and time, and the phone or camera it was recorded with"));
}

// Plain text: no NUL or control characters other than tab, newline,
// carriage return and form feed. UTF-8 or an 8-bit encoding (a CSV saved as
// Windows-1251 is still text); binary formats hold NULs or controls early.
bool is_plain_text(ByteView b) {
  std::string_view s(reinterpret_cast<const char*>(b.data()), b.size());
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || u == 0x7f;
  });
}

// Text formats that carry an author or a program in their markup.
bool is_markup(ByteView b) {
  std::size_t i = 0;
  if (starts_with(b, "\xEF\xBB\xBF")) i = 3;
  while (i < b.size() && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) ++i;
  return i < b.size() && b[i] == '<';
}

}  // namespace

Detected detect(ByteView b) {
  if (starts_with(b, "\xFF\xD8\xFF")) return {Format::jpeg, "image/jpeg", {}, {}};
  if (starts_with(b, "\x89PNG\r\n\x1A\n")) return {Format::png, "image/png", {}, {}};
  if (starts_with(b, "RIFF") && starts_with(b, "WEBP", 8)) return {Format::webp, "image/webp", {}, {}};
  if (starts_with(b, std::string_view("II*\0", 4)) || starts_with(b, std::string_view("MM\0*", 4)))
    return {Format::tiff, "image/tiff", {}, {}};
  if (starts_with(b, "%PDF-")) return {Format::pdf, "application/pdf", {}, {}};
  if (starts_with(b, "PK\x03\x04")) return {Format::zip, {}, {}, {}};
  if (b.size() >= 12 && starts_with(b, "ftyp", 4)) return iso_media(b);
  if (starts_with(b, "RIFF") && starts_with(b, "AVI ", 8)) return other(i18n::N_("a video"), i18n::N_("the camera and the date and time of recording"));
  if (starts_with(b, "RIFF") && starts_with(b, "WAVE", 8))
    return other(i18n::N_("an audio recording"), i18n::N_("the recording device, the date and time, and sometimes the place"));
  if (starts_with(b, "\x1A\x45\xDF\xA3")) return other(i18n::N_("a video"), i18n::N_("the program or device it was recorded with and the date"));
  if (starts_with(b, "ID3") || starts_with(b, "OggS") || starts_with(b, "fLaC") || starts_with(b, "#!AMR"))
    return other(i18n::N_("an audio recording"), i18n::N_("the recording device, the date and time, and sometimes the place"));
  if (starts_with(b, "GIF8")) return other(i18n::N_("a GIF picture"), i18n::N_("comments and the program that made it"));
  if (starts_with(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
    return other(i18n::N_("an old Microsoft Office document (.doc, .xls, .ppt)"), i18n::N_("the author's name, the company and edit history"));
  if (starts_with(b, "Rar!") || starts_with(b, "7z\xBC\xAF\x27\x1C") || starts_with(b, "\x1F\x8B") ||
      starts_with(b, "ustar", 257))
    return other(i18n::N_("an archive"), i18n::N_("files with their own hidden details, their names and dates, and who packed them"));
  if (starts_with(b, "{\\rtf")) return other(i18n::N_("a rich-text document (RTF)"), i18n::N_("the author's name, the company and dates"));
  if (is_plain_text(b)) {
    if (is_markup(b)) return other(i18n::N_("an XML, HTML or SVG document"), i18n::N_("the author's name, the program that made it and comments"));
    return {Format::text, "text/plain", {}, {}};
  }
  return other(i18n::N_("a kind of file Cairn does not know"), kUnknownCarries);
}

std::string_view format_name(Format f) {
  switch (f) {
    case Format::jpeg: return "a JPEG picture";
    case Format::png: return "a PNG picture";
    case Format::webp: return "a WebP picture";
    case Format::tiff: return "a TIFF picture";
    case Format::pdf: return "a PDF document";
    case Format::zip: return "a zip archive";
    case Format::ooxml: return "an Office document";
    case Format::odf: return "an OpenDocument file";
    case Format::text: return "plain text";
    case Format::other: return "a file";
  }
  return "a file";
}

}  // namespace cairn::clean
