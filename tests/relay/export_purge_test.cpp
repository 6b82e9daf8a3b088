// cairn-relay export and purge, in process: the archive says nothing about
// arrival, drops stay until a valid receipt names them, and a receipt
// deletes exactly what it names, or nothing at all.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "relay/export.h"
#include "relay/publish.h"
#include "relay/purge.h"
#include "relay/relay_keys.h"
#include "relay/store.h"
#include "support/deployment.h"
#include "support/files.h"
#include "support/result.h"
#include "support/temp_dir.h"
#include "wire/file_kind.h"
#include "wire/import_receipt.h"

namespace cairn::relay {
namespace {

using test::code_of;
using test::must;
namespace fs = std::filesystem;

struct Entry {
  std::string name;
  Bytes content;
  la_int64_t mtime, uid, gid;
  unsigned mode;
  std::string uname, gname;
};

std::vector<Entry> read_archive(const fs::path& path) {
  std::vector<Entry> out;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 10240), ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    Entry x{archive_entry_pathname(e), Bytes(static_cast<std::size_t>(archive_entry_size(e))), archive_entry_mtime(e),
            archive_entry_uid(e), archive_entry_gid(e), static_cast<unsigned>(archive_entry_perm(e)),
            archive_entry_uname(e) ? archive_entry_uname(e) : "", archive_entry_gname(e) ? archive_entry_gname(e) : ""};
    archive_read_data(a, x.content.data(), x.content.size());
    out.push_back(std::move(x));
  }
  archive_read_free(a);
  return out;
}

class ExportPurgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key = crypto::random_secret(32);
    store = must(Store::create(dir / "store.db", key), "store");
    ASSERT_TRUE(generate_relay_keys(*store).ok());
    ASSERT_TRUE(set_organisation_key(*store, deployment.org.public_key).ok());
    auto keys = must(load_relay_keys(*store), "keys");
    relay_keys = {keys.noise.public_key, keys.signing.public_key};
    must(publish_key_bundle(*store, deployment.bundle(relay_keys), today_utc()), "publish");
  }

  std::vector<Bytes> put(int n, std::size_t size = 4096) {
    if (must(store->slot_layout(), "slot layout").slot_bytes != size) {
      EXPECT_TRUE(store->allocate_slots(static_cast<std::uint32_t>(size), 256).ok());
    }
    std::vector<Bytes> drops;
    for (int i = 0; i < n; ++i) drops.push_back(crypto::random_bytes(size));
    std::vector<ByteView> views(drops.begin(), drops.end());
    EXPECT_TRUE(store->put_drops(views, std::uint64_t{1} << 30).ok());
    return drops;
  }

  // Exports into dir/name and remembers the bundle's signed manifest.
  ExportReport exported(const std::string& name, DayNumber day = today_utc()) {
    auto report = must(export_drops(*store, dir / name, day), "export");
    last_manifest = read_archive(dir / name).at(0).content;
    return report;
  }

  // A receipt as the station writes it, signed by analyst `who`, carrying
  // the manifest of the last export (or the one given).
  Bytes receipt(const wire::ExportId& export_id, std::vector<DropId> ids, const crypto::Ed25519KeyPair& who,
                std::optional<crypto::Ed25519Public> relay_key = std::nullopt,
                std::optional<Bytes> export_manifest = std::nullopt) {
    std::sort(ids.begin(), ids.end());
    wire::ImportReceipt r;
    r.export_id = export_id;
    r.relay_signing_key = relay_key.value_or(relay_keys.signing);
    r.drop_ids = std::move(ids);
    r.export_manifest = export_manifest.value_or(last_manifest);
    return wire::wrap_file(wire::FileKind::import_receipt, must(wire::sign_import_receipt(r, who), "sign"));
  }

  std::size_t stored() { return must(store->drop_ids(), "ids").size(); }

  test::TempDir dir;
  test::TestDeployment deployment{2};
  crypto::Secret key;
  std::unique_ptr<Store> store;
  crypto::RelayPublicKeys relay_keys;
  Bytes last_manifest;  // of the last export made through exported()
};

