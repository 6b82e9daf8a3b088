#include "analyst/commands.h"

#include <iostream>

#include "analyst/keys.h"
#include "common/cli.h"
#include "crypto/key_text.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

namespace fs = std::filesystem;
using i18n::tr;
using i18n::trf;

namespace {

void remove_new_vault(const fs::path& dir) {
  std::error_code ec;
  for (std::string name : {std::string(kVaultDatabaseFile), std::string(kVaultDatabaseFile) + "-wal",
                           std::string(kVaultDatabaseFile) + "-shm", std::string(kVaultParamsFile)})
    fs::remove(dir / name, ec);
  fs::remove(dir, ec);  // only if empty
}

}  // namespace

int init_command(const CommandContext& g, const std::string& name, bool insecure, bool hybrid) {
  auto passphrase = read_passphrase(g.source(), tr("New vault passphrase: "), Confirm::yes);
  if (!passphrase.ok()) return fail_passphrase(passphrase.error());
  if (passphrase->size() < kRecommendedPassphraseBytes)
    cli::warn(tr("the passphrase is short; a long one (several words) protects the vault if the station is seized"));
  if (insecure) cli::warn(tr(kInsecureKdfWarning));
  auto vault = Vault::create(g.vault, *passphrase, insecure);
  if (!vault.ok()) return cli::fail(vault.error());
  auto st = (*vault)->transaction([&]() -> Status {
    CAIRN_CHECK(create_organisation(**vault));
    if (hybrid) CAIRN_CHECK(choose_hybrid_messaging(**vault));
    CAIRN_CHECK(add_analyst(**vault, name, g.today));
    return ok_status();
  });
  if (!st.ok()) {
    vault->reset();
    remove_new_vault(g.vault);
    return cli::fail(st.error());
  }
  auto org = organisation_public_key(**vault);
  if (!org.ok()) return cli::fail(org.error());
  std::cout << crypto::encode_organisation_key(*org) << "\n";
  cli::info(trf("vault created in %s with analyst '%s'", g.vault.string(), name));
  cli::info(tr("the line above is the organisation key: give it to the relay operator for "
               "cairn-relay init --organisation-key"));
  return 0;
}

}  // namespace cairn::analyst
