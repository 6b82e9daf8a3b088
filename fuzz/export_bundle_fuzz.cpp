// An export bundle as the station reads it from a USB stick: the strict
// ustar reader, the manifest entry, every drop entry the manifest lists (the
// manifest's body is parsed without its signature here, so the fuzzer reaches
// the drop entries; the station verifies it first) and the end of the
// archive. The input is presented as a file (a memfd), as the reader only
// opens paths.
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "analyst/export_reader.h"
#include "fuzz/fuzz_target.h"
#include "wire/export_bundle.h"

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
  auto reader = analyst::ExportReader::open({"/proc/self/fd/" + std::to_string(fd)});
  if (reader.ok()) {
    auto manifest = (*reader)->read_manifest();
    if (manifest.ok()) {
      auto envelope = wire::open_export_manifest(*manifest);
      auto body = envelope.ok() ? wire::parse_export_manifest_body(envelope->body) : envelope.error();
      if (body.ok()) {
        const std::set<std::uint32_t> sizes{4096, 32768};  // the seed export uses 4096-byte drops
        bool ok = true;
        for (std::size_t i = 0; ok && i < body->drop_ids.size() && i < 64; ++i)
          ok = (*reader)->read_drop(body->drop_ids[i], i, body->drop_ids.size(), sizes).ok();
        if (ok) (void)(*reader)->read_end();
      }
    }
  }
  ::close(fd);
  return 0;
}
