// What the source reads when the relay refuses a request: the client's own
// sentence for each error code, in the source's language. Error.detail is
// never shown: a relay (perhaps seized) could put lies or terminal escape
// sequences in it.
#pragma once

#include "common/result.h"
#include "proto/transport.pb.h"

namespace cairn::client {

[[nodiscard]] Error relay_refused(const v1::Error& e);

}  // namespace cairn::client