TEST_F(ExportPurgeTest, TheArchiveIsSignedInIdOrderAndSaysNothingAboutArrival) {
  auto drops = put(5);
  auto out = dir / "export.tar";
  auto report = must(export_drops(*store, out, 20400), "export");
  EXPECT_EQ(report.drops, 5u);
  EXPECT_EQ(report.remaining, 0u);
  EXPECT_FALSE(fs::exists(dir / "export.tar.partial"));
  auto entries = read_archive(out);
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].name, "manifest");
  for (const auto& e : entries) {
    EXPECT_EQ(e.mtime, 0);
    EXPECT_EQ(e.uid, 0);
    EXPECT_EQ(e.gid, 0);
    EXPECT_EQ(e.mode, 0600u);
    EXPECT_EQ(e.uname, "");
    EXPECT_EQ(e.gname, "");
  }
  auto envelope = must(wire::open_export_manifest(entries[0].content), "manifest");
  EXPECT_TRUE(wire::verify_export_manifest(envelope, relay_keys.signing).ok());
  EXPECT_EQ(test::code_of(wire::verify_export_manifest(envelope, deployment.org.public_key)), Errc::bad_signature);
  auto manifest = must(wire::parse_export_manifest_body(envelope.body), "manifest body");
  EXPECT_EQ(manifest.relay_signing_key, relay_keys.signing);
  EXPECT_EQ(manifest.organisation_key, deployment.org.public_key);
  EXPECT_EQ(manifest.export_day, 20400u);
  EXPECT_EQ(manifest.export_id, report.export_id);
  auto ids = must(store->drop_ids(), "ids");
  EXPECT_EQ(manifest.drop_ids, ids);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(entries[i + 1].name, wire::drop_entry_name(ids[i]));
    EXPECT_EQ(drop_id(entries[i + 1].content), ids[i]);
  }
  // Drops stay until purged; the export is remembered; a file is never overwritten.
  EXPECT_EQ(stored(), 5u);
  EXPECT_TRUE(must(export_was_made(*store, report.export_id), "made"));
  EXPECT_EQ(code_of(export_drops(*store, out, 20400)), Errc::already_exists);
  // Each export has its own id.
  auto second = must(export_drops(*store, dir / "export2.tar", 20400), "export 2");
  EXPECT_NE(second.export_id, report.export_id);
}

TEST_F(ExportPurgeTest, ALimitLeavesTheRestForTheNextExport) {
  put(5);
  auto report = must(export_drops(*store, dir / "export.tar", 20400, 3), "export");
  EXPECT_EQ(report.drops, 3u);
  EXPECT_EQ(report.remaining, 2u);
  auto envelope = must(wire::open_export_manifest(read_archive(dir / "export.tar")[0].content), "manifest");
  auto manifest = must(wire::parse_export_manifest_body(envelope.body), "manifest body");
  auto ids = must(store->drop_ids(), "ids");
  EXPECT_EQ(manifest.drop_ids, std::vector<DropId>(ids.begin(), ids.begin() + 3));
}

TEST_F(ExportPurgeTest, AReceiptDeletesExactlyWhatItNamesAndDropsStoredLaterStay) {
  put(4);
  auto report = exported("export.tar");
  auto exported = must(store->drop_ids(), "ids");
  auto later = put(2);  // arrive after the export
  // The station names three of the four (one it could not decrypt).
  std::vector<DropId> named(exported.begin(), exported.begin() + 3);
  auto r = must(purge_with_receipt(*store, receipt(report.export_id, named, deployment.analysts[1].identity),
                                   today_utc()),
                "purge");
  EXPECT_EQ(r.named, 3u);
  EXPECT_EQ(r.deleted, 3u);
  EXPECT_EQ(r.analyst, "analyst1");
  auto left = must(store->drop_ids(), "ids");
  ASSERT_EQ(left.size(), 3u);
  EXPECT_TRUE(std::find(left.begin(), left.end(), exported[3]) != left.end());
  for (const auto& d : later) EXPECT_TRUE(std::find(left.begin(), left.end(), drop_id(d)) != left.end());
  // Applying the same receipt again deletes nothing more.
  auto again = must(purge_with_receipt(*store, receipt(report.export_id, named, deployment.analysts[1].identity),
                                       today_utc()),
                    "purge again");
  EXPECT_EQ(again.deleted, 0u);
  auto counts = must(store->counts(), "counts");
  EXPECT_EQ(counts.drops, 3u);
  EXPECT_EQ(counts.drop_bytes, 3u * 4096);
}

