// What the signed objects carried by USB (export manifests, import receipts)
// share beyond their envelope (crypto/signed_envelope.h): lists of drop ids.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/signed_envelope.h"

namespace cairn::wire {

// The envelope itself is crypto/signed_envelope.h.
using crypto::open_envelope;
using crypto::seal_envelope;
using crypto::SignedEnvelope;

// A repeated bytes field of fixed-size ids: count cap first, then each length.
template <std::size_t N>
[[nodiscard]] Result<std::vector<ByteArray<N>>> read_fixed_ids(const google::protobuf::RepeatedPtrField<std::string>& field,
                                                               std::size_t max, std::string_view what) {
  if (static_cast<std::size_t>(field.size()) > max)
    return make_error(Errc::too_large, "the " + std::string(what) + " lists more than " + std::to_string(max) + " drops");
  std::vector<ByteArray<N>> ids(static_cast<std::size_t>(field.size()));
  for (int i = 0; i < field.size(); ++i)
    if (!copy_exact(field.Get(i), ids[static_cast<std::size_t>(i)]))
      return make_error(Errc::malformed, "drop id " + std::to_string(i + 1) + " in the " + std::string(what) +
                                             " is not " + std::to_string(N) + " bytes");
  return ids;
}

}  // namespace cairn::wire
