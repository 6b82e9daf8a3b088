// Importing export bundles: what is stored, what is reported, what the
// receipt names, and every way a bundle is refused with the vault unchanged.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <random>

#include "analyst/import.h"
#include "analyst/testimony.h"
#include "station.h"
#include "support/result.h"
#include "wire/import_receipt.h"

namespace cairn::analyst {
namespace {

using test::code_of;
using test::must;
namespace fs = std::filesystem;

const std::string kKorean = "저는 러시아 건설 현장에서 일했습니다.\n임금을 3개월 동안 받지 못했습니다.";
const std::string kRussian = "Зарплату не платили три месяца.\nПаспорта забрал бригадир.";

// A hand-made tar archive, for bundles the relay would never write.
enum class TarFormat { ustar, ustar_gzip, pax_with_xattr, gnu, ustar_with_mtime };
void write_tar(const fs::path& path, const std::vector<test::TarEntry>& entries, TarFormat format = TarFormat::ustar) {
  archive* a = archive_write_new();
  if (format == TarFormat::gnu) archive_write_set_format_gnutar(a);
  else if (format == TarFormat::pax_with_xattr) archive_write_set_format_pax(a);
  else archive_write_set_format_pax_restricted(a);
  if (format == TarFormat::ustar_gzip) archive_write_add_filter_gzip(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, 0600);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, "/etc/passwd");
    if (format == TarFormat::pax_with_xattr) archive_entry_xattr_add_entry(entry, "user.note", "x", 1);
    if (format == TarFormat::ustar_with_mtime) archive_entry_set_mtime(entry, 1700000000, 0);
    archive_entry_set_size(entry, e.type == AE_IFREG ? static_cast<la_int64_t>(e.content.size()) : 0);
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK);
    if (e.type == AE_IFREG) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

using test::read_tar;
using test::TarEntry;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    relay = test::two_analysts_and_a_relay(station);
    station.ok({"keys", "bundle", "--out", station.path("keys.cairn").string()});
    recipients = station.recipients(today);
    ASSERT_EQ(recipients.size(), 2u);
  }

  // Puts drops on the relay (after clearing it) and exports them.
  fs::path bundle_of(const std::vector<Bytes>& drops, const std::string& name) {
    relay->clear();
    relay->put(drops);
    return relay->export_to(station.path(name));
  }

  Result<ImportReport> import(const fs::path& bundle, bool purge_undecryptable = false) {
    auto v = station.open();
    ImportOptions o;
    o.today = today;
    o.purge_undecryptable = purge_undecryptable;
    return import_bundle(*v, bundle, o);
  }

  std::vector<TestimonySummary> list() {
    auto v = station.open();
    return must(list_testimonies(*v), "list");
  }
  Testimony load(std::int64_t id) {
    auto v = station.open();
    return must(load_testimony(*v, id), "load");
  }

  // The CLI refuses the bundle with `message` in its error, and the vault is as it was.
  void expect_refused(const fs::path& bundle, const std::string& message) {
    auto before = test::snapshot_dir(station.vault());
    auto r = station.run({"import", bundle.string(), "--receipt", station.path("refused-receipt").string()});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cairn: hint: the vault was not changed"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(station.path("refused-receipt")));
    EXPECT_EQ(test::snapshot_dir(station.vault()), before) << "the vault changed";
  }

  test::Station station;
  std::unique_ptr<test::LocalRelay> relay;
  std::vector<crypto::X25519Public> recipients;
  DayNumber today = today_utc();
};

