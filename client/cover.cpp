#include "client/cover.h"

#include <bit>
#include <memory>

#include "crypto/random.h"
#include "i18n/catalog.h"
#include "proto/drop.pb.h"
#include "wire/protocol.h"

namespace cairn::client {

std::size_t size_class(std::size_t drops) {
  if (drops <= 1) return 1;
  if (drops <= kPowerOfTwoClassesUpTo) return std::bit_ceil(drops);
  // Four steps per doubling: the largest power of two not above `drops`,
  // divided by 4, is the step; round up to a multiple of it.
  const std::size_t step = std::bit_floor(drops) / 4;
  return (drops + step - 1) / step * step;
}

crypto::Plaintext cover_body() {
  v1::DropBody body;
  body.set_version(kDropBodyVersion);
  body.mutable_cover();
  return crypto::Plaintext(wire::encode(body));
}

DropSource with_cover(DropSource real, std::size_t total) {
  struct State {
    DropSource real;
    std::size_t real_left;
    std::size_t cover_left;
  };
  auto state = std::make_shared<State>(State{std::move(real), 0, 0});
  state->real_left = state->real.count;
  state->cover_left = total > state->real.count ? total - state->real.count : 0;
  DropSource out;
  out.count = state->real_left + state->cover_left;
  out.next = [state]() -> Result<crypto::Plaintext> {
    const std::size_t left = state->real_left + state->cover_left;
    if (left == 0) return make_error(Errc::internal, i18n::tr("more drops asked for than the submission has"));
    // Cover here with probability cover_left / left: every arrangement of
    // the remaining cover among the remaining places is equally likely.
    const bool cover = state->cover_left > 0 &&
                       crypto::random_uniform(static_cast<std::uint32_t>(left)) < state->cover_left;
    if (cover) {
      --state->cover_left;
      return cover_body();
    }
    --state->real_left;
    return state->real.next();
  };
  return out;
}

}  // namespace cairn::client
