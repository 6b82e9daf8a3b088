// What cleaning found and removed, as the source reads it: a set of kinds of
// detail in a fixed order, so the list is short and the same for the same file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::clean {

enum class Removed : std::uint8_t {
  gps_position,
  camera,           // make, model, lens
  serial_numbers,
  dates,
  names,            // author, artist, owner, creator
  last_modified_by,
  company,
  comment_authors,
  revision_data,    // tracked-change authors and dates, revision ids, editing time
  custom_properties,
  title_keywords,
  software,
  printer,
  unique_ids,       // image, document and instance ids
  document_information,  // a PDF's information dictionary
  thumbnails,
  maker_notes,
  xmp,
  iptc,
  comments,
  colour_profile,
  application_data,
  pictures_inside,  // the metadata of pictures embedded in a document
  other_exif,
  other_data,       // trailing bytes, unknown segments and chunks
};

class Findings {
 public:
  void add(Removed r) { bits_ |= bit(r); }
  void add(const Findings& other) { bits_ |= other.bits_; }
  [[nodiscard]] bool has(Removed r) const { return (bits_ & bit(r)) != 0; }
  [[nodiscard]] bool empty() const { return bits_ == 0; }
  [[nodiscard]] std::vector<Removed> items() const;

 private:
  static std::uint64_t bit(Removed r) { return std::uint64_t{1} << static_cast<unsigned>(r); }
  std::uint64_t bits_ = 0;
};

// "GPS position", "camera make and model", ...
[[nodiscard]] std::string_view describe(Removed r);
// The items joined with ", " ("" when empty).
[[nodiscard]] std::string describe(const Findings& f);

// Sorts a metadata key (an exiv2 key such as "Exif.GPSInfo.GPSLatitude" or
// "Xmp.dc.creator", a PDF information key, an XML element name) into the kind
// of detail it is, by the words in it; other_fallback when none matches.
[[nodiscard]] Removed classify_key(std::string_view key, Removed other_fallback);

}  // namespace cairn::clean
