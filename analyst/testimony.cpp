#include "analyst/testimony.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analyst/display.h"
#include "analyst/files.h"
#include "i18n/catalog.h"
#include "i18n/system_error.h"

namespace cairn::analyst {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxNameAttempts = 1000;
constexpr int kTextStartChars = 400;

// "photo.jpg" -> "photo (2).jpg"
std::string numbered(const std::string& name, int n) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return name + " (" + std::to_string(n) + ")";
  return name.substr(0, dot) + " (" + std::to_string(n) + ")" + name.substr(dot);
}

class Dir {
 public:
  explicit Dir(int fd) : fd_(fd) {}
  Dir(const Dir&) = delete;
  Dir& operator=(const Dir&) = delete;
  ~Dir() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<Stored> store_text(Vault& vault, const TextDrop& drop, DayNumber today) {
  CAIRN_TRY(auto q, vault.db().prepare(
                        "INSERT OR IGNORE INTO testimonies (body_hash, complete, chunks_total, chunks_have, "
                        "imported_day, written_day, reply_public_key, text, size) VALUES (?1, 1, 1, 1, ?2, ?3, ?4, ?5, ?6);"));
  q.bind(1, ByteView(drop.body_hash)).bind(2, std::int64_t{today}).bind(3, std::int64_t{drop.written_day});
  q.bind(4, ByteView(drop.reply_public_key)).bind(5, std::string_view(drop.text));
  q.bind(6, static_cast<std::int64_t>(drop.text.size()));
  CAIRN_CHECK(q.run());
  return vault.db().changes() > 0 ? Stored::added : Stored::duplicate;
}

Status quarantine(Vault& vault, std::string_view reason, ByteView content, DayNumber today) {
  CAIRN_TRY(auto q, vault.db().prepare("INSERT INTO quarantine (reason, imported_day, content) VALUES (?1, ?2, ?3);"));
  return q.bind(1, reason).bind(2, std::int64_t{today}).bind(3, content).run();
}

Result<std::uint64_t> quarantine_count(Vault& vault) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT count(*) FROM quarantine;"));
  CAIRN_TRY(bool row, q.step());
  return row ? static_cast<std::uint64_t>(q.column_int(0)) : 0;
}

namespace {

constexpr std::string_view kSelectSummary =
    "SELECT t.id, t.complete, t.imported_day, t.written_day, t.size, t.chunks_have, t.chunks_total, "
    "(SELECT count(*) FROM attachments a WHERE a.testimony = t.id), substr(t.text, 1, 400), "
    "t.reply_public_key IS NOT NULL AND length(t.reply_public_key) > 0, coalesce(t.problem, '') FROM testimonies t ";

TestimonySummary summary_row(const db::Statement& q) {
  TestimonySummary s;
  s.id = q.column_int(0);
  auto complete = q.column_int(1);
  s.state = complete == 1   ? TestimonyState::complete
            : complete == 0 ? TestimonyState::incomplete
            : complete == 2 ? TestimonyState::damaged
                            : TestimonyState::refused;
  s.imported_day = static_cast<DayNumber>(q.column_int(2));
  s.written_day = static_cast<DayNumber>(q.column_int(3));
  s.size = static_cast<std::uint64_t>(q.column_int(4));
  s.chunks_have = static_cast<std::uint32_t>(q.column_int(5));
  s.chunks_total = static_cast<std::uint32_t>(q.column_int(6));
  s.attachments = static_cast<std::size_t>(q.column_int(7));
  s.text_start = crypto::Plaintext::copy_of(q.column_text_view(8));
  s.problem = q.column_text(10);
  return s;
}

}  // namespace

Result<std::vector<TestimonySummary>> list_testimonies(Vault& vault) {
  static_assert(kTextStartChars == 400);
  CAIRN_TRY(auto q, vault.db().prepare(std::string(kSelectSummary) + "ORDER BY t.id;"));
  std::vector<TestimonySummary> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    out.push_back(summary_row(q));
  }
  return out;
}

