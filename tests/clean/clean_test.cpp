// clean::clean on files made at test time with real metadata: independent
// tools (exiftool, mat2) find it in the original and nothing identifying in
// the result; pictures decode to the same pixels and keep their orientation;
// documents keep their text; the source's list names what was removed.
#include "clean/clean.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "support/result.h"

namespace cairn::clean {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

struct Outcome {
  Cleaned cleaned;
  fs::path path;  // the cleaned bytes, written for the tools to read
};

Outcome clean_file(const TempDir& dir, const fs::path& original) {
  auto result = clean(test::read_file(original));
  if (!result.ok()) throw std::runtime_error(original.filename().string() + ": " + result.error().message);
  Outcome o{std::move(result).value(), dir / ("cleaned-" + original.filename().string())};
  test::write_file(o.path, o.cleaned.content);
  return o;
}

// The original is caught by both judges (so the check can fail), the cleaned file by neither.
void expect_judged_clean(const fs::path& original, const fs::path& cleaned) {
  EXPECT_FALSE(test::exiftool_findings(original).empty()) << "exiftool sees nothing in the original " << original;
  EXPECT_FALSE(test::mat2_findings(original).empty()) << "mat2 sees nothing in the original " << original;
  auto e = test::exiftool_findings(cleaned);
  EXPECT_TRUE(e.empty()) << "exiftool still finds:\n" << test::joined(e);
  auto m = test::mat2_findings(cleaned);
  EXPECT_TRUE(m.empty()) << "mat2 still finds:\n" << test::joined(m);
}

class Pictures : public ::testing::TestWithParam<std::string> {};

TEST_P(Pictures, LoseEveryIdentifyingTagButKeepPixelsAndOrientation) {
  TempDir dir;
  const auto format = GetParam();
  auto original = test::make_photo(dir, format, "photo." + format);
  ASSERT_EQ(test::orientation_of(original), "6");
  auto o = clean_file(dir, original);
  EXPECT_EQ(o.cleaned.media_type, "image/" + format);
  for (auto r : {Removed::gps_position, Removed::camera, Removed::serial_numbers, Removed::dates, Removed::names,
                 Removed::xmp})
    EXPECT_TRUE(o.cleaned.removed.has(r)) << describe(r) << " missing from: " << describe(o.cleaned.removed);
  if (format == "jpeg") {
    EXPECT_TRUE(o.cleaned.removed.has(Removed::thumbnails)) << describe(o.cleaned.removed);
    EXPECT_TRUE(o.cleaned.removed.has(Removed::comments)) << describe(o.cleaned.removed);
  }
  EXPECT_EQ(test::orientation_of(o.path), "6") << "a turned photo must not arrive sideways";
  ASSERT_EQ(o.cleaned.kept.size(), 1u);
  EXPECT_EQ(o.cleaned.kept[0], "the orientation");
  EXPECT_TRUE(test::same_pixels(original, o.path)) << "the picture itself changed";
  // exiftool and mat2 agree; mat2 does not read WebP.
  if (format == "webp") {
    EXPECT_FALSE(test::exiftool_findings(original).empty());
    auto e = test::exiftool_findings(o.path);
    EXPECT_TRUE(e.empty()) << test::joined(e);
  } else {
    expect_judged_clean(original, o.path);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, Pictures, ::testing::Values("jpeg", "png", "webp", "tiff"));

TEST(Pictures, WithoutMetadataComeOutWithNothingToReport) {
  TempDir dir;
  auto path = dir / "plain.png";
  test::make_fixture({"picture", "png", path.string()});
  auto o = clean_file(dir, path);
  EXPECT_TRUE(o.cleaned.removed.empty()) << describe(o.cleaned.removed);
  EXPECT_EQ(o.cleaned.content, test::read_file(path));
}

TEST(Documents, PdfLosesInformationXmpAndIdsAndKeepsItsPage) {
  TempDir dir;
  auto original = test::make_pdf(dir, "wages.pdf");
  auto o = clean_file(dir, original);
  EXPECT_EQ(o.cleaned.media_type, "application/pdf");
  for (auto r : {Removed::document_information, Removed::names, Removed::software, Removed::xmp, Removed::unique_ids})
    EXPECT_TRUE(o.cleaned.removed.has(r)) << describe(r) << " missing from: " << describe(o.cleaned.removed);
  EXPECT_NE(o.cleaned.note.find("embedded files are not changed"), std::string::npos);
  expect_judged_clean(original, o.path);
  // Earlier revisions are gone too: the author's name is nowhere in the bytes.
  const auto text = test::read_text(o.path);
  EXPECT_EQ(text.find("Kim Chol-su"), std::string::npos);
  EXPECT_EQ(text.find("Distiller"), std::string::npos);
  // Still a valid one-page PDF, by qpdf's own check.
  auto check = test::run_capture({"/usr/bin/qpdf", "--check", o.path.string()});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  auto pages = test::run_capture({"/usr/bin/qpdf", "--show-npages", o.path.string()});
  EXPECT_EQ(pages.out, "1\n");
}

TEST(Documents, EncryptedPdfIsRefusedAsSuch) {
  TempDir dir;
  auto original = test::make_pdf(dir, "wages.pdf");
  auto encrypted = dir / "locked.pdf";
  auto q = test::run_capture({"/usr/bin/qpdf", "--encrypt", "user", "owner", "256", "--", original.string(),
                              encrypted.string()});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  auto r = clean(test::read_file(encrypted));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::unsupported);
  EXPECT_NE(r.error().message.find("encrypted"), std::string::npos) << r.error().message;
}

// Everything inside a package, as text: to look for names the tools do not list.
std::string unpacked_text(const TempDir& dir, const fs::path& package) {
  auto out = dir / ("unpacked-" + package.filename().string());
  auto r = test::run_capture({test::kPython, "-c",
                              "import sys, zipfile\n"
                              "z = zipfile.ZipFile(sys.argv[1])\n"
                              "sys.stdout.buffer.write(b''.join(z.read(n) for n in z.namelist()))\n",
                              package.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

class Office : public ::testing::TestWithParam<std::string> {};

TEST_P(Office, LosesAuthorsCompanyRevisionsAndCustomPropertiesAndKeepsItsText) {
  TempDir dir;
  const auto kind = GetParam();
  auto original = test::make_office(dir, kind, "report." + kind);
  auto o = clean_file(dir, original);
  for (auto r : {Removed::names, Removed::comment_authors, Removed::revision_data, Removed::custom_properties,
                 Removed::thumbnails, Removed::pictures_inside})
    EXPECT_TRUE(o.cleaned.removed.has(r)) << describe(r) << " missing from: " << describe(o.cleaned.removed);
  if (kind == "docx") {
    EXPECT_TRUE(o.cleaned.removed.has(Removed::company));
    EXPECT_TRUE(o.cleaned.removed.has(Removed::last_modified_by));
    EXPECT_EQ(o.cleaned.media_type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  } else {
    EXPECT_TRUE(o.cleaned.removed.has(Removed::printer));
    EXPECT_EQ(o.cleaned.media_type, "application/vnd.oasis.opendocument.text");
  }
  expect_judged_clean(original, o.path);
  const auto before = unpacked_text(dir, original), after = unpacked_text(dir, o.path);
  for (const char* identifying : {"Kim Chol-su", "Pak Yong-ho", "Stroytrest", "kim.cholsu@", "KP-20417", "HP LaserJet",
                                  "00A1B2C3", "5F2B3C1E-7777", "2026-11-30T14:22", "R58N12345XY", "Samsung"}) {
    if (before.find(identifying) == std::string::npos) continue;  // not in this kind of fixture
    EXPECT_EQ(after.find(identifying), std::string::npos) << identifying << " is still inside";
  }
  for (const char* planted : {"Kim Chol-su", "Pak Yong-ho", "Stroytrest", "Samsung"})
    EXPECT_NE(before.find(planted), std::string::npos) << "the fixture lacks " << planted;
  for (const char* text : {"Wages were not paid for three months.", "The foreman kept our passports.", "check the dates"})
    EXPECT_NE(after.find(text), std::string::npos) << "the text lost: " << text;
}

INSTANTIATE_TEST_SUITE_P(Kinds, Office, ::testing::Values("docx", "odt"));

TEST(Text, PlainTextAndCsvAreSentUnchanged) {
  for (std::string text : {std::string("Зарплату не платили три месяца.\n저는 건설 현장에서 일했습니다.\n"),
                           std::string("date,site,unpaid\n2026-11-01,4,3 months\n"),
                           std::string("\xC7\xE0\xF0\xEF\xEB\xE0\xF2\xE0;3\r\n"),  // Windows-1251 CSV
                           std::string()}) {
    auto r = clean(as_bytes(text));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->format, Format::text);
    EXPECT_TRUE(r->removed.empty());
    EXPECT_EQ(r->content, to_bytes(text));
  }
}

TEST(Unsupported, KindsThatCannotBeCleanedAreRefusedSayingWhatTheyMayCarry) {
  TempDir dir;
  auto zip = dir / "files.zip";
  test::make_fixture({"zip", zip.string()});
  struct Case {
    Bytes content;
    std::string says;
  };
  auto with = [](std::string_view head) {
    Bytes b(head.begin(), head.end());
    b.resize(4096, 0x11);
    return b;
  };
  std::vector<Case> cases = {
      {with(std::string_view("\0\0\0\x18" "ftypisom", 12)), "a video, which may carry the GPS position"},
      {with(std::string_view("\0\0\0\x18" "ftypheic", 12)), "HEIC"},
      {with("ID3\x04"), "an audio recording"},
      {with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), "old Microsoft Office"},
      {test::read_file(zip), "zip archive"},
      {with("GIF89a"), "GIF"},
      {to_bytes(std::string("<svg xmlns=\"http://www.w3.org/2000/svg\"><metadata>Kim</metadata></svg>")), "SVG"},
      {with("{\\rtf1"), "RTF"},
      {with("\x01\x02\x03\x04"), "does not know"},
  };
  for (const auto& c : cases) {
    auto r = clean(c.content);
    ASSERT_FALSE(r.ok()) << c.says;
    EXPECT_EQ(r.code(), Errc::unsupported) << c.says;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("cannot clean"), std::string::npos) << r.error().message;
  }
}

TEST(Report, ListsKindsOnceInAFixedOrder) {
  Findings f;
  f.add(Removed::thumbnails);
  f.add(Removed::gps_position);
  f.add(Removed::thumbnails);
  f.add(Removed::serial_numbers);
  EXPECT_EQ(describe(f), "GPS position, serial numbers, thumbnail");
  EXPECT_EQ(classify_key("Exif.GPSInfo.GPSLatitude", Removed::other_exif), Removed::gps_position);
  EXPECT_EQ(classify_key("Exif.Photo.BodySerialNumber", Removed::other_exif), Removed::serial_numbers);
  EXPECT_EQ(classify_key("Exif.Photo.DateTimeOriginal", Removed::other_exif), Removed::dates);
  EXPECT_EQ(classify_key("Exif.Photo.ExposureTime", Removed::other_exif), Removed::other_exif);
  EXPECT_EQ(classify_key("Xmp.xmp.CreatorTool", Removed::xmp), Removed::software);
  EXPECT_EQ(classify_key("/Author", Removed::document_information), Removed::names);
}

}  // namespace
}  // namespace cairn::clean
