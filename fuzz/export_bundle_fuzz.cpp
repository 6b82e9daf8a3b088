// An export bundle as the station reads it from a USB stick: the tar reader,
// the manifest entry and every drop entry, with the caps and name checks it
// applies before reading an entry's bytes. The input is presented as a file
// (a memfd), as the reader only opens paths.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "analyst/export_reader.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn;
  int fd = ::memfd_create("cairn-fuzz-bundle", MFD_CLOEXEC);
  if (fd < 0) return 0;
  std::size_t off = 0;
  while (off < size) {
    ssize_t n = ::write(fd, data + off, size - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  auto reader = analyst::ExportReader::open("/proc/self/fd/" + std::to_string(fd));
  if (reader.ok()) {
    auto manifest = (*reader)->read_manifest();
    if (manifest.ok()) {
      const std::set<std::uint32_t> sizes{4096, 32768};  // the seed export uses 4096-byte drops
      auto admit_all = [](const wire::DropId&) -> Status { return {}; };
      for (int i = 0; i < 64; ++i) {
        auto drop = (*reader)->next_drop(sizes, admit_all);
        if (!drop.ok() || !drop->has_value()) break;
      }
    }
  }
  ::close(fd);
  return 0;
}
