#include "relay/commands.h"

#include <iostream>

#include "common/cli.h"
#include "crypto/drop.h"
#include "crypto/key_text.h"
#include "relay/key_file.h"
#include "relay/relay_keys.h"

namespace cairn::relay {

namespace fs = std::filesystem;

int init_command(const RelayDir& paths, const std::string& org_text, std::uint64_t quota_bytes) {
  auto org = crypto::parse_organisation_key(org_text);
  if (!org.ok()) return cli::fail(org.error(), "copy the organisation key (cairn-org1…) again from the analyst station");
  std::error_code ec;
  fs::create_directories(paths.dir, ec);
  fs::permissions(paths.dir, fs::perms::owner_all, ec);
  auto key = create_key_file(paths.key());
  if (!key.ok()) return cli::fail(key.error());
  auto store = Store::create(paths.store(), *key);
  if (!store.ok()) return cli::fail(store.error());
  // Every slot exists from the start (zero-filled): the store's size never
  // tells how many drops came. A key bundle with another drop size re-slots
  // the (still empty) store to the same capacity.
  const std::uint64_t slots = quota_bytes / crypto::kDefaultDropSize;
  if (slots == 0)
    return cli::fail("--quota-bytes must hold at least one drop (" + std::to_string(crypto::kDefaultDropSize) + " bytes)");
  if (auto st = (*store)->allocate_slots(crypto::kDefaultDropSize, slots); !st.ok()) return cli::fail(st.error());
  if (auto st = generate_relay_keys(**store); !st.ok()) return cli::fail(st.error());
  if (auto st = set_organisation_key(**store, *org); !st.ok()) return cli::fail(st.error());
  auto keys = load_relay_keys(**store);
  if (!keys.ok()) return cli::fail(keys.error());
  auto text = crypto::encode_relay_keys({keys->noise.public_key, keys->signing.public_key});
  std::cout << text << "\n";
  cli::info("relay initialised in " + paths.dir.string() + " (store key: " + paths.key().string() + ", mode 0600)");
  cli::info("give the line above to the analyst station to certify this relay: cairn-analyst relay add NAME " + text);
  return 0;
}

}  // namespace cairn::relay
