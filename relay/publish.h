// `cairn-relay publish`: installs what the air-gapped station signed — a key
// bundle (verified against the pinned organisation key, and it must certify
// this relay's own keys) or a reply batch (issue: replies).
#pragma once

#include "common/day.h"
#include "common/result.h"
#include "crypto/key_bundle.h"
#include "relay/store.h"

namespace cairn::relay {

[[nodiscard]] Result<crypto::VerifiedKeyBundle> publish_key_bundle(Store& store, ByteView signed_bundle,
                                                                   DayNumber today);

}  // namespace cairn::relay
