// Reading testimony at the station: list, show (byte-exact UTF-8, terminal
// escapes defused), extract (safe names, never overwriting).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "analyst/testimony.h"
#include "station.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

const std::string kKorean = "저는 러시아 건설 현장에서 일했습니다.\n임금을 3개월 동안 받지 못했습니다.\n";
const std::string kRussian = "Зарплату не платили три месяца.\r\nПаспорта забрал бригадир.";

class ReadingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    station.init("kim");
    relay = std::make_unique<test::LocalRelay>(station.org());
    station.ok({"relay", "add", "relay-1", relay->keys_text()});
    station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
    recipients = station.recipients(today_utc());
  }

  // Imports these drops; returns the testimony ids in import order of the bodies.
  void import(const std::vector<Bytes>& drops) {
    relay->clear();
    relay->put(drops);
    auto bundle = relay->export_to(station.path("export-" + std::to_string(++exports) + ".tar"));
    station.ok({"import", bundle.string()});
  }

  std::int64_t id_with_text(const std::string& start) {
    auto v = station.open();
    for (const auto& s : must(list_testimonies(*v), "list"))
      if (s.text_start.text().rfind(start, 0) == 0) return s.id;
    ADD_FAILURE() << "no testimony starting with " << start;
    return -1;
  }

  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
  std::vector<crypto::X25519Public> recipients;
  int exports = 0;
};

