// The whole round trip as real processes on 127.0.0.1:
//   station init (two analysts) -> relay init with the organisation key ->
//   station certifies the relay -> key bundle -> relay publish -> relay serve ->
//   sources submit (Korean text with a photo; Russian text) -> relay export ->
//   station import (receipt) -> list / show / extract -> relay purge ->
//   only drops submitted after the export remain.
#include <gtest/gtest.h>

#include "analyst/testimony.h"
#include "client/submit.h"
#include "station.h"
#include "support/loopback.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

const std::string kKorean =
    "저는 러시아 건설 현장에서 일했습니다.\n임금을 석 달 동안 받지 못했고, 여권은 감독관이 가져갔습니다.\n";
const std::string kRussian = "Зарплату не платили три месяца. Паспорта забрал бригадир.";
const std::string kLater = "Это пришло после экспорта.";

class EndToEnd : public ::testing::Test {
 protected:
  test::RunResult relay_cmd(const std::vector<std::string>& args) {
    std::vector<std::string> argv{test::relay_binary(), "--dir", (relay_dir / "relay").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_capture(argv);
  }
  test::RunResult relay_ok(const std::vector<std::string>& args) {
    auto r = relay_cmd(args);
    EXPECT_EQ(r.exit_code, 0) << "cairn-relay " << args[0] << ": " << r.err;
    return r;
  }
  std::uint64_t drops_on_relay() {
    auto status = relay_ok({"status"}).out;
    auto at = status.find("drops stored:");
    return at == std::string::npos ? ~0ull : std::stoull(status.substr(at + 13));
  }
  void submit(const client::SubmissionInput& in) {
    client::SubmitOptions o;
    o.connect.direct = true;  // a loopback relay, no Tor
    o.connect.connect_timeout = std::chrono::seconds(5);
    o.connect.io_timeout = std::chrono::seconds(20);
    auto report = client::submit(must(crypto::parse_drop_address(address), "address"), in, o, today_utc());
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->drops_acknowledged, report->drops_total);
    EXPECT_EQ(report->analysts, 2u);
  }

  test::Station station;
  test::TempDir relay_dir;
  std::string address;
};

TEST_F(EndToEnd, FromSourceToAnalystAndBackToAnEmptyRelay) {
  // The station: organisation, two analysts.
  station.init("kim");
  station.ok({"analyst", "add", "lee"});

  // The relay, pinned to the organisation; the station certifies it.
  auto init = relay_ok({"init", "--organisation-key", station.org_text(), "--quota-bytes", "16777216"});
  auto relay_keys = test::first_line(init.out);
  ASSERT_TRUE(relay_keys.starts_with("cairn-relay1")) << init.out;
  station.ok({"relay", "add", "relay-1", relay_keys});
  auto bundle = station.path("keys.cairn");
  station.ok({"keys", "bundle", "--out", bundle.string()});
  auto published = relay_ok({"publish", bundle.string()});
  EXPECT_NE(published.out.find("2 messaging key(s)"), std::string::npos) << published.out;

  // Serving on loopback; the address sources are given.
  test::Process serve;
  const std::string log = (relay_dir / "serve.log").string();
  ASSERT_TRUE(serve.start({test::relay_binary(), "--dir", (relay_dir / "relay").string(), "serve", "--listen",
                           "127.0.0.1", "--port", "0", "--pow-bits", "4"},
                          log));
  auto port = test::wait_for_logged_port(log, 0, std::chrono::seconds(10));
  ASSERT_NE(port, 0) << "the relay did not start";
  ASSERT_TRUE(test::wait_for_port(port, std::chrono::seconds(10))) << "the relay did not start";
  address = test::first_line(
      station.ok({"keys", "address", "--relay", "relay-1", "--host", "127.0.0.1", "--port", std::to_string(port)}).out);

  // Two sources: Korean text with a photo (in process), Russian text (the `cairn` program).
  Bytes photo(90000);
  for (std::size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<std::uint8_t>((i * 131) ^ (i >> 7));
  client::SubmissionInput korean;
  korean.text = kKorean;
  korean.day = today_utc();
  korean.attachments.push_back({"숙소.jpg", "image/jpeg", photo});
  submit(korean);
  test::write_file(station.path("russian.txt"), as_bytes(kRussian));
  auto sent = test::run_capture({test::binary("client/cairn"), "submit", "--direct", "--to", address, "--text",
                                 station.path("russian.txt").string()});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  auto before_export = drops_on_relay();
  EXPECT_GE(before_export, 4u);  // at least three chunks and one text

  // Export while the relay keeps serving; a drop arrives after the export.
  auto exported = station.path("export.tar");
  relay_ok({"export", "--out", exported.string()});
  client::SubmissionInput later;
  later.text = kLater;
  submit(later);
  EXPECT_EQ(drops_on_relay(), before_export + 1);

  // The station imports, reads, extracts.
  auto receipt = station.path("receipt.cairn");
  auto imported = station.ok({"import", exported.string(), "--receipt", receipt.string()});
  EXPECT_NE(imported.out.find("1 new text testimony"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("1 submission(s) completed from chunks"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("the relay may purge " + std::to_string(before_export) + " drop(s)"), std::string::npos)
      << imported.out;
  auto list = station.ok({"list"});
  EXPECT_NE(list.out.find("저는 러시아 건설 현장에서 일했습니다."), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("files(1)"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("после экспорта"), std::string::npos);

  auto v = station.open();
  auto all = must(list_testimonies(*v), "list");
  v.reset();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& t : all) {
    auto shown = station.ok({"show", std::to_string(t.id)});
    if (t.attachments == 1) {
      EXPECT_EQ(shown.out, kKorean);
      auto out = station.path("extracted");
      station.ok({"extract", std::to_string(t.id), "--out", out.string()});
      EXPECT_EQ(test::read_file(out / "숙소.jpg"), photo);
    } else {
      EXPECT_EQ(shown.out, kRussian + "\n");
    }
  }

  // A tampered receipt deletes nothing; the real one deletes exactly the exported drops.
  auto bytes = test::read_file(receipt);
  bytes[bytes.size() - 5] ^= 0x01;
  test::write_file(station.path("tampered.cairn"), bytes);
  auto refused = relay_cmd({"purge", "--receipt", station.path("tampered.cairn").string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("cairn: hint: nothing was deleted"), std::string::npos) << refused.err;
  EXPECT_EQ(drops_on_relay(), before_export + 1);
  auto wrong_kind = relay_cmd({"purge", "--receipt", bundle.string()});
  EXPECT_NE(wrong_kind.err.find("this is a key bundle, not an import receipt"), std::string::npos) << wrong_kind.err;

  auto purged = relay_ok({"purge", "--receipt", receipt.string()});
  EXPECT_NE(purged.out.find("purged " + std::to_string(before_export) + " drop(s)"), std::string::npos) << purged.out;
  EXPECT_EQ(drops_on_relay(), 1u);

  // What is left is the drop sent after the export: the next round brings it in.
  auto second = station.path("export2.tar");
  relay_ok({"export", "--out", second.string()});
  station.ok({"import", second.string(), "--receipt", station.path("receipt2.cairn").string()});
  relay_ok({"purge", "--receipt", station.path("receipt2.cairn").string()});
  EXPECT_EQ(drops_on_relay(), 0u);
  auto final_list = station.ok({"list"});
  EXPECT_NE(final_list.out.find(kLater), std::string::npos) << final_list.out;

  EXPECT_EQ(serve.kill_and_wait(SIGTERM), 0);
}

}  // namespace
}  // namespace cairn::analyst
