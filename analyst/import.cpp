#include "analyst/import.h"

#include <algorithm>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <set>

#include "analyst/export_reader.h"
#include "analyst/keys.h"
#include "analyst/reassembly.h"
#include "analyst/receipt.h"
#include "analyst/testimony.h"
#include "common/work_pool.h"
#include "crypto/age.h"
#include "crypto/drop.h"
#include "crypto/hash.h"
#include "crypto/reply.h"
#include "crypto/sign.h"
#include "i18n/catalog.h"
#include "proto/drop.pb.h"
#include "wire/drop_body.h"

namespace cairn::analyst {

using i18n::tr;
using i18n::trf;

namespace {

constexpr std::uint32_t kDropBodyVersion = 1;
// Drops per vault transaction: a failure (a full disk, a killed process)
// loses at most the batch it happens in.
constexpr std::size_t kImportBatchDrops = 256;

// imported_drops.outcome: why a drop's content is safely handled.
enum class Outcome : std::int64_t { text = 1, chunk = 2, cover = 3, duplicate = 4, quarantined = 5 };

Result<std::set<std::uint32_t>> known_drop_sizes(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT size FROM drop_sizes;"));
  std::set<std::uint32_t> sizes;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    sizes.insert(static_cast<std::uint32_t>(q.column_int(0)));
  }
  if (sizes.empty())
    return make_error(Errc::not_found, tr("this vault has never made a key bundle, so no drop can be sealed to its keys "
                                          "(run cairn-analyst keys bundle first)"));
  return sizes;
}

Result<bool> already_imported(Vault& vault, const wire::DropId& id) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT 1 FROM imported_drops WHERE id = ?1;"));
  q.bind(1, ByteView(id));
  return q.step();
}

Status record_imported(Vault& vault, const wire::DropId& id, Outcome outcome) {
  CAIRN_TRY(auto q, vault.db().prepare("INSERT INTO imported_drops (id, outcome) VALUES (?1, ?2);"));
  return q.bind(1, ByteView(id)).bind(2, static_cast<std::int64_t>(outcome)).run();
}

// The manifest must verify with the signing key of a relay this
// organisation certified; its body is parsed only then. If no certified key
// verifies it, the body is read, unverified, only to say why: another
// organisation's relay, a relay never certified, or an altered manifest.
Result<std::pair<wire::ExportManifest, RelayRecord>> check_manifest(Vault& vault, ByteView bytes) {
  CAIRN_TRY(auto envelope, wire::open_export_manifest(bytes));
  CAIRN_TRY(auto organisation, organisation_public_key(vault));
  CAIRN_TRY(auto known, relays(vault));
  std::vector<crypto::Ed25519Public> signing_keys;
  for (const auto& relay : known) signing_keys.push_back(relay.keys.signing);
  CAIRN_TRY(auto signer, crypto::verify_or_explain(
      signing_keys, crypto::sign_context::kExportManifest, envelope.body, envelope.signature,
      [&]() -> std::optional<Error> {
        auto claimed = wire::parse_export_manifest_body(envelope.body);
        if (claimed.ok() && claimed->organisation_key != organisation)
          return make_error(Errc::untrusted,
                            trf("this export bundle comes from a relay of another organisation (organisation key "
                                "%s), not this one (%s)",
                                fingerprint(claimed->organisation_key), fingerprint(organisation)));
        if (claimed.ok() && std::none_of(known.begin(), known.end(), [&](const RelayRecord& r) {
              return r.keys.signing == claimed->relay_signing_key;
            }))
          return make_error(Errc::untrusted, trf("this export bundle is signed by a relay this organisation has not "
                                                 "certified (relay signing key %s)",
                                                 fingerprint(claimed->relay_signing_key)));
        return std::nullopt;
      },
      tr("the export manifest's signature does not verify: the bundle was altered or damaged")));
  const RelayRecord& relay = known[signer];
  CAIRN_TRY(auto manifest, wire::parse_export_manifest_body(envelope.body));
  if (manifest.relay_signing_key != relay.keys.signing)
    return make_error(Errc::malformed, tr("the export manifest names another signing key than the relay that signed it"));
  if (manifest.organisation_key != organisation)
    return make_error(Errc::untrusted, trf("relay '%s' was certified by this organisation but is now pinned to "
                                           "another organisation key (%s)",
                                           relay.name, fingerprint(manifest.organisation_key)));
  return std::make_pair(std::move(manifest), relay);
}