TEST_F(ExportPurgeTest, BadReceiptsDeleteNothing) {
  put(3);
  auto report = exported("export.tar");
  auto ids = must(store->drop_ids(), "ids");
  const auto& kim = deployment.analysts[0].identity;
  auto stranger = crypto::ed25519_generate();
  auto other_relay = crypto::ed25519_generate();
  wire::ExportId unknown_export{};
  crypto::random_bytes(unknown_export);
  auto good = receipt(report.export_id, ids, kim);
  struct Case {
    std::string label;
    Bytes file;
    Errc code;
    std::string message;
  } cases[] = {
      {"another relay", receipt(report.export_id, ids, kim, other_relay.public_key), Errc::untrusted,
       "this import receipt is for another relay"},
      {"unknown analyst", receipt(report.export_id, ids, stranger), Errc::untrusted,
       "signed by an analyst key"},
      {"unknown export", receipt(unknown_export, ids, kim), Errc::not_found, "an export this relay did not make"},
      {"not a receipt", wire::wrap_file(wire::FileKind::key_bundle, deployment.bundle(relay_keys)), Errc::malformed,
       "this is a key bundle, not an import receipt"},
      {"truncated", Bytes(good.begin(), good.end() - 10), Errc::malformed, "damaged"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    auto r = purge_with_receipt(*store, c.file, today_utc());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), c.code);
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
    EXPECT_EQ(stored(), 3u);
  }
}

// A receipt may name only drops of the export it answers: a drop that
// arrived after the export (and so never reached the station), or one of
// another export, makes the relay refuse the whole receipt.
TEST_F(ExportPurgeTest, AReceiptNamingDropsTheExportDidNotContainDeletesNothing) {
  put(3);
  auto first = exported("first.tar");
  auto first_ids = must(store->drop_ids(), "ids");
  auto first_manifest = last_manifest;
  auto later = put(2);  // after the first export
  auto second = exported("second.tar");
  auto all = must(store->drop_ids(), "ids");
  std::vector<DropId> later_ids;
  for (const auto& d : later) later_ids.push_back(drop_id(d));
  const auto& kim = deployment.analysts[0].identity;

  std::vector<DropId> with_later = first_ids;
  with_later.push_back(later_ids[0]);
  auto before = all;
  struct Case {
    std::string label;
    Bytes file;
    Errc code;
    std::string message;
  } cases[] = {
      {"a drop stored after the export", receipt(first.export_id, with_later, kim, std::nullopt, first_manifest),
       Errc::malformed, "names 1 drop(s) that export"},
      {"another export's manifest", receipt(first.export_id, first_ids, kim, std::nullopt, last_manifest), Errc::malformed,
       "carries the manifest of export"},
      {"a manifest the relay did not sign",
       receipt(first.export_id, first_ids, kim, std::nullopt, Bytes(first_manifest.begin(), first_manifest.end() - 1)),
       Errc::bad_signature, "not one this relay signed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    auto r = purge_with_receipt(*store, c.file, today_utc());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.code(), c.code);
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
    EXPECT_EQ(must(store->drop_ids(), "ids"), before);
  }
  // The right manifest for each export deletes exactly its drops.
  EXPECT_EQ(must(purge_with_receipt(*store, receipt(first.export_id, first_ids, kim, std::nullopt, first_manifest),
                                    today_utc()),
                 "first")
                .deleted,
            3u);
  EXPECT_EQ(must(purge_with_receipt(*store, receipt(second.export_id, later_ids, kim), today_utc()), "second").deleted,
            2u);
  EXPECT_EQ(stored(), 0u);
}

TEST_F(ExportPurgeTest, EveryBitFlipOfAReceiptIsRefused) {
  put(2);
  auto report = exported("export.tar");
  auto ids = must(store->drop_ids(), "ids");
  auto good = receipt(report.export_id, ids, deployment.analysts[0].identity);
  std::size_t bad_signature = 0;
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    auto flipped = good;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto r = purge_with_receipt(*store, flipped, today_utc());
    ASSERT_FALSE(r.ok()) << "a flip of bit " << bit << " was accepted";
    bad_signature += r.code() == Errc::bad_signature;
  }
  EXPECT_GT(bad_signature, 0u);
  EXPECT_EQ(stored(), 2u);
  EXPECT_EQ(must(purge_with_receipt(*store, good, today_utc()), "good").deleted, 2u);
}

TEST_F(ExportPurgeTest, WithoutAPublishedBundleNoAnalystIsKnown) {
  test::TempDir other;
  auto bare = must(Store::create(other / "store.db", key), "store");
  ASSERT_TRUE(generate_relay_keys(*bare).ok());
  ASSERT_TRUE(set_organisation_key(*bare, deployment.org.public_key).ok());
  auto keys = must(load_relay_keys(*bare), "keys");
  auto report = must(export_drops(*bare, other / "e.tar", today_utc()), "export");
  auto file = receipt(report.export_id, {}, deployment.analysts[0].identity, keys.signing.public_key,
                      read_archive(other / "e.tar").at(0).content);
  auto r = purge_with_receipt(*bare, file, today_utc());
  EXPECT_EQ(code_of(r), Errc::not_found);
  EXPECT_NE(r.error().message.find("no key bundle is published"), std::string::npos);
}

}  // namespace
}  // namespace cairn::relay
