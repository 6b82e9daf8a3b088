// Files a source attaches, as clean::clean sees them: pictures, PDF, OOXML,
// ODF, text, anything. Beyond not crashing: what comes out cleaned, cleaned
// again, has nothing left to remove (a PDF is always given a fresh document
// id, so that one is allowed).
#include <cstdlib>

#include "clean/clean.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn::clean;
  auto first = clean(cairn::fuzz::input(data, size));
  if (!first.ok()) return 0;
  auto second = clean(first->content);
  if (!second.ok()) std::abort();  // a cleaned file must be accepted again
  for (auto r : second->removed.items())
    if (!(second->format == Format::pdf && r == Removed::unique_ids)) std::abort();  // something was left
  return 0;
}
