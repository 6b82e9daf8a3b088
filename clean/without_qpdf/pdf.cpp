// clean_pdf for clang builds, which are only the libFuzzer campaigns
// (scripts/fuzz.sh): qpdf 11.3's headers do not compile with clang in C++20
// (JSON.hh destroys a vector of a type not yet complete), so there PDF files
// are refused as a kind Cairn cannot clean. Every g++ build (the programs, the
// tests and the ASan+UBSan replay of the fuzz corpora) has clean/pdf.cpp.
#include "clean/internal.h"

namespace cairn::clean::detail {

Result<Cleaned> clean_pdf(ByteView) {
  return make_error(Errc::unsupported, "this build cannot clean PDF documents (a clang fuzzing build)");
}

}  // namespace cairn::clean::detail