TEST_F(ReadingTest, ShowPrintsKoreanAndRussianExactly) {
  import({test::seal(test::text_body(kKorean, 20400), recipients), test::seal(test::text_body(kRussian), recipients)});
  auto ko = station.ok({"show", std::to_string(id_with_text("저는"))});
  EXPECT_EQ(ko.out, kKorean);  // already ends in a newline: nothing added
  EXPECT_NE(ko.err.find("written 2025-11-08"), std::string::npos) << ko.err;
  auto ru = station.ok({"show", std::to_string(id_with_text("Зарплату"))});
  EXPECT_EQ(ru.out, kRussian + "\n");  // CR LF kept; a final newline added for the terminal
  auto raw = station.ok({"show", "--raw", std::to_string(id_with_text("Зарплату"))});
  EXPECT_EQ(raw.out, kRussian);

  auto list = station.ok({"list"});
  EXPECT_NE(list.out.find("저는 러시아 건설 현장에서 일했습니다."), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("Зарплату не платили три месяца."), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("2025-11-08"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("Паспорта"), std::string::npos) << "only the first line is previewed";
  auto missing = station.run({"show", "99"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("there is no testimony 99"), std::string::npos);
}

TEST_F(ReadingTest, EscapeSequencesNeverReachTheTerminalRaw) {
  std::string hostile = "hello\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\xe2\x80\xae" "txt.exe\n";
  import({test::seal(test::text_body(hostile), recipients)});
  auto id = std::to_string(id_with_text("hello"));
  auto shown = station.ok({"show", id});
  EXPECT_EQ(shown.out.find('\x1b'), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find('\x07'), std::string::npos);
  EXPECT_EQ(shown.out.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_NE(shown.out.find("\\x1b]0;pwned\\x07"), std::string::npos) << shown.out;
  auto list = station.ok({"list"});
  EXPECT_EQ(list.out.find('\x1b'), std::string::npos);
  // --raw gives the exact bytes to a file or pipe, and refuses a terminal.
  auto raw = station.ok({"show", "--raw", id});
  EXPECT_EQ(raw.out, hostile);
  auto tty = test::run_with_tty_stdout({test::analyst_binary(), "--vault", station.vault().string(), "--passphrase-fd",
                                        "0", "show", "--raw", id},
                                       station.passphrase() + "\n");
  EXPECT_EQ(tty.exit_code, 1);
  EXPECT_NE(tty.err.find("refusing to write raw testimony to the terminal"), std::string::npos) << tty.err;
  EXPECT_EQ(tty.out.find('\x1b'), std::string::npos);
  // Without --raw, on a terminal, it is shown defused.
  auto safe = test::run_with_tty_stdout({test::analyst_binary(), "--vault", station.vault().string(),
                                         "--passphrase-fd", "0", "show", id},
                                        station.passphrase() + "\n");
  EXPECT_EQ(safe.exit_code, 0) << safe.err;
  EXPECT_EQ(safe.out.find('\x1b'), std::string::npos);
  EXPECT_NE(safe.out.find("hello"), std::string::npos);
}

TEST_F(ReadingTest, ExtractWritesAttachmentsWithSafeNamesAndNeverOverwrites) {
  client::SubmissionInput in;
  in.text = "Фото и документы.";
  Bytes photo(40000);
  for (std::size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<std::uint8_t>(i ^ (i >> 8));
  in.attachments.push_back({"../../../../tmp/evil.jpg", "image/jpeg", photo});
  in.attachments.push_back({"계약서.pdf", "application/pdf", to_bytes("%PDF-1.4 contract")});
  in.attachments.push_back({"..", "text/plain", to_bytes("dots")});
  in.attachments.push_back({"계약서.pdf", "application/pdf", to_bytes("%PDF-1.4 second copy")});
  import(test::seal_all(test::submission_bodies(in, recipients), recipients));
  auto id = std::to_string(id_with_text("Фото"));
  auto shown = station.ok({"show", id});
  EXPECT_NE(shown.err.find("attachment 2: 계약서.pdf (17 B, application/pdf)"), std::string::npos) << shown.err;

  auto out = station.path("extracted");
  auto r = station.ok({"extract", id, "--out", out.string()});
  EXPECT_NE(r.err.find("file metadata (photo EXIF and GPS"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_file(out / "evil.jpg"), photo);
  EXPECT_EQ(test::read_text(out / "계약서.pdf"), "%PDF-1.4 contract");
  EXPECT_EQ(test::read_text(out / "attachment-3"), "dots");
  EXPECT_EQ(test::read_text(out / "계약서 (2).pdf"), "%PDF-1.4 second copy");
  EXPECT_FALSE(fs::exists("/tmp/evil.jpg") && test::read_file("/tmp/evil.jpg") == photo);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    ++files;
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
  }
  EXPECT_EQ(files, 4u);

  // Extracting again into the same directory overwrites nothing.
  station.ok({"extract", id, "--out", out.string()});
  EXPECT_EQ(test::read_file(out / "evil.jpg"), photo);
  EXPECT_EQ(test::read_file(out / "evil (2).jpg"), photo);
  EXPECT_EQ(test::read_text(out / "계약서 (3).pdf"), "%PDF-1.4 contract");
  EXPECT_EQ(test::read_text(out / "계약서 (4).pdf"), "%PDF-1.4 second copy");

  // A symbolic link planted under an attachment's name is not followed.
  auto planted = station.path("planted");
  fs::create_directory(planted);
  fs::create_symlink(station.path("victim"), planted / "evil.jpg");
  station.ok({"extract", id, "--out", planted.string()});
  EXPECT_FALSE(fs::exists(station.path("victim")));
  EXPECT_EQ(test::read_file(planted / "evil (2).jpg"), photo);
}

TEST_F(ReadingTest, AnIncompleteSubmissionIsListedAndCannotBeExtractedYet) {
  client::SubmissionInput in;
  in.text = "part";
  in.attachments.push_back({"big.bin", "application/octet-stream", Bytes(100000, 7)});
  auto bodies = test::submission_bodies(in, recipients);
  ASSERT_GE(bodies.size(), 3u);
  import({test::seal(bodies[0], recipients), test::seal(bodies[2], recipients)});
  auto list = station.ok({"list"});
  EXPECT_NE(list.out.find("incomplete  2/" + std::to_string(bodies.size()) + " parts"), std::string::npos) << list.out;
  auto v = station.open();
  auto id = must(list_testimonies(*v), "list").at(0).id;
  v.reset();
  auto show = station.ok({"show", std::to_string(id)});
  EXPECT_NE(show.err.find("only 2 of"), std::string::npos) << show.err;
  auto extract = station.run({"extract", std::to_string(id), "--out", station.path("x").string()});
  EXPECT_EQ(extract.exit_code, 1);
  EXPECT_NE(extract.err.find("not complete yet"), std::string::npos) << extract.err;
}

}  // namespace
}  // namespace cairn::analyst