TEST_F(ImportTest, StoresTextAndReassembledFilesDiscardsCoverAndSignsAReceipt) {
  client::SubmissionInput photo;
  photo.text = kKorean;
  photo.day = today - 2;
  Bytes jpeg(70000);
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<std::uint8_t>(i * 7 + 3);
  photo.attachments.push_back({"사진.jpg", "image/jpeg", jpeg});
  auto drops = test::seal_all(test::submission_bodies(photo, recipients), recipients);
  ASSERT_GT(drops.size(), 2u);
  drops.push_back(test::seal(test::text_body(kRussian, today - 1), recipients));
  drops.push_back(test::seal(test::cover_body(), recipients));
  drops.push_back(test::seal(test::cover_body(), recipients));
  auto bundle = bundle_of(drops, "export.tar");

  auto report = import(bundle);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->relay, "relay-1");
  EXPECT_EQ(report->drops, drops.size());
  EXPECT_EQ(report->texts, 1u);
  EXPECT_EQ(report->completed, 1u);
  EXPECT_EQ(report->cover, 2u);
  EXPECT_EQ(report->no_key + report->unreadable + report->quarantined, 0u);
  EXPECT_TRUE(report->incomplete.empty());
  // Every drop's content is safe: the receipt names them all.
  EXPECT_EQ(report->receipt_drops, relay->ids());

  auto all = list();
  ASSERT_EQ(all.size(), 2u);
  auto files = std::find_if(all.begin(), all.end(), [](const auto& s) { return s.attachments == 1; });
  auto text = std::find_if(all.begin(), all.end(), [](const auto& s) { return s.attachments == 0; });
  ASSERT_NE(files, all.end());
  ASSERT_NE(text, all.end());
  auto t1 = load(files->id);
  EXPECT_EQ(t1.text.text(), kKorean);
  EXPECT_EQ(t1.summary.written_day, today - 2);
  ASSERT_EQ(t1.attachments.size(), 1u);
  EXPECT_EQ(t1.attachments[0].name, "사진.jpg");
  EXPECT_EQ(t1.attachments[0].size, jpeg.size());
  auto t2 = load(text->id);
  EXPECT_EQ(t2.text.text(), kRussian);
  EXPECT_EQ(t2.summary.written_day, today - 1);

  // The receipt: signed by kim's identity key, for this relay and export.
  auto body = must(wire::unwrap_file(wire::FileKind::import_receipt, report->receipt_file), "receipt file");
  auto envelope = must(wire::open_import_receipt(body), "receipt");
  auto v = station.open();
  auto kim = must(find_analyst(*v, "kim"), "kim").identity_key;
  EXPECT_TRUE(wire::verify_import_receipt(envelope, kim).ok());
  auto receipt = must(wire::parse_import_receipt_body(envelope.body), "receipt body");
  EXPECT_EQ(receipt.relay_signing_key, relay->keys().signing);
  EXPECT_EQ(receipt.export_id, report->export_id);
  EXPECT_EQ(receipt.drop_ids, relay->ids());
  EXPECT_EQ(receipt.analyst_identity_key, kim);
}

