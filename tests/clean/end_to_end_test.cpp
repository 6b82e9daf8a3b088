// Cleaning through the real programs on 127.0.0.1: a source runs `cairn
// submit --attach` with photos and documents that carry GPS, camera serial
// numbers, authors and companies; the relay stores, exports; the station
// imports, shows and extracts; exiftool and mat2 find nothing identifying in
// what the analyst extracts, the pictures decode to the original pixels, and
// `show` says which files were cleaned and which were sent as they were.
// Files that cannot be cleaned send nothing; cleaning writes nothing to disk.
#include <gtest/gtest.h>

#include "analyst/station.h"
#include "analyst/testimony.h"
#include "fixtures.h"
#include "support/host_isolation.h"
#include "support/loopback.h"

namespace cairn::clean {
namespace {

using test::must;
namespace fs = std::filesystem;

// The one place these tests run `cairn submit`: a flag every submission needs
// is added here.
test::RunResult cairn_submit(const std::string& address, const std::vector<std::string>& args,
                             const std::vector<std::string>& wrapper = {}) {
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(), {test::binary("client/cairn"), "submit", "--direct", "--to", address});
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run_capture(argv);
}

class CleanEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    station.init("kim");
    // 32 MiB of drop slots: room for these tests without pre-allocating the default 8 GiB.
    ASSERT_NO_FATAL_FAILURE(relay.start(station));
    address = relay.address();
  }
  void TearDown() override {
    if (relay.serving()) {
      EXPECT_EQ(relay.stop(), 0);
    }
  }

  test::Station station;
  test::RelayProcess relay;
  test::TempDir files;
  std::string address;
};

TEST_F(CleanEndToEnd, PhotosAndDocumentsReachTheStationWithNothingThatIdentifies) {
  auto jpeg = test::make_photo(files, "jpeg", "photo.jpg");
  auto png = test::make_photo(files, "png", "screen.png");
  auto pdf = test::make_pdf(files, "wages.pdf");
  auto docx = test::make_office(files, "docx", "report.docx");
  auto odt = test::make_office(files, "odt", "notes.odt");
  auto text = files / "list.csv";
  test::write_file(text, as_bytes(std::string("date,site,unpaid\n2026-11-01,4,3 months\n")));
  auto video = files / "clip.mp4";
  Bytes clip(5000, 0x42);
  const std::string_view head("\0\0\0\x18" "ftypisom", 12);
  std::copy(head.begin(), head.end(), clip.begin());
  test::write_file(video, clip);
  auto testimony = files / "testimony.txt";
  test::write_file(testimony, as_bytes(std::string("Фото со стройки и ведомость.\n")));

  auto sent = cairn_submit(address, {"--text", testimony.string(), "--attach", jpeg.string(), "--attach", png.string(),
                                     "--attach", pdf.string(), "--attach", docx.string(), "--attach", odt.string(),
                                     "--attach", text.string(), "--attach", video.string(), "--keep-metadata",
                                     video.string()});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  // What the source was shown, file by file.
  for (const char* line :
       {"photo.jpg: removed GPS position, camera make and model, serial numbers, dates and times, names of author or owner",
        "thumbnail", "XMP metadata", "; kept the orientation", "screen.png: removed GPS position",
        "wages.pdf: removed", "document information", "(its visible text, pages and embedded files are not changed)",
        "report.docx: removed dates and times, names of author or owner, who last changed it, company, names of comment "
        "authors, revision data",
        "notes.odt: removed", "printer", "list.csv: plain text, sent as it is",
        "clip.mp4: sent as it is, with any hidden details it carries (--keep-metadata)"})
    EXPECT_NE(sent.err.find(line), std::string::npos) << "missing: " << line << "\n" << sent.err;
  EXPECT_NE(sent.out.find("delivered:"), std::string::npos) << sent.out;

  auto exported = files / "export.tar";
  ASSERT_EQ(relay.run({"export", "--out", exported.string()}).exit_code, 0);
  station.ok({"import", exported.string(), "--receipt", station.path("receipt.cairn").string()});
  auto v = station.open();
  auto all = must(analyst::list_testimonies(*v), "list");
  v.reset();
  ASSERT_EQ(all.size(), 1u);
  const auto id = std::to_string(all[0].id);

  auto shown = station.ok({"show", id});
  EXPECT_NE(shown.err.find("attachment 1: photo.jpg ("), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("image/jpeg), metadata removed by the source's client"), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("list.csv ("), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("text/plain), plain text, nothing hidden to remove"), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("attachment 7: clip.mp4 ("), std::string::npos) << shown.err;
  EXPECT_NE(shown.err.find("video/mp4), sent as it was, with its metadata: the source chose to"), std::string::npos)
      << shown.err;

  auto out = station.path("extracted");
  auto extracted = station.ok({"extract", id, "--out", out.string()});
  EXPECT_NE(extracted.err.find("not removed by the source's client: clip.mp4"), std::string::npos) << extracted.err;

  // The independent judges, on what the analyst holds.
  for (const auto& original : {jpeg, png, pdf, docx, odt}) {
    auto copy = out / original.filename();
    ASSERT_TRUE(fs::exists(copy)) << copy;
    EXPECT_FALSE(test::exiftool_findings(original).empty()) << original;
    auto e = test::exiftool_findings(copy);
    EXPECT_TRUE(e.empty()) << copy.filename() << ": exiftool finds\n" << test::joined(e);
    auto m = test::mat2_findings(copy);
    EXPECT_TRUE(m.empty()) << copy.filename() << ": mat2 finds\n" << test::joined(m);
  }
  EXPECT_TRUE(test::same_pixels(jpeg, out / "photo.jpg"));
  EXPECT_TRUE(test::same_pixels(png, out / "screen.png"));
  EXPECT_EQ(test::orientation_of(out / "photo.jpg"), "6");
  EXPECT_EQ(test::read_file(out / "list.csv"), test::read_file(text));
  EXPECT_EQ(test::read_file(out / "clip.mp4"), clip) << "a file the source kept must arrive exactly as it was";
}