// Tries the identities in groups (age caps identities per file).
enum class Opened { body, no_key, unreadable };
// X25519 identities first, then hybrid ones.
struct StationIdentities {
  std::vector<crypto::age::Identity> x25519;
  std::vector<crypto::age::HybridIdentity> hybrid;
};

Result<Opened> open_with(ByteView drop, const StationIdentities& identities, crypto::Secret& body) {
  auto groups = [&](std::size_t count, auto open_group) -> std::optional<Opened> {
    for (std::size_t start = 0; start < count; start += crypto::age::kMaxIdentities) {
      auto opened = open_group(start, std::min(count, start + crypto::age::kMaxIdentities) - start);
      if (opened.ok()) {
        body = std::move(opened).value();
        return Opened::body;
      }
      if (opened.code() != Errc::no_identity_match) return Opened::unreadable;
    }
    return std::nullopt;
  };
  if (auto x = groups(identities.x25519.size(), [&](std::size_t start, std::size_t n) {
        return crypto::open_drop(drop, std::span(identities.x25519).subspan(start, n), drop.size());
      }))
    return *x;
  if (auto h = groups(identities.hybrid.size(), [&](std::size_t start, std::size_t n) {
        return crypto::open_drop(drop, {}, drop.size(), std::span(identities.hybrid).subspan(start, n));
      }))
    return *h;
  return Opened::no_key;
}

class Importer {
 public:
  Importer(Vault& vault, const ImportOptions& options, ImportReport& report)
      : vault_(vault), options_(options), report_(report) {}

  Status load_identities() {
    CAIRN_TRY(identities_.x25519, messaging_identities(vault_));
    CAIRN_TRY(identities_.hybrid, messaging_hybrid_identities(vault_));
    return ok_status();
  }

  const StationIdentities& identities() const { return identities_; }

  // One drop not imported before, opened (open_with, on any thread). Returns
  // whether the receipt names it (the relay may delete it): its content is
  // safely handled, or it is junk.
  Result<bool> import_drop(const BundleDrop& drop, Opened opened, const crypto::Secret& body) {
    if (opened == Opened::unreadable) {
      // Not an age file, or one whose header or payload is damaged: no key
      // anywhere opens it, so it is never worth keeping.
      ++report_.unreadable;
      return true;
    }
    if (opened == Opened::no_key) {
      ++report_.no_key;
      CAIRN_TRY(auto first_seen, first_seen_unopened(drop.id));
      if (options_.purge_undecryptable || options_.today >= first_seen + options_.unopened_grace_days) {
        ++report_.no_key_purged;
        return true;
      }
      return false;
    }
    CAIRN_TRY(auto outcome, dispatch(body.view()));
    CAIRN_CHECK(record_imported(vault_, drop.id, outcome));
    return true;
  }

  // Incomplete submissions this import touched, as they stand now.
  Status collect_incomplete() {
    CAIRN_TRY(auto q, vault_.db().prepare("SELECT chunks_have, chunks_total FROM testimonies WHERE id = ?1 AND complete = 0;"));
    for (auto id : touched_) {
      q.bind(1, id);
      CAIRN_TRY(bool row, q.step());
      if (row)
        report_.incomplete.push_back({id, static_cast<std::uint32_t>(q.column_int(0)),
                                      static_cast<std::uint32_t>(q.column_int(1))});
      q.reset();
    }
    return ok_status();
  }

