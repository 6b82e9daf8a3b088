#include <zlib.h>

#include <algorithm>
#include <vector>

#include "clean/internal.h"

namespace cairn::clean::detail {

Result<InflatedSize> inflated_size(ByteView data, std::size_t cap) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return make_error(Errc::internal, i18n::tr("zlib cannot start"));
  std::vector<Bytef> sink(64 * 1024);
  std::size_t total = 0;
  int rc = Z_OK;
  while (rc == Z_OK && total <= cap) {
    // zlib counts its input in uInt: feed it in slices.
    if (z.avail_in == 0 && !data.empty()) {
      const auto take = std::min<std::size_t>(data.size(), 1u << 30);
      z.next_in = const_cast<Bytef*>(data.data());
      z.avail_in = static_cast<uInt>(take);
      data = data.subspan(take);
    }
    z.next_out = sink.data();
    z.avail_out = static_cast<uInt>(sink.size());
    rc = inflate(&z, Z_NO_FLUSH);
    total += sink.size() - z.avail_out;
    if (rc == Z_BUF_ERROR && z.avail_in == 0 && data.empty()) break;  // input ended without an end marker
  }
  inflateEnd(&z);
  return InflatedSize{total, rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR};
}

}  // namespace cairn::clean::detail