TEST_F(ImportTest, ImportingTwiceChangesNothingAndGivesTheSameReceipt) {
  std::vector<Bytes> drops{test::seal(test::text_body(kKorean), recipients),
                           test::seal(test::text_body(kRussian), recipients),
                           test::seal(test::cover_body(), recipients)};
  auto bundle = bundle_of(drops, "export.tar");
  station.ok({"import", bundle.string(), "--receipt", station.path("r1").string()});
  auto after_first = test::snapshot_dir(station.vault());
  auto second = station.ok({"import", bundle.string(), "--receipt", station.path("r2").string()});
  EXPECT_NE(second.out.find("3 drop(s) already imported earlier"), std::string::npos) << second.out;
  EXPECT_EQ(test::snapshot_dir(station.vault()), after_first);
  EXPECT_EQ(test::read_file(station.path("r1")), test::read_file(station.path("r2")));
  EXPECT_EQ(list().size(), 2u);
  // The receipt file is never overwritten.
  auto again = station.run({"import", bundle.string(), "--receipt", station.path("r1").string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;
}

TEST_F(ImportTest, TheSameTextResentIsOneTestimony) {
  // A source whose acknowledgement was lost sends the same body again: a new
  // drop (fresh age encryption), the same testimony.
  auto body = test::text_body(kRussian, today);
  auto report = import(bundle_of({test::seal(body, recipients), test::seal(body, recipients)}, "export.tar"));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->texts, 1u);
  EXPECT_EQ(report->duplicates, 1u);
  EXPECT_EQ(report->receipt_drops.size(), 2u);
  EXPECT_EQ(list().size(), 1u);
}

TEST_F(ImportTest, ChunksReassembleInAnyOrderAcrossImportsWithDuplicates) {
  client::SubmissionInput in;
  in.text = kRussian;
  Bytes video(200000);
  std::mt19937 rng(7);
  for (auto& b : video) b = static_cast<std::uint8_t>(rng());
  in.attachments.push_back({"video.mp4", "video/mp4", video});
  in.attachments.push_back({"note.txt", "text/plain", to_bytes(kKorean)});
  auto bodies = test::submission_bodies(in, recipients);
  ASSERT_GE(bodies.size(), 7u);
  std::vector<std::size_t> order(bodies.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);

  // Export 1: the first half (shuffled), one chunk twice (resent: a different drop).
  std::size_t half = order.size() / 2;
  std::vector<Bytes> first;
  for (std::size_t i = 0; i < half; ++i) first.push_back(test::seal(bodies[order[i]], recipients));
  first.push_back(test::seal(bodies[order[0]], recipients));
  auto r1 = import(bundle_of(first, "export1.tar"));
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->chunks, half);
  EXPECT_EQ(r1->duplicates, 1u);
  ASSERT_EQ(r1->incomplete.size(), 1u);  // reported, not silently held back
  EXPECT_EQ(r1->incomplete[0].have, half);
  EXPECT_EQ(r1->incomplete[0].total, bodies.size());
  EXPECT_EQ(r1->receipt_drops.size(), first.size());  // chunks are safe in the vault
  auto listed = list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state, TestimonyState::incomplete);
  auto cli = station.ok({"list"});
  EXPECT_NE(cli.out.find("incomplete"), std::string::npos) << cli.out;

  // Export 2: the rest in reverse, and a chunk from export 1 again.
  std::vector<Bytes> second;
  for (std::size_t i = order.size(); i-- > half;) second.push_back(test::seal(bodies[order[i]], recipients));
  second.push_back(test::seal(bodies[order[1]], recipients));
  auto r2 = import(bundle_of(second, "export2.tar"));
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->completed, 1u);
  EXPECT_EQ(r2->duplicates, 1u);
  EXPECT_TRUE(r2->incomplete.empty());

  listed = list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state, TestimonyState::complete);
  auto t = load(listed[0].id);
  EXPECT_EQ(t.text.text(), kRussian);
  ASSERT_EQ(t.attachments.size(), 2u);
  EXPECT_EQ(t.attachments[0].name, "video.mp4");
  EXPECT_EQ(t.attachments[0].size, video.size());
  // The chunks are gone once the submission is whole.
  auto v = station.open();
  auto q = must(v->db().prepare("SELECT count(*) FROM chunks;"), "count");
  ASSERT_TRUE(must(q.step(), "step"));
  EXPECT_EQ(q.column_int(0), 0);
}