 private:
  // The day this vault first failed to open the drop (recorded now if this
  // is the first time).
  Result<DayNumber> first_seen_unopened(const wire::DropId& id) {
    CAIRN_TRY(auto ins, vault_.db().prepare("INSERT OR IGNORE INTO unopened_drops (id, first_seen_day) VALUES (?1, ?2);"));
    CAIRN_CHECK(ins.bind(1, ByteView(id)).bind(2, std::int64_t{options_.today}).run());
    CAIRN_TRY(auto q, vault_.db().prepare("SELECT first_seen_day FROM unopened_drops WHERE id = ?1;"));
    q.bind(1, ByteView(id));
    CAIRN_TRY(bool row, q.step());
    if (!row) return make_error(Errc::internal, "an unopened drop was not recorded");
    return static_cast<DayNumber>(q.column_int(0));
  }

  Result<Outcome> quarantined(std::string_view reason, ByteView body) {
    CAIRN_CHECK(quarantine(vault_, reason, body, options_.today));
    ++report_.quarantined;
    return Outcome::quarantined;
  }

  Result<Outcome> dispatch(ByteView body) {
    v1::DropBody parsed;
    // protobuf's copies of the text and chunk data: TextDrop and ChunkDrop view them.
    wire::WipeDropBodyOnExit wipe_parsed(parsed);
    if (!parsed.ParseFromArray(body.data(), static_cast<int>(body.size())))
      return quarantined("the drop's content does not parse as a drop body", body);
    if (parsed.version() != kDropBodyVersion)
      return quarantined("drop body version " + std::to_string(parsed.version()) + " is not supported", body);
    if (!parsed.reply_public_key().empty() && !crypto::parse_reply_public_key(as_bytes(parsed.reply_public_key())).ok())
      return quarantined("the drop's reply key is neither 32 bytes (X25519) nor 1216 bytes (mlkem768x25519)", body);
    Bytes reply_key = to_bytes(parsed.reply_public_key());
    switch (parsed.kind_case()) {
      case v1::DropBody::kCover:
        ++report_.cover;
        return Outcome::cover;
      case v1::DropBody::kTestimony: {
        TextDrop text;
        text.body_hash = crypto::blake2b_256(body);
        text.text = parsed.testimony().text();
        text.reply_public_key = std::move(reply_key);
        text.written_day = parsed.day();
        CAIRN_TRY(auto stored, store_text(vault_, text, options_.today));
        if (stored == Stored::duplicate) {
          ++report_.duplicates;
          return Outcome::duplicate;
        }
        ++report_.texts;
        CAIRN_TRY(auto id, last_testimony());
        report_.new_testimonies.push_back(id);
        return Outcome::text;
      }
      case v1::DropBody::kChunk:
        return chunk(parsed, std::move(reply_key), body);
      case v1::DropBody::KIND_NOT_SET:
        break;
    }
    return quarantined("the drop body says neither cover, testimony nor chunk", body);
  }

