#include "relay/disk_space.h"

#include <string>

#include "relay/log.h"

namespace cairn::relay {
namespace {

std::string describe_bytes(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{10} << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes >> 10) + " KiB";
}

}  // namespace

Result<std::uint64_t> available_bytes(const std::filesystem::path& path) {
  std::error_code ec;
  auto space = std::filesystem::space(path, ec);
  if (ec) return make_error(Errc::io, "cannot read the free space of " + path.string() + ": " + ec.message());
  return static_cast<std::uint64_t>(space.available);
}

Status FreeSpaceGuard::admit(std::uint64_t drop_bytes) {
  if (margin_ == 0) return ok_status();
  auto avail = probe_();
  // Fail closed: a relay that cannot tell whether the disk is full must not risk filling it.
  Status verdict = ok_status();
  if (!avail.ok()) {
    verdict = make_error(Errc::unsafe, avail.error().message);
  } else if (*avail < margin_ || (*avail - margin_) / kDiskBytesPerDropByte < drop_bytes) {
    verdict = make_error(Errc::unsafe, "only " + describe_bytes(*avail) + " free on the store's file system; the relay keeps " +
                                             describe_bytes(margin_) + " free");
  }
  bool was_low = low_.exchange(!verdict.ok());
  if (!verdict.ok() && !was_low) log_line("refusing drops until space is freed: " + verdict.error().message);
  if (verdict.ok() && was_low) log_line("free space is above the margin again: taking drops");
  return verdict;
}

Status check_free_space_to_start(const std::filesystem::path& store_path, std::uint64_t margin_bytes) {
  if (margin_bytes == 0) return ok_status();
  auto dir = store_path.has_parent_path() ? store_path.parent_path() : std::filesystem::path(".");
  CAIRN_TRY(auto avail, available_bytes(dir));
  const std::uint64_t floor = margin_bytes / 2;
  if (avail < floor)
    return make_error(Errc::unsafe, "only " + describe_bytes(avail) + " free on the file system of " + dir.string() +
                                          "; the relay needs at least " + describe_bytes(floor) +
                                          " (half of --min-free-bytes) to start safely");
  return ok_status();
}

}  // namespace cairn::relay