// A vault made before version 3 kept attachments and chunks in WITHOUT ROWID
// tables. Opening it rewrites them as rowid tables, once, keeping every
// testimony, file and waiting chunk; the import then goes on as before.
TEST_F(ImportTest, AVersion2VaultIsMigratedWithEverythingInIt) {
  auto submission = [&](const std::string& text, std::uint8_t seed) {
    client::SubmissionInput in;
    in.text = text;
    Bytes file(150000);
    std::mt19937 rng(seed);
    for (auto& b : file) b = static_cast<std::uint8_t>(rng());
    in.attachments.push_back({"file.bin", "application/octet-stream", file});
    return in;
  };
  auto whole = submission(kRussian, 1), partial = submission(kKorean, 2);
  auto whole_bodies = test::submission_bodies(whole, recipients);
  auto partial_bodies = test::submission_bodies(partial, recipients);
  ASSERT_GE(partial_bodies.size(), 4u);
  std::vector<Bytes> drops;
  for (const auto& b : whole_bodies) drops.push_back(test::seal(b, recipients));
  for (std::size_t i = 0; i < 2; ++i) drops.push_back(test::seal(partial_bodies[i], recipients));
  auto r1 = import(bundle_of(drops, "export1.tar"));
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  ASSERT_EQ(r1->completed, 1u);

  // Back to the version 2 layout, as an older cairn-analyst left it.
  {
    auto v = station.open();
    ASSERT_TRUE(v->db().exec(R"sql(
      BEGIN;
      CREATE TABLE attachments_v2 (
        testimony INTEGER NOT NULL REFERENCES testimonies(id), position INTEGER NOT NULL, name TEXT NOT NULL,
        media_type TEXT NOT NULL, content BLOB NOT NULL, metadata INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (testimony, position)) WITHOUT ROWID;
      INSERT INTO attachments_v2 SELECT testimony, position, name, media_type, content, metadata FROM attachments;
      DROP TABLE attachments;
      ALTER TABLE attachments_v2 RENAME TO attachments;
      CREATE TABLE chunks_v2 (
        testimony INTEGER NOT NULL REFERENCES testimonies(id), position INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (testimony, position)) WITHOUT ROWID;
      INSERT INTO chunks_v2 SELECT testimony, position, data FROM chunks;
      DROP TABLE chunks;
      ALTER TABLE chunks_v2 RENAME TO chunks;
      PRAGMA user_version = 2;
      COMMIT;)sql").ok());
  }
  auto layout = [&](const std::string& table) {
    auto v = station.open();
    auto q = must(v->db().prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1;"), "schema");
    q.bind(1, std::string_view(table));
    EXPECT_TRUE(must(q.step(), "step"));
    return q.column_text(0);
  };
  // Opening migrates (the CLI opens the vault the same way).
  EXPECT_EQ(must(station.open()->db().user_version(), "version"), 3);
  EXPECT_EQ(layout("attachments").find("WITHOUT ROWID"), std::string::npos) << layout("attachments");
  EXPECT_EQ(layout("chunks").find("WITHOUT ROWID"), std::string::npos) << layout("chunks");

  auto listed = list();
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& t : listed) {
    if (t.state == TestimonyState::complete) {
      auto out = station.path("extracted-whole");
      station.ok({"extract", std::to_string(t.id), "--out", out.string()});
      EXPECT_EQ(test::read_file(out / "file.bin"), whole.attachments[0].content);
    } else {
      EXPECT_EQ(t.state, TestimonyState::incomplete);
      EXPECT_EQ(t.chunks_have, 2u);
    }
  }
  // The chunks that waited through the migration complete the submission.
  std::vector<Bytes> rest;
  for (std::size_t i = 2; i < partial_bodies.size(); ++i) rest.push_back(test::seal(partial_bodies[i], recipients));
  auto r2 = import(bundle_of(rest, "export2.tar"));
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->completed, 1u);
  listed = list();
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& t : listed) {
    EXPECT_EQ(t.state, TestimonyState::complete);
    if (t.text_start.text() == kKorean) {
      auto out = station.path("extracted-partial");
      station.ok({"extract", std::to_string(t.id), "--out", out.string()});
      EXPECT_EQ(test::read_file(out / "file.bin"), partial.attachments[0].content);
    }
  }
}

