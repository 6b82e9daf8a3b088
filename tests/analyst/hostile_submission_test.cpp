// Submissions built to hurt the station (issue: no drop, chunk or bundle can
// block, poison or crash an import): a submission over a cap is refused and
// kept, without costing memory and without stopping the others; a chunk
// whose bytes differ from the sender's is never taken for the genuine one;
// a resent submission is one testimony; junk leaves the relay.
#include <gtest/gtest.h>

#include <random>

#include "analyst/import.h"
#include "analyst/testimony.h"
#include "proto/drop.pb.h"
#include "station.h"
#include "support/result.h"
#include "wire/import_receipt.h"
#include "wire/submission_stream.h"

namespace cairn::analyst {
namespace {

using test::must;
namespace fs = std::filesystem;

const std::string kKorean = "저는 러시아 건설 현장에서 일했습니다.\n임금을 3개월 동안 받지 못했습니다.";
const std::string kRussian = "Зарплату не платили три месяца.\nПаспорта забрал бригадир.";

// The peak resident memory `cairn-analyst import` may use for a bundle
// holding a submission of a million empty attachments (2 MB on the wire,
// which a protobuf parse would turn into a million objects) beside ordinary
// testimony. Measured at about 23 MiB with the caps in place; documented in
// docs/PROTOCOL.md ("Import").
constexpr long kImportPeakRssBoundKib = 48 * 1024;

class HostileSubmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    relay = test::two_analysts_and_a_relay(station);
    station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
    recipients = station.recipients(today);
  }

  fs::path bundle_of(const std::vector<Bytes>& drops, const std::string& name) {
    relay->clear();
    relay->put(drops);
    return relay->export_to(station.path(name));
  }

  Result<ImportReport> import(const fs::path& bundle, DayNumber day, bool purge_undecryptable = false) {
    auto v = station.open();
    ImportOptions o;
    o.today = day;
    o.purge_undecryptable = purge_undecryptable;
    return import_bundle(*v, bundle, o);
  }

  std::vector<TestimonySummary> list() {
    auto v = station.open();
    return must(list_testimonies(*v), "list");
  }

  std::vector<wire::DropId> receipt_ids(const fs::path& file) {
    auto body = must(wire::unwrap_file(wire::FileKind::import_receipt, test::read_file(file)), "receipt file");
    auto envelope = must(wire::open_import_receipt(body), "receipt");
    return must(wire::parse_import_receipt_body(envelope.body), "receipt body").drop_ids;
  }

  client::SubmissionInput photo_submission() {
    client::SubmissionInput in;
    in.text = kKorean;
    Bytes jpeg(70000);
    for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<std::uint8_t>(i * 7 + 3);
    in.attachments.push_back({"사진.jpg", "image/jpeg", jpeg});
    return in;
  }

  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
  std::vector<crypto::X25519Public> recipients;
  DayNumber today = today_utc();
};

// ---- Caps and quarantine ----

