// Answering a source (DESIGN.md section 7): a reply is a fixed-size age file
// sealed to the reply key that rode inside the source's drops, put in a reply
// batch signed by the organisation key, carried by USB to the relay
// (`cairn-relay publish`), and found by the source's `cairn check`. The vault
// records every reply written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyst/vault.h"
#include "common/day.h"
#include "common/result.h"

namespace cairn::analyst {

struct WrittenReply {
  Bytes batch_file;  // wire::wrap_file(reply_batch, signed batch): write it to the USB stick
  DayNumber expires_day = 0;
};

// Errc::not_found (no such testimony), Errc::invalid_argument (the source asked
// for no replies), Errc::too_large (text over the fixed reply size), Errc::malformed (not UTF-8).
[[nodiscard]] Result<WrittenReply> write_reply(Vault& vault, std::int64_t testimony_id, const std::string& text,
                                               DayNumber today, DayNumber keep_days);

struct SentReply {
  DayNumber day = 0;
  std::string text;
};
[[nodiscard]] Result<std::vector<SentReply>> replies_sent(Vault& vault, std::int64_t testimony_id);

}  // namespace cairn::analyst
