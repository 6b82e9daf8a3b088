// Opening the vault for a command: the passphrase from where the command
// line says, and an error with the hint that fits when it does not open.
#include "analyst/commands.h"

#include "common/cli.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

using i18n::tr;

int fail_passphrase(const Error& e) {
  if (e.message == tr(kNoTerminalForPassphrase))
    return cli::fail(e, tr("run cairn-analyst in a terminal, or give the passphrase on a file descriptor with "
                           "--passphrase-fd N"));
  return cli::fail(e);
}

namespace {

Result<std::unique_ptr<Vault>> open_vault(const CommandContext& g) {
  CAIRN_TRY(auto params, Vault::read_params(g.vault));
  if (params.insecure_fast_kdf) {
    // Only the test build (cairn-analyst-testing) makes such vaults; the
    // shipped program never derives a vault key that cheaply.
    if (!g.testing_build)
      return make_error(Errc::unsupported, tr("this vault was made by a test build with a fast, insecure passphrase key "
                                              "derivation; this program opens only vaults made with the full cost"));
    cli::warn(tr(kInsecureKdfWarning));
  }
  CAIRN_TRY(auto passphrase, read_passphrase(g.source(), tr("Vault passphrase: "), Confirm::no));
  return Vault::open(g.vault, passphrase);
}

}  // namespace

std::unique_ptr<Vault> open_or_report(const CommandContext& g, int& exit_code) {
  auto vault = open_vault(g);
  if (vault.ok()) return std::move(vault).value();
  const auto& e = vault.error();
  if (e.code == Errc::decrypt_failed) exit_code = cli::fail(e, tr("the vault was not changed; try again"));
  else if (e.code == Errc::not_found)
    exit_code = cli::fail(e, tr("create one with cairn-analyst init --name NAME, or point --vault at it"));
  else exit_code = fail_passphrase(e);
  return nullptr;
}

}  // namespace cairn::analyst