TEST_F(HostileSubmissionTest, AMillionEmptyAttachmentsAreRefusedWithinAMemoryBoundAndTheRestIsImported) {
  // Hand-built: an empty text, then a million attachments of 2 bytes each
  // (field 2, length 0), well formed and hashing correctly.
  constexpr std::size_t kAttachments = 1'000'000;
  Bytes bomb;
  bomb.reserve(2 * kAttachments);
  for (std::size_t i = 0; i < kAttachments; ++i) bomb.insert(bomb.end(), {0x12, 0x00});
  auto bomb_bodies = test::stream_bodies(bomb, recipients);
  ASSERT_GT(bomb_bodies.size(), 50u);

  // Beside it, in the same bundle: a text and a submission with a photo.
  auto drops = test::seal_all(bomb_bodies, recipients);
  for (auto& d : test::seal_all(test::submission_bodies(photo_submission(), recipients), recipients))
    drops.push_back(std::move(d));
  drops.push_back(test::seal(test::text_body(kRussian), recipients));
  auto bundle = bundle_of(drops, "bomb.tar");

  auto r = station.run({"import", bundle.string(), "--receipt", station.path("receipt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RecordProperty("import_peak_rss_kib", std::to_string(r.peak_rss_kib));
  std::cerr << "import peak RSS: " << r.peak_rss_kib << " KiB (bound " << kImportPeakRssBoundKib << " KiB)\n";
  EXPECT_GT(r.peak_rss_kib, 0);
  EXPECT_LT(r.peak_rss_kib, kImportPeakRssBoundKib);
  EXPECT_NE(r.out.find("refused: the submission has more than 1024 attachments"), std::string::npos) << r.out;

  // The good testimonies are in; the bomb is listed as refused, with the reason.
  auto all = list();
  ASSERT_EQ(all.size(), 3u);
  std::size_t complete = 0, refused = 0;
  for (const auto& s : all) {
    complete += s.state == TestimonyState::complete;
    if (s.state == TestimonyState::refused) {
      ++refused;
      EXPECT_EQ(s.attachments, 0u);
      EXPECT_NE(s.problem.find("more than 1024 attachments"), std::string::npos) << s.problem;
    }
  }
  EXPECT_EQ(complete, 2u);
  EXPECT_EQ(refused, 1u);
  auto listed = station.ok({"list"});
  EXPECT_NE(listed.out.find("refused"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("more than 1024 attachments"), std::string::npos) << listed.out;

  // Its chunks are kept in the vault (encrypted there), and its drops are in
  // the receipt with every other, so the relay can delete them.
  {
    auto v = station.open();
    auto q = must(v->db().prepare("SELECT count(*) FROM chunks;"), "count");
    ASSERT_TRUE(must(q.step(), "step"));
    EXPECT_EQ(static_cast<std::size_t>(q.column_int(0)), bomb_bodies.size());
  }
  EXPECT_EQ(receipt_ids(station.path("receipt")), relay->ids());

  // Importing it again changes nothing.
  auto before = test::snapshot_dir(station.vault());
  station.ok({"import", bundle.string()});
  EXPECT_EQ(test::snapshot_dir(station.vault()), before);
}

TEST_F(HostileSubmissionTest, EveryCapIsNamedAndTheSubmissionKept) {
  auto with_attachment = [](const std::string& name, const std::string& media_type) {
    v1::Submission s;
    auto* a = s.add_attachments();
    a->set_name(name);
    a->set_media_type(media_type);
    a->set_content("x");
    return test::encode(s);
  };
  struct Case {
    std::string label;
    Bytes stream;
    std::string problem;
  } cases[] = {
      {"long name", with_attachment(std::string(wire::kMaxAttachmentNameBytes + 1, 'n'), "text/plain"),
       "longer than 1024 bytes"},
      {"long media type", with_attachment("a.txt", std::string(wire::kMaxMediaTypeBytes + 1, 't')),
       "media type of attachment 1 is longer"},
      {"text twice", to_bytes(std::string("\x0a\x01" "a" "\x0a\x01" "b", 6)), "two texts"},
      {"not UTF-8", to_bytes(std::string("\x0a\x02\xff\xfe", 4)), "not UTF-8"},
      {"cut short", to_bytes(std::string("\x12\x05\x0a\x01", 4)), "cut short"},
  };
  std::vector<Bytes> drops;
  for (const auto& c : cases)
    for (auto& d : test::seal_all(test::stream_bodies(c.stream, recipients), recipients)) drops.push_back(std::move(d));
  auto report = import(bundle_of(drops, "caps.tar"), today);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->refused.size(), std::size(cases));
  EXPECT_EQ(report->receipt_drops, relay->ids());
  auto all = list();
  ASSERT_EQ(all.size(), std::size(cases));
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(std::count_if(all.begin(), all.end(),
                            [&](const TestimonySummary& s) {
                              return s.state == TestimonyState::refused && s.problem.find(c.problem) != std::string::npos;
                            }),
              1);
  }
}

// A batch that fails (here: the vault's disk fills up) is rolled back; the
// batches before it stay, the receipt names their drops, and importing again
// continues.
TEST_F(HostileSubmissionTest, AFailedBatchKeepsTheBatchesBeforeIt) {
  constexpr std::size_t kDrops = 600;  // three batches of 256
  std::vector<Bytes> drops;
  for (std::size_t i = 0; i < kDrops; ++i)
    drops.push_back(test::seal(test::text_body(std::to_string(i) + " " + std::string(3000, 'w')), recipients));
  auto bundle = bundle_of(drops, "many.tar");
  {
    auto v = station.open();
    auto pages = must(v->db().prepare("PRAGMA page_count;"), "page count");
    ASSERT_TRUE(must(pages.step(), "step"));
    // Room for about one batch (256 texts of 3 KB is about 200 pages of 4 KiB).
    auto limit = pages.column_int(0) + 300;
    ASSERT_TRUE(v->db().exec("PRAGMA max_page_count = " + std::to_string(limit) + ";").ok());
    ImportOptions o;
    o.today = today;
    auto report = import_bundle(*v, bundle, o);
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_TRUE(report->stopped.has_value()) << "the vault never filled up";
    EXPECT_GE(report->texts, 256u);
    EXPECT_LT(report->texts, kDrops);
    EXPECT_EQ(report->texts % 256, 0u) << "a batch was half kept";
    EXPECT_EQ(report->receipt_drops.size(), report->texts);
  }
  auto kept = list().size();
  EXPECT_GE(kept, 256u);
  EXPECT_LT(kept, kDrops);
  auto again = import(bundle, today);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->stopped.has_value());
  EXPECT_EQ(again->already_imported, kept);
  EXPECT_EQ(list().size(), kDrops);
  EXPECT_EQ(again->receipt_drops.size(), kDrops);
}

// ---- Poisoning ----

TEST_F(HostileSubmissionTest, SubmissionIdsAreFreshEachTime) {
  auto a = test::submission_bodies(photo_submission(), recipients);
  auto b = test::submission_bodies(photo_submission(), recipients);
  v1::DropBody x, y;
  ASSERT_TRUE(x.ParseFromArray(a[0].data(), static_cast<int>(a[0].size())));
  ASSERT_TRUE(y.ParseFromArray(b[0].data(), static_cast<int>(b[0].size())));
  EXPECT_EQ(x.chunk().submission_id().size(), 16u);
  EXPECT_NE(x.chunk().submission_id(), y.chunk().submission_id());
  // The content commitment is the same: that is how the station deduplicates.
  EXPECT_EQ(x.chunk().submission_hash(), y.chunk().submission_hash());
}

// Worst case: someone who learnt the genuine submission's id and chunk root
// sends chunk 1 with other bytes first. It does not verify, so it is
// quarantined, and the genuine chunk 1 is not taken for a duplicate of it.
TEST_F(HostileSubmissionTest, AChunkWithOtherBytesUnderTheGenuineIdIsNeverTakenForIt) {
  auto genuine = test::submission_bodies(photo_submission(), recipients);
  ASSERT_GE(genuine.size(), 3u);
  v1::DropBody poison;
  ASSERT_TRUE(poison.ParseFromArray(genuine[1].data(), static_cast<int>(genuine[1].size())));
  std::string garbage(poison.chunk().data().size(), '\0');
  poison.mutable_chunk()->set_data(garbage);
  // And a whole fake tree under the same id: its own root, garbage chunks.
  auto fake = test::rechunked(genuine, [](std::vector<std::string>& data) {
    for (auto& d : data) std::fill(d.begin(), d.end(), 'g');
  });

  std::vector<Bytes> first{test::seal(test::encode(poison), recipients), test::seal(fake[1], recipients)};
  auto r1 = import(bundle_of(first, "poison.tar"), today);
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->quarantined, 1u);  // the chunk that does not verify
  EXPECT_EQ(r1->chunks, 1u);       // the fake tree's chunk: another submission

  auto r2 = import(bundle_of(test::seal_all(genuine, recipients), "genuine.tar"), today);
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->completed, 1u);
  EXPECT_EQ(r2->duplicates, 0u);
  auto all = list();
  auto whole = std::find_if(all.begin(), all.end(), [](const auto& s) { return s.state == TestimonyState::complete; });
  ASSERT_NE(whole, all.end());
  auto v = station.open();
  auto t = must(load_testimony(*v, whole->id), "load");
  EXPECT_EQ(t.text.text(), kKorean);
  ASSERT_EQ(t.attachments.size(), 1u);
  EXPECT_EQ(t.attachments[0].size, 70000u);
  // The fake tree claimed the genuine content hash: once that content is
  // whole, its incomplete copy is gone.
  EXPECT_EQ(all.size(), 1u);
}

