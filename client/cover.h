// Size classes (docs/PROTOCOL.md, "Traffic shapes"): every delivery of drops,
// a submission's or a check's, is padded with cover drops up to its class, so
// the relay and anyone watching the connection learn the class, not the
// number of drops the testimony needed. A cover drop's body is
// DropBody{cover}; sealed like any other (a fresh age file to the same
// analysts, the same proof of work), nothing outside tells it from a real
// drop. The analyst's import discards it.
#pragma once

#include <cstddef>

#include "client/submission.h"

namespace cairn::client {

// Classes are whole powers of two up to this many drops (2 MiB of 32 KiB
// drops); above it, four classes for each doubling.
inline constexpr std::size_t kPowerOfTwoClassesUpTo = 64;

// The smallest class holding `drops` (0 for a check: class 1).
[[nodiscard]] std::size_t size_class(std::size_t drops);

// The serialized DropBody{version 1, cover} that every cover drop carries.
[[nodiscard]] crypto::Plaintext cover_body();

// `real`'s drops, in their order, with cover drops added up to `total`
// (≥ real.count) at positions drawn uniformly at random among all `total`:
// each set of cover positions is equally likely, so the order of sealed
// drops says nothing about which are cover. Streams like `real`.
[[nodiscard]] DropSource with_cover(DropSource real, std::size_t total);

}  // namespace cairn::client
