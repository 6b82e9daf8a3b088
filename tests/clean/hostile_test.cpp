// Damaged and hostile files: a specific error, after work bounded by the
// file's size and the caps in clean/clean.h, never a crash or a file sent.
#include <gtest/gtest.h>

#include "clean/clean.h"
#include "fixtures.h"
#include "support/result.h"

namespace cairn::clean {
namespace {

using test::TempDir;

Bytes cut(const Bytes& b, std::size_t keep) { return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(keep)); }

void expect_error(const Bytes& content, Errc code, const std::string& says) {
  auto r = clean(content);
  ASSERT_FALSE(r.ok()) << "accepted: " << says;
  EXPECT_EQ(r.code(), code) << r.error().message;
  EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
}

// A JPEG (no metadata) with one APP1 Exif segment in front of everything else.
Bytes jpeg_with_exif(const TempDir& dir, const Bytes& tiff_structure) {
  auto path = dir / "plain.jpeg";
  test::make_fixture({"picture", "jpeg", path.string()});
  auto plain = test::read_file(path);
  Bytes payload{'E', 'x', 'i', 'f', 0, 0};
  payload.insert(payload.end(), tiff_structure.begin(), tiff_structure.end());
  Bytes out{0xFF, 0xD8, 0xFF, 0xE1, static_cast<std::uint8_t>((payload.size() + 2) >> 8),
            static_cast<std::uint8_t>(payload.size() + 2)};
  out.insert(out.end(), payload.begin(), payload.end());
  out.insert(out.end(), plain.begin() + 2, plain.end());
  return out;
}

TEST(Hostile, TruncatedAndMalformedPictures) {
  TempDir dir;
  auto jpeg = test::read_file(test::make_photo(dir, "jpeg", "photo.jpeg"));
  expect_error(cut(jpeg, jpeg.size() - 40), Errc::malformed, "the JPEG picture is damaged: it is cut short");
  expect_error(cut(jpeg, 3), Errc::malformed, "the JPEG picture is damaged");
  expect_error(Bytes{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0, 0, 0}, Errc::malformed, "runs past the end of the file");
  expect_error(Bytes{0xFF, 0xD8, 0xFF, 0xD9}, Errc::malformed, "it ends before its image data");

  auto png = test::read_file(test::make_photo(dir, "png", "photo.png"));
  expect_error(cut(png, png.size() - 5), Errc::malformed, "the PNG picture is damaged");
  auto flipped = png;
  flipped[png.size() / 2] ^= 0x40;  // inside a chunk: its checksum no longer matches
  expect_error(flipped, Errc::malformed, "the PNG picture is damaged");
  auto huge = cut(png, 8);
  huge.insert(huge.end(), {0x7F, 0xFF, 0xFF, 0xFF, 'I', 'H', 'D', 'R', 0, 0, 0, 0, 0, 0, 0, 0});
  expect_error(huge, Errc::malformed, "a chunk runs past the end of the file");

  auto webp = test::read_file(test::make_photo(dir, "webp", "photo.webp"));
  expect_error(cut(webp, webp.size() / 2), Errc::malformed, "the WebP picture is damaged");
}

TEST(Hostile, TiffWithSeveralPagesIsRefusedRatherThanCut) {
  TempDir dir;
  auto pages = dir / "pages.tiff";
  auto r = test::run_capture({test::kPython, "-c",
                              "import sys\n"
                              "from PIL import Image\n"
                              "a, b = Image.new('RGB', (40, 30), (255, 0, 0)), Image.new('RGB', (50, 20), (0, 255, 0))\n"
                              "a.save(sys.argv[1], save_all=True, append_images=[b])\n",
                              pages.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_error(test::read_file(pages), Errc::unsupported, "several pages");
  auto bytes = test::read_file(pages);
  expect_error(cut(bytes, 10), Errc::malformed, "the TIFF picture is damaged");
}

TEST(Hostile, ExifClaimingHugeSizesIsRefused) {
  TempDir dir;
  // Little-endian TIFF header; IFD0 at 8 with one entry: Make, ASCII, 2^31-16 bytes at offset 26.
  const Bytes huge_count = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x0F, 0x01, 2, 0, 0xF0, 0xFF, 0xFF, 0x7F,
                            26, 0, 0, 0, 0, 0, 0, 0, 'S', 'a', 'm', 's', 'u', 'n', 'g', 0};
  expect_error(jpeg_with_exif(dir, huge_count), Errc::malformed, "its metadata is corrupt");
  // IFD0 claiming 65535 entries in a 30-byte block.
  Bytes many_entries = {'I', 'I', 42, 0, 8, 0, 0, 0, 0xFF, 0xFF};
  many_entries.resize(40, 0);
  expect_error(jpeg_with_exif(dir, many_entries), Errc::malformed, "its metadata is corrupt");
}

TEST(Hostile, TruncatedAndMalformedPdf) {
  TempDir dir;
  auto pdf = test::read_file(test::make_pdf(dir, "wages.pdf"));
  // Cut inside the first revision (a cut in a later one leaves a valid earlier revision).
  const std::string text(pdf.begin(), pdf.end());
  const auto first_end = text.find("startxref");
  ASSERT_NE(first_end, std::string::npos);
  expect_error(cut(pdf, first_end), Errc::malformed, "the PDF document is damaged");
  expect_error(cut(pdf, 200), Errc::malformed, "the PDF document is damaged");
  auto garbage = to_bytes(std::string("%PDF-1.7\n"));
  garbage.resize(2000, 0x00);
  expect_error(garbage, Errc::malformed, "the PDF document is damaged");
}

TEST(Hostile, PdfObjectStreamBombIsMeasuredBeforeQpdfUnpacksIt) {
  TempDir dir;
  auto bomb = dir / "bomb.pdf";
  test::make_fixture({"pdf-bomb", bomb.string()});
  auto bytes = test::read_file(bomb);
  ASSERT_LT(bytes.size(), std::size_t{1} << 20);
  expect_error(bytes, Errc::too_large, "decompression bomb");
}

// qpdf unpacks cross-reference streams while it opens a file (this one to
// 64 MiB, about 140 MB of memory for `qpdf --check`): measured before.
TEST(Hostile, PdfCrossReferenceBombIsMeasuredBeforeQpdfOpensTheFile) {
  TempDir dir;
  auto bomb = dir / "xref-bomb.pdf";
  test::make_fixture({"pdf-xref-bomb", bomb.string()});
  auto bytes = test::read_file(bomb);
  ASSERT_LT(bytes.size(), std::size_t{1} << 20);
  expect_error(bytes, Errc::too_large, "cross-reference that unpacks to more than 8 MiB");
}

// A filter chain would hide the Flate data from the measure: refused (qpdf
// itself reads this file, see `qpdf --check`).
TEST(Hostile, PdfCrossReferenceWithAFilterChainIsRefused) {
  TempDir dir;
  auto file = dir / "xref-filter.pdf";
  test::make_fixture({"pdf-xref-filter", file.string()});
  expect_error(test::read_file(file), Errc::unsupported, "packs its cross-reference in a way Cairn does not read");
}

// What real writers make: a Flate cross-reference stream with a PNG
// predictor and object streams (qpdf writes them), and an incremental update
// whose cross-reference stream chains to the first by /Prev.
TEST(Hostile, PdfWithCompressedCrossReferencesIsCleaned) {
  TempDir dir;
  auto original = test::make_pdf(dir, "wages.pdf");
  auto packed = dir / "packed.pdf";
  auto r = test::run_capture({"/usr/bin/qpdf", "--object-streams=generate", original.string(), packed.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto updated = dir / "updated.pdf";
  test::make_fixture({"pdf-xref-revisions", updated.string()});
  for (const auto& file : {packed, updated}) {
    auto bytes = test::read_file(file);
    ASSERT_NE(std::string(bytes.begin(), bytes.end()).find("/XRef"), std::string::npos) << file;
    auto cleaned = clean(bytes);
    ASSERT_TRUE(cleaned.ok()) << file << ": " << cleaned.error().message;
    EXPECT_EQ(cleaned->format, Format::pdf);
  }
  // The update's author is removed with the rest of the document information.
  auto cleaned = clean(test::read_file(updated));
  ASSERT_TRUE(cleaned.ok());
  const std::string text(cleaned->content.begin(), cleaned->content.end());
  EXPECT_EQ(text.find("Kim Chol-su"), std::string::npos);
}

TEST(Hostile, TruncatedZipAndDecompressionBomb) {
  TempDir dir;
  auto docx = test::read_file(test::make_office(dir, "docx", "report.docx"));
  expect_error(cut(docx, docx.size() / 2), Errc::malformed, "the document is damaged");
  expect_error(cut(docx, 10), Errc::malformed, "the document is damaged");
  // 40 MiB of document from 40 KiB of zip: unpacking stops at the cap.
  auto bomb = dir / "bomb.docx";
  test::make_fixture({"bomb", bomb.string()});
  auto bytes = test::read_file(bomb);
  ASSERT_LT(bytes.size(), std::size_t{1} << 20);
  expect_error(bytes, Errc::too_large, "decompression bomb");
}

TEST(Hostile, OversizedInputIsRefusedBeforeAnyWork) {
  Bytes big(kMaxInputBytes + 1, 0x20);
  expect_error(big, Errc::too_large, "larger than 256 MiB");
}

}  // namespace
}  // namespace cairn::clean
