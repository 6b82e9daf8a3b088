// What the source reads when the relay refuses a request: the client's own
// sentence for each error code, in the source's language. Error.detail is
// never shown: a relay (perhaps seized) could put lies or terminal escape
// sequences in it.
#pragma once

#include "common/result.h"
#include "proto/transport.pb.h"

namespace cairn::client {

[[nodiscard]] Error relay_refused(const v1::Error& e);

// The connection itself failed (reading or writing failed or timed out), as
// opposed to a refusal or a broken protocol: what a new connection may cure.
[[nodiscard]] inline bool is_broken_connection(const Error& e) {
  return e.code == Errc::io || e.code == Errc::timeout;
}

}  // namespace cairn::client