  Result<Outcome> chunk(const v1::DropBody& parsed, Bytes reply_key, ByteView body) {
    const auto& c = parsed.chunk();
    ChunkDrop chunk;
    if (!copy_exact(c.submission_id(), chunk.submission_id))
      return quarantined("a chunk's submission id is not 16 bytes", body);
    if (!copy_exact(c.submission_hash(), chunk.submission_hash))
      return quarantined("a chunk's submission hash is not 32 bytes", body);
    if (!copy_exact(c.chunks_root(), chunk.chunks_root))
      return quarantined("a chunk has no 32-byte chunk root (sent by an older client?)", body);
    if (static_cast<std::size_t>(c.chunk_proof_size()) > wire::kMaxChunkProofHashes)
      return quarantined("a chunk's proof is longer than any submission needs", body);
    for (const auto& h : c.chunk_proof()) {
      if (!copy_exact(h, chunk.proof.emplace_back()))
        return quarantined("a hash in a chunk's proof is not 32 bytes", body);
    }
    chunk.index = c.index();
    chunk.total = c.total();
    chunk.data = as_bytes(c.data());
    chunk.reply_public_key = std::move(reply_key);
    chunk.written_day = parsed.day();
    auto accepted = accept_chunk(vault_, chunk, options_.today);
    if (!accepted.ok()) {
      if (accepted.code() == Errc::malformed) return quarantined(accepted.error().message, body);
      return accepted.error();
    }
    switch (accepted->outcome) {
      case ChunkOutcome::stored:
        ++report_.chunks;
        touched_.insert(accepted->testimony_id);
        return Outcome::chunk;
      case ChunkOutcome::completed:
        ++report_.completed;
        touched_.erase(accepted->testimony_id);
        report_.new_testimonies.push_back(accepted->testimony_id);
        return Outcome::chunk;
      case ChunkOutcome::duplicate:
        ++report_.duplicates;
        return Outcome::duplicate;
      case ChunkOutcome::inconsistent:
        return quarantined(accepted->problem, body);
      case ChunkOutcome::damaged:
        ++report_.damaged_submissions;
        touched_.erase(accepted->testimony_id);
        return Outcome::chunk;
      case ChunkOutcome::refused:
        report_.refused.push_back({accepted->testimony_id, accepted->problem});
        touched_.erase(accepted->testimony_id);
        return Outcome::chunk;
    }
    return make_error(Errc::internal, "unknown chunk outcome");
  }

  Result<std::int64_t> last_testimony() {
    CAIRN_TRY(auto q, vault_.db().prepare("SELECT last_insert_rowid();"));
    CAIRN_TRY(bool row, q.step());
    if (!row) return make_error(Errc::internal, "no row id for the new testimony");
    return q.column_int(0);
  }

  Vault& vault_;
  const ImportOptions& options_;
  ImportReport& report_;
  StationIdentities identities_;
  std::set<std::int64_t> touched_;
};

}  // namespace

