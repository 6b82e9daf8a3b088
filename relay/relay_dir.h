// The relay directory every cairn-relay command works in: the encrypted store
// and the key file that unlocks it (or the key systemd hands over as a
// credential), and the files an operator carries in from the analyst station.
#pragma once

#include <filesystem>
#include <memory>

#include "common/bytes.h"
#include "common/result.h"
#include "relay/store.h"

namespace cairn::relay {

struct RelayDir {
  std::filesystem::path dir = "cairn-relay";
  std::filesystem::path key_file;  // default: <dir>/store.key, or $CREDENTIALS_DIRECTORY/cairn-store-key

  [[nodiscard]] std::filesystem::path store() const { return dir / "store.db"; }
  [[nodiscard]] std::filesystem::path key() const;
};

// Opens the store with the key from the key file.
[[nodiscard]] Result<std::unique_ptr<Store>> open_store(const RelayDir& relay_dir);

// A file carried from the analyst station (key bundle, reply batch, import
// receipt): read whole, at most wire::kMaxCarriedFileBytes.
[[nodiscard]] Result<Bytes> read_carried_file(const std::filesystem::path& path);

}  // namespace cairn::relay
