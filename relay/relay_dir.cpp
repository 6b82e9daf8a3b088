#include "relay/relay_dir.h"

#include <cstdlib>

#include "common/files.h"
#include "relay/key_file.h"
#include "wire/file_kind.h"

namespace cairn::relay {

namespace fs = std::filesystem;

fs::path RelayDir::key() const {
  if (!key_file.empty()) return key_file;
  if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY")) {
    fs::path p = fs::path(creds) / "cairn-store-key";
    if (fs::exists(p)) return p;
  }
  return dir / "store.key";
}

Result<std::unique_ptr<Store>> open_store(const RelayDir& relay_dir) {
  CAIRN_TRY(auto key, read_key_file(relay_dir.key()));
  return Store::open(relay_dir.store(), key);
}

Result<Bytes> read_carried_file(const fs::path& path) {
  auto bytes = read_file_capped(path, wire::kMaxCarriedFileBytes, "");
  if (!bytes.ok() && bytes.code() == Errc::too_large) return make_error(Errc::too_large, path.string() + " is too large");
  return bytes;
}

}  // namespace cairn::relay