Result<ImportReport> import_bundle(Vault& vault, const std::filesystem::path& bundle, const ImportOptions& options) {
  if (!options.analyst.empty()) CAIRN_CHECK(find_analyst(vault, options.analyst));
  CAIRN_TRY(auto sizes, known_drop_sizes(vault));
  CAIRN_TRY(auto parts, bundle_parts(bundle));

  WorkPool pool;  // hashes and opens drops on every core

  // Pass 1: the whole bundle, checked before anything is stored, so a
  // refused bundle leaves the vault exactly as it was. The drops are read on
  // this thread and hashed on the pool, a batch at a time; the first drop
  // that does not match its id, in bundle order, is the error.
  CAIRN_TRY(auto reader, ExportReader::open(parts));
  CAIRN_TRY(auto manifest_bytes, reader->read_manifest());
  CAIRN_TRY(auto checked, check_manifest(vault, manifest_bytes));
  const auto& manifest = checked.first;
  const auto& ids = manifest.drop_ids;
  for (std::size_t k = 0; k < ids.size(); k += kImportBatchDrops) {
    std::vector<BundleDrop> drops;
    for (std::size_t i = k; i < std::min(ids.size(), k + kImportBatchDrops); ++i) {
      CAIRN_TRY(auto drop, reader->read_drop_unhashed(ids[i], i, ids.size(), sizes));
      drops.push_back(std::move(drop));
    }
    std::vector<Status> hashed(drops.size());
    std::latch all(static_cast<std::ptrdiff_t>(drops.size()));
    for (std::size_t j = 0; j < drops.size(); ++j)
      pool.post([&, j] {
        hashed[j] = check_drop_id(drops[j]);
        all.count_down();
      });
    all.wait();
    for (auto& h : hashed) CAIRN_CHECK(std::move(h));
  }
  CAIRN_CHECK(reader->read_end());

  ImportReport report;
  report.relay = checked.second.name;
  report.export_id = manifest.export_id;
  report.export_day = manifest.export_day;
  report.drops = ids.size();
  std::vector<wire::DropId> safe;

  // Pass 2: import, committing every kImportBatchDrops drops, so nothing a
  // later drop does (or a failure of the machine) undoes what is stored.
  CAIRN_TRY(reader, ExportReader::open(parts));
  CAIRN_TRY(auto again, reader->read_manifest());
  if (again != manifest_bytes)
    return make_error(Errc::malformed, tr("the export bundle changed while it was being read; nothing was imported"));
  Importer importer(vault, options, report);
  CAIRN_CHECK(importer.load_identities());
  for (std::size_t k = 0; k < ids.size() && !report.stopped;) {
    const auto before = report;
    const auto safe_before = safe.size();
    const auto end = std::min(ids.size(), k + kImportBatchDrops);
    auto batch = vault.transaction([&]() -> Status {
      // Read the batch, hash it again and open its new drops on every core,
      // then store them in bundle order on this thread (the vault is not
      // shared between threads).
      std::vector<BundleDrop> drops;
      std::vector<bool> fresh;
      for (std::size_t i = k; i < end; ++i) {
        CAIRN_TRY(auto drop, reader->read_drop_unhashed(ids[i], i, ids.size(), sizes));
        CAIRN_TRY(bool imported, already_imported(vault, drop.id));
        fresh.push_back(!imported);
        drops.push_back(std::move(drop));
      }
      std::vector<Status> hashed(drops.size());
      std::vector<Result<Opened>> opened(drops.size(), Opened::unreadable);
      std::vector<crypto::Secret> bodies(drops.size());
      std::vector<char> ready(drops.size(), 0);
      std::mutex m;
      std::condition_variable opened_one;
      std::latch all(static_cast<std::ptrdiff_t>(drops.size()));
      // Every job ends before the vectors it writes go, on every path out.
      struct WaitForAll {
        std::latch& l;
        ~WaitForAll() { l.wait(); }
      } wait_for_all{all};
      for (std::size_t j = 0; j < drops.size(); ++j) {
        pool.post([&, j] {
          hashed[j] = check_drop_id(drops[j]);
          if (hashed[j].ok() && fresh[j]) opened[j] = open_with(drops[j].bytes, importer.identities(), bodies[j]);
          {
            std::lock_guard lock(m);
            ready[j] = 1;
          }
          opened_one.notify_all();
          all.count_down();
        });
      }
      // Each drop is stored as soon as it is open, while the pool opens the next.
      for (std::size_t j = 0; j < drops.size(); ++j) {
        const auto& drop = drops[j];
        {
          std::unique_lock lock(m);
          opened_one.wait(lock, [&] { return ready[j] != 0; });
        }
        CAIRN_CHECK(std::move(hashed[j]));  // the bundle changed since pass 1
        if (!fresh[j]) {
          ++report.already_imported;
          safe.push_back(drop.id);
          continue;
        }
        CAIRN_TRY(auto how, std::move(opened[j]));
        CAIRN_TRY(bool named, importer.import_drop(drop, how, bodies[j]));
        crypto::wipe(bodies[j].bytes());
        if (named) safe.push_back(drop.id);
      }
      return ok_status();
    });
    if (!batch.ok()) {
      // The batch was rolled back; what earlier batches committed stays.
      report = before;
      safe.resize(safe_before);
      report.stopped = batch.error();
    }
    k = end;
  }
  CAIRN_CHECK(importer.collect_incomplete());

  report.receipt_drops = safe;
  std::sort(safe.begin(), safe.end());
  CAIRN_TRY(report.receipt_file, make_receipt_file(vault, options.analyst, manifest.export_id,
                                                   manifest.relay_signing_key, std::move(safe), manifest_bytes));
  std::sort(report.receipt_drops.begin(), report.receipt_drops.end());
  return report;
}

}  // namespace cairn::analyst
