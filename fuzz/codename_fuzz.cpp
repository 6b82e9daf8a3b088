// What a source types at the codename prompt: words in English or Korean (NFC
// or NFKD Hangul), any spacing, typos. Parsing must refuse or accept, never
// crash, and never read past what was typed.
#include "client/codename.h"
#include "common/bytes.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = cairn::fuzz::input(data, size);
  (void)cairn::client::parse_codename(cairn::as_chars(in));
  return 0;
}
