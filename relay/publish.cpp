#include "relay/publish.h"

#include <algorithm>
#include <set>

#include "crypto/key_text.h"
#include "relay/relay_keys.h"

namespace cairn::relay {

Result<crypto::VerifiedKeyBundle> publish_key_bundle(Store& store, ByteView signed_bundle, DayNumber today) {
  CAIRN_TRY(auto org, load_organisation_key(store));
  CAIRN_TRY(auto keys, load_relay_keys(store));
  CAIRN_TRY(auto verified, crypto::verify_key_bundle(signed_bundle, org, today));
  if (verified.relay_noise_key != keys.noise.public_key || verified.relay_signing_key != keys.signing.public_key)
    return make_error(Errc::untrusted,
                      "this key bundle certifies a different relay (its relay keys are " +
                          crypto::encode_relay_keys({verified.relay_noise_key, verified.relay_signing_key}) +
                          ", this relay's are " +
                          crypto::encode_relay_keys({keys.noise.public_key, keys.signing.public_key}) + ")");
  ByteArray<4> size{};
  put_u32be(size.data(), verified.drop_size);
  // One transaction: a running relay never sees a bundle with another bundle's
  // drop size, nor slots of another size. A new drop size re-slots the store
  // (same capacity in bytes), which only an empty store allows.
  const Store::MetaValue pair[] = {{meta::kKeyBundle, signed_bundle}, {meta::kDropSize, size}};
  CAIRN_TRY(auto layout, store.slot_layout());
  if (layout.slot_count > 0 && layout.slot_bytes != verified.drop_size) {
    const std::uint64_t count = std::max<std::uint64_t>(1, layout.slot_count * layout.slot_bytes / verified.drop_size);
    CAIRN_CHECK(store.allocate_slots(verified.drop_size, count, pair));
  } else {
    CAIRN_CHECK(store.put_metas(pair));
  }
  return verified;
}

// --- Reply batches (issue: two-way contact) ---

Result<PublishedReplies> publish_reply_batch(Store& store, ByteView signed_batch, DayNumber today,
                                             std::uint32_t max_reply_days) {
  CAIRN_TRY(auto org, load_organisation_key(store));
  CAIRN_TRY(auto batch, crypto::verify_reply_batch(signed_batch, org, today));
  const DayNumber last_allowed = today + max_reply_days;
  if (batch.expires_day > last_allowed)
    return make_error(Errc::quota, "the reply batch keeps its replies until " + describe_day(batch.expires_day) +
                                       ", but this relay keeps replies for at most " +
                                       std::to_string(max_reply_days) + " days (until " +
                                       describe_day(last_allowed) + ")");
  CAIRN_TRY(auto current, store.replies(today));
  std::set<DropId> on_board;
  for (const auto& r : current) on_board.insert(drop_id(r));
  std::size_t added = 0;
  for (const auto& r : batch.replies) added += on_board.count(drop_id(r)) == 0 ? 1 : 0;
  if (on_board.size() + added > crypto::kMaxBoardReplies)
    return make_error(Errc::quota, "the reply board holds " + std::to_string(on_board.size()) + " replies and " +
                                       "this batch adds " + std::to_string(added) + "; a board holds at most " +
                                       std::to_string(crypto::kMaxBoardReplies) +
                                       " (publish again after older replies expire, or in smaller batches)");
  std::vector<ByteView> views(batch.replies.begin(), batch.replies.end());
  CAIRN_CHECK(store.put_replies(views, batch.expires_day));
  (void)store.expire_replies(today);  // housekeeping only; serve also does it
  return PublishedReplies{batch.replies.size(), added, on_board.size() + added, batch.expires_day};
}

}  // namespace cairn::relay
