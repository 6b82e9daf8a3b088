// `cairn-relay publish`: installs what the air-gapped station signed — a key
// bundle (verified against the pinned organisation key, and it must certify
// this relay's own keys) or a reply batch (issue: replies).
#pragma once

#include "common/day.h"
#include "common/result.h"
#include "crypto/key_bundle.h"
#include "crypto/reply_batch.h"
#include "relay/store.h"

namespace cairn::relay {

[[nodiscard]] Result<crypto::VerifiedKeyBundle> publish_key_bundle(Store& store, ByteView signed_bundle,
                                                                   DayNumber today);

// --- Reply batches (issue: two-way contact) ---

struct PublishedReplies {
  std::size_t in_batch = 0;  // replies in the batch
  std::size_t added = 0;     // of those, not already on the board
  std::size_t on_board = 0;  // replies served after publishing
  DayNumber expires_day = 0;
};

// Verifies a reply batch (the body of a wire::FileKind::reply_batch file)
// against the pinned organisation key and adds its replies to the board until
// its expires_day. Refuses (Errc::quota) a batch that expires more than
// max_reply_days after today, or that would take the board past
// crypto::kMaxBoardReplies; other errors are verify_reply_batch's. Expired
// replies are deleted on the way. On any error the board is unchanged.
[[nodiscard]] Result<PublishedReplies> publish_reply_batch(Store& store, ByteView signed_batch, DayNumber today,
                                                           std::uint32_t max_reply_days);

}  // namespace cairn::relay