TEST_F(ImportTest, DropsNoHeldKeyOpensAreReportedAndStayOnTheRelayForTheGracePeriod) {
  auto stranger = crypto::x25519_generate();
  Bytes garbage = crypto::random_bytes(test::kTestDropSize);
  std::vector<Bytes> drops{test::seal(test::text_body(kKorean), recipients),
                           test::seal(test::text_body("for someone else"), {stranger.public_key}), garbage};
  auto bundle = bundle_of(drops, "export.tar");
  auto r = station.ok({"import", bundle.string(), "--receipt", station.path("receipt").string()});
  EXPECT_NE(r.out.find("1 drop(s) sealed to no key this vault holds (a destroyed key, or not this organisation's)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 drop(s) damaged or not drops at all"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the rest stay on the relay"), std::string::npos) << r.out;
  auto envelope = must(wire::open_import_receipt(must(
                           wire::unwrap_file(wire::FileKind::import_receipt, test::read_file(station.path("receipt"))),
                           "unwrap")),
                       "receipt");
  auto receipt = must(wire::parse_import_receipt_body(envelope.body), "receipt body");
  // The text, and the garbage no key can ever open; not the sealed drop.
  std::vector<wire::DropId> expected{relay::drop_id(drops[0]), relay::drop_id(drops[2])};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(receipt.drop_ids, expected);

  // Asked to, the receipt names them too (and the vault still does not hold them).
  auto purge_all = import(bundle, true);
  ASSERT_TRUE(purge_all.ok());
  EXPECT_EQ(purge_all->receipt_drops.size(), 3u);
  EXPECT_EQ(purge_all->no_key, 1u);
  EXPECT_EQ(purge_all->unreadable, 1u);
  EXPECT_EQ(list().size(), 1u);
}

TEST_F(ImportTest, EitherAnalystsKeysOpenTheDrops) {
  auto bundle = bundle_of({test::seal(test::text_body(kKorean), recipients),
                           test::seal(test::text_body(kRussian), recipients)},
                          "export.tar");
  for (std::string removed : {"kim", "lee"}) {
    // A copy of the vault in which one analyst's messaging secrets are gone.
    test::TempDir copy;
    fs::copy(station.vault(), copy / "vault");
    auto v = must(Vault::open(copy / "vault", crypto::Secret::copy_of(as_bytes(station.passphrase()))), "copy");
    auto who = must(find_analyst(*v, removed), "analyst");
    auto keys = must(messaging_keys(*v), "keys");
    for (const auto& k : keys) {
      if (k.analyst_id == who.id) {
        ASSERT_TRUE(destroy_messaging_secret(*v, k.id, today).ok());
      }
    }
    ASSERT_EQ(must(messaging_identities(*v), "identities").size(), 1u);
    ImportOptions o;
    o.today = today;
    auto report = import_bundle(*v, bundle, o);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->texts, 2u) << "without " << removed;
    EXPECT_EQ(report->no_key, 0u);
  }
}

TEST_F(ImportTest, UnusableContentIsQuarantinedNotLost) {
  v1::DropBody future;
  future.set_version(2);
  future.mutable_testimony()->set_text("from the future");
  v1::DropBody bad_chunk;
  bad_chunk.set_version(1);
  bad_chunk.mutable_chunk()->set_submission_id(std::string(16, 'x'));
  bad_chunk.mutable_chunk()->set_index(5);
  bad_chunk.mutable_chunk()->set_total(3);  // index beyond total
  bad_chunk.mutable_chunk()->set_submission_hash(std::string(32, 'h'));
  std::vector<Bytes> drops{test::seal(to_bytes("\xff\xff\xff not protobuf"), recipients),
                           test::seal(test::encode(future), recipients), test::seal(test::encode(bad_chunk), recipients)};
  auto report = import(bundle_of(drops, "export.tar"));
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->quarantined, 3u);
  EXPECT_EQ(report->receipt_drops.size(), 3u);
  auto v = station.open();
  EXPECT_EQ(must(quarantine_count(*v), "quarantine"), 3u);
}