Result<Testimony> load_testimony(Vault& vault, std::int64_t id) {
  CAIRN_TRY(auto q, vault.db().prepare(std::string(kSelectSummary) + "WHERE t.id = ?1;"));
  q.bind(1, id);
  CAIRN_TRY(bool row, q.step());
  if (!row)
    return make_error(Errc::not_found, i18n::trf(kNoSuchTestimony, id));
  Testimony t;
  t.summary = summary_row(q);
  t.has_reply_key = q.column_int(9) != 0;
  CAIRN_TRY(auto text, vault.db().prepare("SELECT text FROM testimonies WHERE id = ?1;"));
  text.bind(1, id);
  CAIRN_TRY(bool has_text, text.step());
  if (has_text) t.text = crypto::Plaintext::copy_of(text.column_text_view(0));
  CAIRN_TRY(auto a, vault.db().prepare(
                        "SELECT position, name, media_type, length(content), metadata FROM attachments WHERE testimony = ?1 "
                        "ORDER BY position;"));
  a.bind(1, id);
  for (;;) {
    CAIRN_TRY(bool more, a.step());
    if (!more) break;
    const auto m = a.column_int(4);
    t.attachments.push_back({static_cast<std::size_t>(a.column_int(0)), a.column_text(1), a.column_text(2),
                             static_cast<std::uint64_t>(a.column_int(3)),
                             m >= 1 && m <= 3 ? static_cast<FileMetadata>(m) : FileMetadata::unspecified});
  }
  return t;
}

// English: the caller translates (i18n::tr).
std::string_view describe(FileMetadata m) {
  switch (m) {
    case FileMetadata::cleaned: return i18n::N_("metadata removed by the source's client");
    case FileMetadata::none: return i18n::N_("plain text, nothing hidden to remove");
    case FileMetadata::kept: return i18n::N_("sent as it was, with its metadata: the source chose to");
    case FileMetadata::unspecified: break;
  }
  return i18n::N_("metadata not removed: sent by an older client");
}

Result<std::vector<ExtractedFile>> extract_attachments(Vault& vault, std::int64_t id, const fs::path& dir) {
  CAIRN_TRY(auto t, load_testimony(vault, id));
  if (t.summary.state == TestimonyState::incomplete)
    return make_error(Errc::not_found,
                      i18n::trf("testimony %s is not complete yet; its attachments arrive with later imports", id));
  if (t.summary.state == TestimonyState::damaged)
    return make_error(Errc::malformed,
                      i18n::trf("testimony %s is damaged: its parts do not fit together, so it has no attachments", id));
  if (t.summary.state == TestimonyState::refused)
    return make_error(Errc::malformed,
                      i18n::trf("testimony %s was refused (%s), so it has no attachments", id, t.summary.problem));
  if (t.attachments.empty())
    return make_error(Errc::not_found, i18n::trf("testimony %s has no attachments", id));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return make_error(Errc::io, i18n::trf("cannot create %s: %s", dir.string(), i18n::system_error(errno)));
  Dir d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd() < 0) return make_error(Errc::io, i18n::trf("cannot open the folder %s: %s", dir.string(), i18n::system_error(errno)));

  CAIRN_TRY(auto q, vault.db().prepare("SELECT content FROM attachments WHERE testimony = ?1 AND position = ?2;"));
  std::vector<ExtractedFile> out;
  for (const auto& a : t.attachments) {
    q.bind(1, id).bind(2, static_cast<std::int64_t>(a.position));
    CAIRN_TRY(bool row, q.step());
    if (!row) return make_error(Errc::storage, i18n::tr("an attachment disappeared from the vault"));
    auto content = q.column_blob(0);
    q.reset();
    std::string base = safe_file_name(a.name, a.position), name = base;
    Status written = make_error(Errc::already_exists, "");
    for (int n = 2; n <= kMaxNameAttempts + 1; ++n) {
      written = write_new_file_at(d.fd(), name, content, 0600);
      if (written.ok() || written.code() != Errc::already_exists) break;
      name = numbered(base, n);
    }
    crypto::wipe(content);
    if (!written.ok()) return written.error();
    out.push_back({name, a.size, a.metadata});
  }
  return out;
}

}  // namespace cairn::analyst
