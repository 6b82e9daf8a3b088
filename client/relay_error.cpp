#include "client/relay_error.h"

#include "i18n/catalog.h"

namespace cairn::client {

Error relay_refused(const v1::Error& e) {
  using i18n::tr;
  switch (e.code()) {
    case v1::ERROR_CODE_QUOTA_EXCEEDED: return make_error(Errc::quota, tr("the relay is full right now; try again later"));
    case v1::ERROR_CODE_STORAGE_UNAVAILABLE:
      return make_error(Errc::storage, tr("the relay could not store the drop; try again later"));
    case v1::ERROR_CODE_NO_KEY_BUNDLE:
      return make_error(Errc::not_found, tr("the relay has no analyst keys published yet; try again later"));
    case v1::ERROR_CODE_TOO_MANY_DROPS:
      return make_error(Errc::protocol, tr("the relay refused more drops on this connection; run the command again"));
    case v1::ERROR_CODE_DROP_WRONG_SIZE:
    case v1::ERROR_CODE_POW_INSUFFICIENT:
      return make_error(Errc::protocol, tr("the relay refused the drop: it does not match what the relay expects"));
    case v1::ERROR_CODE_UNSUPPORTED_VERSION:
      return make_error(Errc::protocol, tr("the relay speaks another version of Cairn: update cairn"));
    case v1::ERROR_CODE_MALFORMED_REQUEST:
      return make_error(Errc::protocol, tr("the relay could not understand the request"));
    case v1::ERROR_CODE_INTERNAL:
      return make_error(Errc::protocol, tr("the relay has an internal fault; nothing was stored; try again later"));
    default: return make_error(Errc::protocol, tr("the relay refused the request for a reason this cairn does not know"));
  }
}

}  // namespace cairn::client
