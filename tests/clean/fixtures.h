// Files with real metadata, made at test time by independent tools (Debian's
// python3-pil draws the pictures, exiftool writes GPS, camera, serial number,
// dates, thumbnail and XMP, python's zipfile builds the office documents),
// and the independent judges of the result: `exiftool -a -G1` and
// `mat2 --show` must name nothing identifying, and python3-pil must decode
// the same pixels from the cleaned picture as from the original.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.h"
#include "support/process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace cairn::test {

namespace fs = std::filesystem;

// Debian's python (with python3-pil), never a python from elsewhere in PATH.
inline const std::string kPython = "/usr/bin/python3";
inline std::string fixture_script() { return std::string(CAIRN_SOURCE_DIR) + "/tests/clean/make_fixture.py"; }

inline void make_fixture(const std::vector<std::string>& args) {
  std::vector<std::string> argv{kPython, fixture_script()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_capture(argv);
  ASSERT_EQ(r.exit_code, 0) << "make_fixture.py " << args[0] << ": " << r.err
                            << " (run scripts/bootstrap.sh for python3-pil)";
}

inline RunResult exiftool(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/exiftool"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_capture(argv);
}

// What a photo from a phone carries: place, camera, serial number, time,
// owner, XMP, a comment and (JPEG) a thumbnail; turned 90 degrees.
inline void add_photo_metadata(const fs::path& file, bool thumbnail) {
  std::vector<std::string> args{"-q", "-overwrite_original", "-GPSLatitude=55.7512", "-GPSLatitudeRef=N",
                                "-GPSLongitude=37.6184", "-GPSLongitudeRef=E", "-Make=Samsung", "-Model=SM-G991B",
                                "-SerialNumber=R58N12345XY", "-DateTimeOriginal=2026:11:30 14:22:05",
                                "-Artist=Kim Chol-su", "-XMP-dc:Creator=Kim Chol-su", "-Orientation#=6"};
  if (thumbnail) {
    args.push_back("-ThumbnailImage<=" + file.string());
    args.push_back("-Comment=site 4, block B");
  }
  args.push_back(file.string());
  auto r = exiftool(args);
  ASSERT_EQ(r.exit_code, 0) << "exiftool: " << r.err;
}

// A picture (jpeg, png, webp, tiff) with a phone's metadata.
inline fs::path make_photo(const TempDir& dir, const std::string& format, const std::string& name) {
  auto path = dir / name;
  make_fixture({"picture", format, path.string()});
  add_photo_metadata(path, format == "jpeg");
  return path;
}

// A PDF with author, creator, producer and title (python3-pil), rewritten by
// qpdf, then given XMP and a document id by exiftool (an incremental update:
// the old information dictionary stays in the file's first revision).
inline fs::path make_pdf(const TempDir& dir, const std::string& name) {
  auto drawn = dir / ("drawn-" + name), path = dir / name;
  make_fixture({"pdf", drawn.string()});
  auto q = run_capture({"/usr/bin/qpdf", "--object-streams=generate", drawn.string(), path.string()});
  EXPECT_EQ(q.exit_code, 0) << "qpdf: " << q.err;
  auto r = exiftool({"-q", "-overwrite_original", "-XMP-dc:Creator=Kim Chol-su", "-XMP-pdf:Producer=Acrobat Distiller 9",
                     "-XMP-xmpMM:DocumentID=uuid:5f2b3c1e-1111-2222-3333-444455556666", path.string()});
  EXPECT_EQ(r.exit_code, 0) << "exiftool: " << r.err;
  return path;
}

// Office documents with an author, a company, comments and tracked changes,
// with a photo (GPS, serial number) inside.
inline fs::path make_office(const TempDir& dir, const std::string& kind, const std::string& name) {
  auto photo = make_photo(dir, "jpeg", "inside-" + name + ".jpg");
  auto path = dir / name;
  make_fixture({kind, path.string(), photo.string()});
  return path;
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Words in a tag name that mark something identifying.
inline bool identifying_name(const std::string& name) {
  static const char* words[] = {"gps",     "make",    "model",     "serial",   "datetimeoriginal", "createdate",
                                "modifydate", "author", "creator", "company",  "thumbnail",        "artist",
                                "lastmodifiedby", "producer", "software", "comment", "manager", "previewimage",
                                "title", "documentid", "instanceid", "owner", "printer", "keywords"};
  const auto n = lower(name);
  for (const char* w : words)
    if (n.find(w) != std::string::npos) return true;
  return false;
}

// Lines of `exiftool -a -G1 -s` that identify: a group that holds only
// metadata (GPS, ExifIFD, IFD1 = thumbnail, XMP, IPTC, ICC, maker notes), or
// an identifying tag name anywhere outside the file system's own (System)
// and exiftool's; a zip entry dated anything but 1980-01-01 00:00:00.
inline std::vector<std::string> exiftool_findings(const fs::path& file) {
  auto r = exiftool({"-a", "-G1", "-s", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    auto close = line.find(']');
    if (line.empty() || line[0] != '[' || close == std::string::npos) continue;
    const auto group = line.substr(1, close - 1);
    auto rest = line.substr(close + 1);
    auto colon = rest.find(':');
    std::string tag = rest.substr(0, colon), value = colon == std::string::npos ? "" : rest.substr(colon + 1);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (group == "System" || group == "ExifTool") continue;
    const bool metadata_group = group == "GPS" || group == "ExifIFD" || group == "IFD1" || group.starts_with("XMP") ||
                                group == "IPTC" || group.starts_with("ICC") || group == "MakerNotes" ||
                                group == "Photoshop" || group == "InteropIFD";
    if (group == "ZIP") {
      if (tag == "ZipModifyDate" && value != "1980:01:01 00:00:00") out.push_back(line);
      continue;
    }
    if (metadata_group || identifying_name(tag)) out.push_back(line);
  }
  return out;
}

// Lines of `mat2 --show` that identify: an identifying key, or a date that is
// set (poppler says -1 for a PDF date that is absent).
inline std::vector<std::string> mat2_findings(const fs::path& file) {
  auto r = run_capture({"/usr/bin/mat2", "--show", file.string()});
  std::vector<std::string> out;
  if (r.exit_code != 0) out.push_back("mat2 could not read the file: " + r.err);
  std::istringstream lines(r.out + r.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("[+]") || line.starts_with("[++]") || line.find("No metadata found") != std::string::npos)
      continue;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto key = line.substr(0, colon), value = line.substr(colon + 1);
    key.erase(0, key.find_first_not_of(' '));
    value.erase(0, value.find_first_not_of(' '));
    if (identifying_name(key) || (lower(key).find("date") != std::string::npos && value != "-1")) out.push_back(line);
  }
  return out;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

inline bool same_pixels(const fs::path& a, const fs::path& b) {
  return run_capture({kPython, fixture_script(), "same-pixels", a.string(), b.string()}).exit_code == 0;
}

inline std::string orientation_of(const fs::path& file) {
  auto r = exiftool({"-s3", "-n", "-Orientation", file.string()});
  auto s = r.out;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace cairn::test