TEST_F(ImportTest, ChunksThatDoNotFitTogetherAreKeptAndMarkedDamaged) {
  client::SubmissionInput in;
  in.text = kKorean;
  in.attachments.push_back({"a.bin", "application/octet-stream", Bytes(50000, 1)});
  // Every chunk verifies against its root, but the last one's data is not
  // what the submission hash says: the whole cannot match.
  auto bodies = test::rechunked(test::submission_bodies(in, recipients),
                                [](std::vector<std::string>& data) { data.back()[0] ^= 1; });
  ASSERT_GE(bodies.size(), 2u);
  // And a chunk that claims another total: it no longer verifies against its root.
  v1::DropBody odd;
  ASSERT_TRUE(odd.ParseFromArray(bodies[0].data(), static_cast<int>(bodies[0].size())));
  odd.mutable_chunk()->set_total(odd.chunk().total() + 1);

  auto r1 = import(bundle_of({test::seal(bodies[0], recipients)}, "export1.tar"));
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->incomplete.size(), 1u);
  auto r2 = import(bundle_of({test::seal(test::encode(odd), recipients)}, "export2.tar"));
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->quarantined, 1u);
  EXPECT_EQ(r2->receipt_drops.size(), 1u);
  std::vector<Bytes> rest(bodies.begin() + 1, bodies.end());
  auto r3 = import(bundle_of(test::seal_all(rest, recipients), "export3.tar"));
  ASSERT_TRUE(r3.ok()) << r3.error().message;
  EXPECT_EQ(r3->damaged_submissions, 1u);
  EXPECT_EQ(r3->completed, 0u);
  auto listed = list();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state, TestimonyState::damaged);
  auto cli = station.ok({"list"});
  EXPECT_NE(cli.out.find("damaged"), std::string::npos) << cli.out;
}

// ---- Refused bundles: each a specific error, the vault unchanged ----

TEST_F(ImportTest, ABundleFromAnotherOrganisationIsRefused) {
  auto other_org = crypto::ed25519_generate();
  test::LocalRelay theirs(other_org.public_key);
  theirs.put({test::seal(test::text_body("theirs"), recipients)});
  auto bundle = theirs.export_to(station.path("theirs.tar"));
  expect_refused(bundle, "this export bundle comes from a relay of another organisation");
  EXPECT_EQ(code_of(import(bundle)), Errc::untrusted);
}

TEST_F(ImportTest, ABundleFromARelayThisOrganisationDidNotCertifyIsRefused) {
  test::LocalRelay stranger(station.org());  // pinned to us, never certified by us
  stranger.put({test::seal(test::text_body("hello"), recipients)});
  auto bundle = stranger.export_to(station.path("stranger.tar"));
  expect_refused(bundle, "signed by a relay this organisation has not certified");
  EXPECT_EQ(code_of(import(bundle)), Errc::untrusted);
}

TEST_F(ImportTest, AManifestNotSignedByTheRelayItNamesIsRefused) {
  auto drop = test::seal(test::text_body("hello"), recipients);
  wire::ExportManifest m;
  m.organisation_key = station.org();
  m.drop_ids = {relay::drop_id(drop)};
  // Claims the certified relay's signing key, but signed with another key.
  auto forger = crypto::ed25519_generate();
  crypto::Ed25519KeyPair claimed{forger.secret.clone(), relay->keys().signing};
  auto manifest = must(wire::sign_export_manifest(m, claimed), "manifest");
  auto bundle = station.path("forged.tar");
  write_tar(bundle, {{"manifest", manifest}, {wire::drop_entry_name(relay::drop_id(drop)), drop}});
  expect_refused(bundle, "the export manifest's signature does not verify");
  EXPECT_EQ(code_of(import(bundle)), Errc::bad_signature);
}

TEST_F(ImportTest, ATamperedBundleIsRefused) {
  auto bundle = bundle_of({test::seal(test::text_body(kKorean), recipients),
                           test::seal(test::text_body(kRussian), recipients)},
                          "export.tar");
  auto bytes = test::read_file(bundle);
  // One bit in the last drop's ciphertext.
  auto flipped = bytes;
  flipped[bytes.size() - 10240 - 100] ^= 0x10;  // inside the data, before the trailer blocks
  auto tampered = station.path("tampered.tar");
  test::write_file(tampered, flipped);
  auto r = station.run({"import", tampered.string()});
  EXPECT_EQ(r.exit_code, 1);
  auto entries = read_tar(tampered);
  bool drop_damaged = r.err.find("does not match its id: the bundle was altered or damaged") != std::string::npos;
  bool framing = r.err.find("holds more than its manifest lists") != std::string::npos;
  EXPECT_TRUE(drop_damaged || framing) << r.err;
  expect_refused(tampered, "the bundle");
}

