#include "analyst/reply.h"

#include <algorithm>

#include "analyst/keys.h"
#include "analyst/testimony.h"
#include "common/utf8.h"
#include "crypto/reply.h"
#include "crypto/reply_batch.h"
#include "i18n/catalog.h"
#include "wire/file_kind.h"

namespace cairn::analyst {
namespace {

// Created on first use, so vaults made before replies existed gain it too.
constexpr std::string_view kRepliesTable =
    "CREATE TABLE IF NOT EXISTS replies_sent (id INTEGER PRIMARY KEY, testimony_id INTEGER NOT NULL "
    "REFERENCES testimonies(id), day INTEGER NOT NULL, text TEXT NOT NULL);";

struct ReplyTarget {
  crypto::ReplyPublicKey key;
  DayNumber written_day = 0;
};

Result<ReplyTarget> reply_target(Vault& vault, std::int64_t id) {
  CAIRN_TRY(auto q, vault.db().prepare("SELECT reply_public_key, written_day FROM testimonies WHERE id = ?1;"));
  q.bind(1, id);
  CAIRN_TRY(bool row, q.step());
  if (!row) return make_error(Errc::not_found, i18n::trf(kNoSuchTestimony, id));
  auto key = q.column_blob(0);
  if (key.empty())
    return make_error(Errc::invalid_argument,
                      i18n::trf("the source of testimony %s asked for no replies (no codename)", id));
  auto parsed = crypto::parse_reply_public_key(key);
  if (!parsed.ok()) return make_error(Errc::malformed, i18n::trf("the stored reply key of testimony %s is damaged", id));
  ReplyTarget t{std::move(parsed).value()};
  t.written_day = static_cast<DayNumber>(q.column_int(1));
  return t;
}

}  // namespace

Result<WrittenReply> write_reply(Vault& vault, std::int64_t testimony_id, const std::string& text, DayNumber today,
                                 DayNumber keep_days) {
  if (!is_valid_utf8(text)) return make_error(Errc::malformed, i18n::tr("the reply is not valid UTF-8"));
  if (text.empty()) return make_error(Errc::invalid_argument, i18n::tr("the reply is empty"));
  CAIRN_TRY(auto target, reply_target(vault, testimony_id));
  // A reply to a hybrid (post-quantum) key holds less: its stanza is larger.
  const std::size_t capacity = crypto::reply_text_capacity(crypto::reply_key_kind(target.key));
  if (text.size() > capacity)
    return make_error(Errc::too_large, i18n::trf("the reply is %s bytes; a reply holds at most %s bytes of UTF-8 (split it "
                                                 "into several replies)",
                                                 text.size(), capacity));
  CAIRN_TRY(auto sealed, crypto::seal_reply({text, today, target.written_day}, target.key));
  CAIRN_TRY(auto org, organisation_key(vault));
  std::vector<Bytes> replies{std::move(sealed)};
  WrittenReply out;
  out.expires_day = today + keep_days;
  CAIRN_TRY(auto batch, crypto::build_reply_batch(org, replies, today, out.expires_day));
  out.batch_file = wire::wrap_file(wire::FileKind::reply_batch, batch);
  CAIRN_CHECK(vault.transaction([&]() -> Status {
    CAIRN_CHECK(vault.db().exec(kRepliesTable));
    CAIRN_TRY(auto ins, vault.db().prepare("INSERT INTO replies_sent (testimony_id, day, text) VALUES (?1, ?2, ?3);"));
    return ins.bind(1, testimony_id).bind(2, std::int64_t{today}).bind(3, std::string_view(text)).run();
  }));
  return out;
}

Result<std::vector<SentReply>> replies_sent(Vault& vault, std::int64_t testimony_id) {
  // Reading changes nothing: no table yet means no reply yet.
  CAIRN_TRY(auto exists, vault.db().prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'replies_sent';"));
  CAIRN_TRY(bool has_table, exists.step());
  if (!has_table) return std::vector<SentReply>{};
  CAIRN_TRY(auto q, vault.db().prepare("SELECT day, text FROM replies_sent WHERE testimony_id = ?1 ORDER BY id;"));
  q.bind(1, testimony_id);
  std::vector<SentReply> out;
  for (;;) {
    CAIRN_TRY(bool row, q.step());
    if (!row) break;
    out.push_back({static_cast<DayNumber>(q.column_int(0)), q.column_text(1)});
  }
  return out;
}

}  // namespace cairn::analyst
