#include "relay/commands.h"

#include <iostream>

#include "common/cli.h"
#include "crypto/key_text.h"
#include "relay/relay_keys.h"

namespace cairn::relay {

int status_command(const RelayDir& paths) {
  auto store = open_store(paths);
  if (!store.ok()) return cli::fail(store.error());
  auto counts = (*store)->counts();
  if (!counts.ok()) return cli::fail(counts.error());
  auto bundle = (*store)->get_meta(meta::kKeyBundle);
  std::cout << "drops stored:    " << counts->drops << "\n"
            << "drop bytes:      " << counts->drop_bytes << "\n"
            << "replies on board: " << counts->replies << "\n"
            << "key bundle:      " << (bundle.ok() && bundle->has_value() ? "published" : "none") << "\n";
  auto keys = load_relay_keys(**store);
  if (keys.ok()) std::cout << "relay keys:      " << crypto::encode_relay_keys({keys->noise.public_key, keys->signing.public_key}) << "\n";
  return 0;
}

}  // namespace cairn::relay
