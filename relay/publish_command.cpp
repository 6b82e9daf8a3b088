#include "relay/commands.h"

#include <iostream>

#include "common/cli.h"
#include "common/day.h"
#include "relay/publish.h"
#include "wire/file_kind.h"

namespace cairn::relay {
namespace {

// --- Reply batches (issue: two-way contact) ---
int publish_replies(Store& store, ByteView file, std::uint32_t reply_days) {
  auto body = wire::unwrap_file(wire::FileKind::reply_batch, file);
  if (!body.ok()) return cli::fail(body.error());
  auto published = publish_reply_batch(store, *body, today_utc(), reply_days);
  if (!published.ok()) {
    std::string hint;
    if (published.code() == Errc::bad_signature || published.code() == Errc::malformed)
      hint = "copy the reply batch from the analyst station again; nothing was added to the board";
    else if (published.code() == Errc::untrusted)
      hint = "this relay only publishes what its own organisation signed; nothing was added to the board";
    else if (published.code() == Errc::quota)
      hint = "nothing was added; ask the station for a batch within the limit (or raise --reply-days)";
    return cli::fail(published.error(), hint);
  }
  std::cout << "published reply batch: " << published->in_batch << " reply(ies), " << published->added
            << " new; the board now holds " << published->on_board << "; served until "
            << describe_day(published->expires_day) << "\n";
  return 0;
}

}  // namespace

int publish_command(const RelayDir& paths, const std::filesystem::path& file, std::uint32_t reply_days) {
  auto bytes = read_carried_file(file);
  if (!bytes.ok()) return cli::fail(bytes.error());
  auto kind = wire::detect_file_kind(*bytes);
  if (!kind.ok()) return cli::fail(kind.error(), "publish takes a key bundle or a reply batch from the analyst station");
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  if (*kind == wire::FileKind::key_bundle) {
    auto body = wire::unwrap_file(wire::FileKind::key_bundle, *bytes);
    if (!body.ok()) return cli::fail(body.error());
    auto verified = publish_key_bundle(**store, *body, today_utc());
    if (!verified.ok()) return cli::fail(verified.error());
    std::cout << "published key bundle: " << verified->messaging_key_count() << " messaging key(s), drop size "
              << verified->drop_size << " bytes, valid until " << describe_day(verified->expires_day) << "\n";
    return 0;
  }
  if (*kind == wire::FileKind::reply_batch) return publish_replies(**store, *bytes, reply_days);
  return cli::fail("cairn-relay cannot publish " + std::string(wire::describe(*kind)));
}

}  // namespace cairn::relay