// Every single-bit flip in the manifest or a drop is refused with the vault
// unchanged. The tar framing (headers, padding, trailer) is not authenticated
// and carries nothing: a flip there is refused or changes nothing imported.
TEST_F(ImportTest, EveryBitFlipIsRefusedOrChangesNothing) {
  auto bundle = bundle_of({test::seal(test::text_body(kKorean), recipients),
                           test::seal(test::text_body(kRussian), recipients)},
                          "export.tar");
  auto bytes = test::read_file(bundle);
  auto entries = read_tar(bundle);
  ASSERT_EQ(entries.size(), 3u);
  // Layout: header, manifest (padded to 512), then header + drop for each drop, then the trailer.
  std::size_t manifest_end = 512 + entries[0].content.size();
  std::size_t drops_start = 512 + (entries[0].content.size() + 511) / 512 * 512;
  auto in_content = [&](std::size_t pos) {
    if (pos >= 512 && pos < manifest_end) return true;
    for (int d = 0; d < 2; ++d) {
      std::size_t data = drops_start + d * (512 + test::kTestDropSize) + 512;
      if (pos >= data && pos < data + test::kTestDropSize) return true;
    }
    return false;
  };

  std::mt19937 rng(2024);
  std::vector<std::size_t> positions;
  for (std::size_t i = 512; i < manifest_end; ++i) positions.push_back(i);  // the whole manifest
  for (int i = 0; i < 120; ++i)
    positions.push_back(std::uniform_int_distribution<std::size_t>(drops_start, bytes.size() - 1)(rng));
  for (int i = 0; i < 40; ++i) positions.push_back(std::uniform_int_distribution<std::size_t>(0, 511)(rng));

  auto vault_state = test::snapshot_dir(station.vault());
  std::optional<std::vector<wire::DropId>> accepted_receipt;
  std::size_t refused = 0, content_flips = 0;
  auto tampered = station.path("flip.tar");
  for (auto pos : positions) {
    bool content = in_content(pos);
    content_flips += content;
    auto flipped = bytes;
    flipped[pos] ^= static_cast<std::uint8_t>(1u << (pos % 8));
    fs::remove(tampered);
    test::write_file(tampered, flipped);
    auto report = import(tampered);  // opens and closes the vault
    if (!report.ok()) {
      ++refused;
      EXPECT_EQ(test::snapshot_dir(station.vault()), vault_state) << "flip at byte " << pos << " changed the vault";
      continue;
    }
    EXPECT_FALSE(content) << "a flip at byte " << pos << " of the manifest or a drop was accepted";
    // Framing only: the same drops, the same testimony.
    if (accepted_receipt) {
      EXPECT_EQ(report->receipt_drops, *accepted_receipt);
    }
    accepted_receipt = report->receipt_drops;
    EXPECT_EQ(list().size(), 2u);
    vault_state = test::snapshot_dir(station.vault());
  }
  EXPECT_GE(refused, content_flips);
}

TEST_F(ImportTest, ATruncatedBundleIsRefused) {
  auto bundle = bundle_of({test::seal(test::text_body(kKorean), recipients),
                           test::seal(test::text_body(kRussian), recipients)},
                          "export.tar");
  auto bytes = test::read_file(bundle);
  auto entries = read_tar(bundle);
  std::size_t second_drop_header = 512 + (entries[0].content.size() + 511) / 512 * 512 + 512 + test::kTestDropSize;
  struct Case {
    std::size_t length;
    std::string message;
  } cases[] = {
      {0, "the export bundle is empty: it has no manifest"},
      {100, "it was truncated"},
      {512 + 50, "it was truncated"},
      {second_drop_header - 1000, "it was truncated"},
      {second_drop_header, "missing 1 of the 2 drops its manifest lists"},
      {second_drop_header + 512 + 4000, "it was truncated"},
  };
  for (const auto& c : cases) {
    auto cut = station.path("cut-" + std::to_string(c.length) + ".tar");
    test::write_file(cut, ByteView(bytes).first(c.length));
    SCOPED_TRACE(c.length);
    expect_refused(cut, c.message);
    EXPECT_EQ(code_of(import(cut)), Errc::malformed);
  }
  EXPECT_TRUE(list().empty());
}