// `cairn submit` run again after a broken connection: a new id, the same
// content. The analyst sees one testimony, whichever run completes first.
TEST_F(HostileSubmissionTest, ASubmissionSentTwiceIsOneTestimony) {
  auto interrupted = test::submission_bodies(photo_submission(), recipients);
  auto resent = test::submission_bodies(photo_submission(), recipients);
  ASSERT_GE(interrupted.size(), 3u);
  std::vector<Bytes> half(interrupted.begin(), interrupted.begin() + 1);
  auto r1 = import(bundle_of(test::seal_all(half, recipients), "half.tar"), today);
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(list().size(), 1u);  // incomplete
  auto r2 = import(bundle_of(test::seal_all(resent, recipients), "resent.tar"), today);
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->completed, 1u);
  auto all = list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, TestimonyState::complete);
  // The rest of the interrupted run, arriving later, adds nothing.
  std::vector<Bytes> rest(interrupted.begin() + 1, interrupted.end());
  auto r3 = import(bundle_of(test::seal_all(rest, recipients), "rest.tar"), today);
  ASSERT_TRUE(r3.ok()) << r3.error().message;
  EXPECT_EQ(r3->duplicates, rest.size());
  EXPECT_EQ(r3->completed, 0u);
  EXPECT_EQ(list().size(), 1u);
  EXPECT_EQ(r3->receipt_drops.size(), rest.size());
}