TEST_F(CleanEndToEnd, FilesThatCannotBeCleanedSendNothing) {
  auto testimony = files / "testimony.txt";
  test::write_file(testimony, as_bytes(std::string("text\n")));
  auto video = files / "clip.mp4";
  Bytes clip(5000, 0x42);
  const std::string_view head("\0\0\0\x18" "ftypisom", 12);
  std::copy(head.begin(), head.end(), clip.begin());
  test::write_file(video, clip);
  auto photo = test::make_photo(files, "jpeg", "photo.jpg");
  auto broken = files / "broken.jpg";
  auto bytes = test::read_file(photo);
  bytes.resize(bytes.size() - 100);
  test::write_file(broken, bytes);
  auto pdf = test::make_pdf(files, "wages.pdf");
  auto locked = files / "locked.pdf";
  ASSERT_EQ(test::run_capture({"/usr/bin/qpdf", "--encrypt", "u", "o", "256", "--", pdf.string(), locked.string()})
                .exit_code,
            0);

  struct Case {
    std::vector<std::string> args;
    std::string error, hint;
  };
  const std::vector<Case> cases = {
      {{"--attach", photo.string(), "--attach", video.string()},
       "cannot clean " + video.string() + ": it is a video, which may carry the GPS position",
       "--keep-metadata " + video.string()},
      {{"--attach", broken.string()}, "cannot clean " + broken.string() + ": the JPEG picture is damaged",
       "save a new copy"},
      {{"--attach", locked.string()}, "cannot clean " + locked.string() + ": the PDF document is encrypted", ""},
      {{"--attach", photo.string(), "--keep-metadata", video.string()},
       "--keep-metadata " + video.string() + " names a file that is not attached", "same path"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"--text", testimony.string()};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = cairn_submit(address, args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("cairn: error: " + c.error), std::string::npos) << r.err;
    if (!c.hint.empty()) {
      EXPECT_NE(r.err.find("cairn: hint:"), std::string::npos) << r.err;
    }
    EXPECT_NE(r.err.find(c.hint), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("delivered"), std::string::npos) << r.out;
  }
  EXPECT_EQ(relay.drops_stored(), 0u) << "a refused file let something through";
}

// Promise 6: cleaning happens in memory. Every file the client opens for
// writing, creates, renames or removes while it cleans and sends, under strace.
TEST_F(CleanEndToEnd, CleaningWritesNothingToDisk) {
  auto strace = test::find_in_path("strace");
  ASSERT_TRUE(strace) << "strace is not installed; run scripts/bootstrap.sh";
  if (auto why = test::ptrace_forbidden(*strace)) GTEST_SKIP() << *why;
  auto jpeg = test::make_photo(files, "jpeg", "photo.jpg");
  auto pdf = test::make_pdf(files, "wages.pdf");
  auto docx = test::make_office(files, "docx", "report.docx");
  auto testimony = files / "testimony.txt";
  test::write_file(testimony, as_bytes(std::string("text\n")));
  test::TempDir logs;
  auto log = logs / "strace.log";
  auto r = cairn_submit(address,
                        {"--text", testimony.string(), "--attach", jpeg.string(), "--attach", pdf.string(), "--attach",
                         docx.string()},
                        {strace->string(), "-f", "-qq", "-o", log.string(), "-e",
                         "trace=open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,"
                         "linkat,symlink,symlinkat,truncate,ftruncate,memfd_create"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto trace = test::read_text(log);
  ASSERT_NE(trace.find("photo.jpg"), std::string::npos) << "strace saw the client read nothing";
  std::istringstream lines(trace);
  std::vector<std::string> writes;
  for (std::string line; std::getline(lines, line);) {
    const bool opens = line.find("open") != std::string::npos || line.find("creat(") != std::string::npos;
    const bool for_writing = line.find("O_WRONLY") != std::string::npos || line.find("O_RDWR") != std::string::npos ||
                             line.find("O_CREAT") != std::string::npos || line.find("creat(") != std::string::npos;
    const bool device = line.find("\"/dev/") != std::string::npos;
    const bool changes = line.find("rename") != std::string::npos || line.find("unlink") != std::string::npos ||
                         line.find("mkdir") != std::string::npos || line.find("link(") != std::string::npos ||
                         line.find("truncate") != std::string::npos || line.find("memfd_create") != std::string::npos;
    if ((opens && for_writing && !device) || changes) writes.push_back(line);
  }
  EXPECT_TRUE(writes.empty()) << "the client wrote to disk:\n" << test::joined(writes);
}

}  // namespace
}  // namespace cairn::clean