TEST_F(ImportTest, ArchivesTheRelayWouldNeverWriteAreRefused) {
  auto drop = test::seal(test::text_body("x"), recipients);
  auto id = relay::drop_id(drop);
  auto other = test::seal(test::text_body("y"), recipients);
  wire::ExportManifest m;
  m.organisation_key = station.org();
  m.drop_ids = {id};
  // A real manifest signed by the certified relay, in hand-made archives.
  auto real = read_tar(bundle_of({drop}, "real.tar"));
  ASSERT_EQ(real.size(), 2u);
  Bytes manifest = real[0].content;
  std::string name = wire::drop_entry_name(id);
  struct Case {
    std::string label;
    std::vector<TarEntry> entries;
    std::string message;
    TarFormat format = TarFormat::ustar;
  } cases[] = {
      {"drop first", {{name, drop}, {"manifest", manifest}}, "names another entry than the manifest lists next"},
      {"no manifest", {}, "has no manifest"},
      {"path traversal", {{"manifest", manifest}, {"../../etc/" + name, drop}}, "names another entry"},
      {"upper-case id", {{"manifest", manifest}, {"drops/" + to_hex(id).substr(0, 10) + "A" + to_hex(id).substr(11), drop}},
       "names another entry"},
      {"symlink", {{"manifest", manifest}, {name, {}, AE_IFLNK}}, "is not a regular file"},
      {"wrong size", {{"manifest", manifest}, {name, Bytes(1000, 0)}}, "not a drop size this vault's key bundles announced"},
      {"content not its id", {{"manifest", manifest}, {name, other}}, "does not match its id"},
      {"not in manifest",
       {{"manifest", manifest}, {name, drop}, {wire::drop_entry_name(relay::drop_id(other)), other}},
       "holds more than its manifest lists"},
      {"twice", {{"manifest", manifest}, {name, drop}, {name, drop}}, "holds more than its manifest lists"},
      {"compressed", {{"manifest", manifest}, {name, drop}}, "is not a POSIX ustar header", TarFormat::ustar_gzip},
      // What a general tar reader would interpret before the caller saw an entry.
      {"pax extended header", {{"manifest", manifest}, {name, drop}}, "is not a regular file (link, directory, pax",
       TarFormat::pax_with_xattr},
      {"GNU tar", {{"manifest", manifest}, {name + "/" + std::string(60, 'x'), drop}}, "is not a POSIX ustar header",
       TarFormat::gnu},
      {"a time", {{"manifest", manifest}, {name, drop}}, "another mode, owner or time", TarFormat::ustar_with_mtime},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    auto path = station.path("odd-" + std::to_string(&c - cases) + ".tar");
    write_tar(path, c.entries, c.format);
    expect_refused(path, c.message);
  }
  // Bytes hidden where a tar reader skips: in an entry's padding, after the end.
  auto real_bytes = test::read_file(station.path("real.tar"));
  struct Hidden {
    std::string label;
    std::size_t at;
    std::string message;
  } hidden[] = {
      {"padding", 512 + manifest.size() + 1, "bytes hidden in the padding after the manifest"},
      {"after the end", real_bytes.size() - 1, "holds more than its manifest lists"},
  };
  for (const auto& h : hidden) {
    SCOPED_TRACE(h.label);
    ASSERT_NE(manifest.size() % 512, 0u);
    auto changed = real_bytes;
    changed[h.at] = 'x';
    auto path = station.path("hidden-" + std::to_string(&h - hidden) + ".tar");
    test::write_file(path, changed);
    expect_refused(path, h.message);
  }
  // The wrong kind of file altogether.
  expect_refused(station.path("keys.cairn"), "is not a POSIX ustar header");
}

}  // namespace
}  // namespace cairn::analyst