// ---- Junk ----

TEST_F(HostileSubmissionTest, JunkIsPurgedUnreadableAtOnceUnopenedAfterTheGracePeriod) {
  auto stranger = crypto::x25519_generate();
  Bytes garbage = crypto::random_bytes(test::kTestDropSize);
  auto text = test::seal(test::text_body(kKorean), recipients);
  auto sealed_elsewhere = test::seal(test::text_body("for someone else"), {stranger.public_key});
  auto bundle = bundle_of({text, sealed_elsewhere, garbage}, "junk.tar");

  auto r = station.ok({"import", bundle.string(), "--receipt", station.path("r1").string()}, today);
  EXPECT_NE(r.out.find("1 drop(s) damaged or not drops at all: no key can ever open them, the receipt lets the relay "
                       "delete them"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 drop(s) sealed to no key this vault holds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 of them the receipt lets the relay delete; the rest stay on the relay until 14 days"),
            std::string::npos)
      << r.out;
  auto named = receipt_ids(station.path("r1"));
  std::vector<wire::DropId> expected{relay::drop_id(text), relay::drop_id(garbage)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(named, expected);

  // 13 days later it still stays; 14 days after it was first seen it goes.
  auto later = import(bundle, today + 13);
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(later->no_key, 1u);
  EXPECT_EQ(later->no_key_purged, 0u);
  auto after_grace = station.ok({"import", bundle.string(), "--receipt", station.path("r2").string()}, today + 14);
  EXPECT_NE(after_grace.out.find(": the receipt lets the relay delete them"), std::string::npos) << after_grace.out;
  EXPECT_EQ(receipt_ids(station.path("r2")), relay->ids());
  // --purge-undecryptable does it at once.
  auto now = import(bundle, today, true);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->no_key_purged, 1u);
  EXPECT_EQ(list().size(), 1u);
}

}  // namespace
}  // namespace cairn::analyst
