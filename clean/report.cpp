#include "clean/report.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "i18n/catalog.h"

namespace cairn::clean {
namespace {

constexpr auto kLast = Removed::other_data;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::vector<Removed> Findings::items() const {
  std::vector<Removed> out;
  for (unsigned i = 0; i <= static_cast<unsigned>(kLast); ++i)
    if (has(static_cast<Removed>(i))) out.push_back(static_cast<Removed>(i));
  return out;
}

std::string_view describe(Removed r) {
  switch (r) {
    case Removed::gps_position: return i18n::N_("GPS position");
    case Removed::camera: return i18n::N_("camera make and model");
    case Removed::serial_numbers: return i18n::N_("serial numbers");
    case Removed::dates: return i18n::N_("dates and times");
    case Removed::names: return i18n::N_("names of author or owner");
    case Removed::last_modified_by: return i18n::N_("who last changed it");
    case Removed::company: return i18n::N_("company");
    case Removed::comment_authors: return i18n::N_("names of comment authors");
    case Removed::revision_data: return i18n::N_("revision data");
    case Removed::custom_properties: return i18n::N_("custom properties");
    case Removed::title_keywords: return i18n::N_("title, subject and keywords");
    case Removed::software: return i18n::N_("software names");
    case Removed::printer: return i18n::N_("printer");
    case Removed::unique_ids: return i18n::N_("unique ids");
    case Removed::document_information: return i18n::N_("document information");
    case Removed::thumbnails: return i18n::N_("thumbnail");
    case Removed::maker_notes: return i18n::N_("maker notes");
    case Removed::xmp: return i18n::N_("XMP metadata");
    case Removed::iptc: return i18n::N_("IPTC metadata");
    case Removed::comments: return i18n::N_("comments");
    case Removed::colour_profile: return i18n::N_("colour profile");
    case Removed::application_data: return i18n::N_("application data");
    case Removed::pictures_inside: return i18n::N_("metadata of the pictures inside");
    case Removed::other_exif: return i18n::N_("other camera details");
    case Removed::other_data: return i18n::N_("other hidden data");
  }
  return i18n::N_("other hidden data");
}

std::string describe(const Findings& f) {
  std::string out;
  for (auto r : f.items()) {
    if (!out.empty()) out += ", ";
    out += i18n::tr(std::string(describe(r)).c_str());  // the labels above are msgids
  }
  return out;
}

Removed classify_key(std::string_view key, Removed other_fallback) {
  const auto k = lower(key);
  auto has = [&](std::string_view word) { return k.find(word) != std::string::npos; };
  // Order matters: "GPSDateStamp" is a position detail, "LensSerialNumber" a serial number.
  if (has("makernote")) return Removed::maker_notes;
  if (has("gps") || has("location") || has("city") || has("country") || has("sublocation")) return Removed::gps_position;
  if (has("serial")) return Removed::serial_numbers;
  if (has("thumbnail") || has("thumb")) return Removed::thumbnails;
  if (has("uniqueid") || has("documentid") || has("instanceid") || has("derivedfrom")) return Removed::unique_ids;
  if (has("lastmodifiedby")) return Removed::last_modified_by;
  if (has("company")) return Removed::company;
  if (has("make") || has("model") || has("lens")) return Removed::camera;
  if (has("creatortool")) return Removed::software;
  if (has("date") || (has("time") && !has("exposuretime")) || has("subsec") || has("offsettime")) return Removed::dates;
  if (has("artist") || has("owner") || has("creator") || has("author") || has("byline") || has("copyright") ||
      has("rights") || has("manager") || has("publisher") || has("contributor"))
    return Removed::names;
  if (has("software") || has("tool") || has("producer") || has("generator") || has("application") ||
      has("hostcomputer"))
    return Removed::software;
  if (has("title") || has("subject") || has("keyword") || has("description") || has("category")) return Removed::title_keywords;
  if (has("comment")) return Removed::comments;
  return other_fallback;
}

}  // namespace cairn::clean
