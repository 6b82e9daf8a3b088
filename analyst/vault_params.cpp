#include "analyst/vault_params.h"

#include <charconv>
#include <vector>

#include "crypto/random.h"
#include "i18n/catalog.h"

namespace cairn::analyst {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

Result<std::string_view> field(std::string_view line, std::string_view name) {
  if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ' ')
    return make_error(Errc::malformed, i18n::trf("the vault parameters file is damaged: expected '%s …', found '%s'", name,
                                                 line.substr(0, 40)));
  return line.substr(name.size() + 1);
}

Result<std::uint64_t> number(std::string_view line, std::string_view name) {
  CAIRN_TRY(auto value, field(line, name));
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty() || (value.size() > 1 && value[0] == '0'))
    return make_error(Errc::malformed, i18n::trf("the vault parameters file is damaged: '%s' is not a number", name));
  return n;
}

}  // namespace

VaultParams new_vault_params(bool insecure_fast_kdf) {
  VaultParams p;
  crypto::random_bytes(p.salt);
  p.insecure_fast_kdf = insecure_fast_kdf;
  p.cost = insecure_fast_kdf ? crypto::Argon2Cost::test_only_minimum() : crypto::Argon2Cost::sensitive();
  return p;
}

std::string encode_vault_params(const VaultParams& p) {
  return std::string(kVaultParamsMagic) + "\nkdf argon2id\nsalt " + to_hex(p.salt) + "\nops " +
         std::to_string(p.cost.ops) + "\nmemory-kib " + std::to_string(p.cost.memory_bytes / 1024) +
         "\ninsecure-fast-kdf " + (p.insecure_fast_kdf ? "yes" : "no") + "\n";
}

Result<VaultParams> parse_vault_params(std::string_view text) {
  if (text.size() > kVaultParamsMaxBytes)
    return make_error(Errc::too_large, i18n::trf("the vault parameters file is larger than %s bytes", kVaultParamsMaxBytes));
  auto lines = split_lines(text);
  if (lines.empty() || lines[0] != kVaultParamsMagic) {
    if (!lines.empty() && lines[0].starts_with("cairn vault v"))
      return make_error(Errc::unsupported,
                        i18n::trf("this vault was made by another version of Cairn (%s)", lines[0].substr(0, 40)));
    return make_error(Errc::malformed, i18n::tr("this is not a Cairn vault parameters file"));
  }
  if (lines.size() != 6)
    return make_error(Errc::malformed, i18n::trf("the vault parameters file is damaged: it has %s lines, not 6", lines.size()));
  CAIRN_TRY(auto kdf, field(lines[1], "kdf"));
  if (kdf != "argon2id")
    return make_error(Errc::unsupported, i18n::trf("the vault uses the key derivation '%s'; this Cairn knows only argon2id",
                                                   kdf.substr(0, 20)));
  VaultParams p;
  CAIRN_TRY(auto salt_hex, field(lines[2], "salt"));
  auto salt = from_hex(salt_hex);
  if (!salt || salt->size() != p.salt.size())
    return make_error(Errc::malformed, i18n::tr("the vault parameters file is damaged: the salt is not 32 hex digits"));
  std::copy(salt->begin(), salt->end(), p.salt.begin());
  CAIRN_TRY(p.cost.ops, number(lines[3], "ops"));
  CAIRN_TRY(auto kib, number(lines[4], "memory-kib"));
  CAIRN_TRY(auto insecure, field(lines[5], "insecure-fast-kdf"));
  if (insecure != "yes" && insecure != "no")
    return make_error(Errc::malformed, i18n::tr("the vault parameters file is damaged: insecure-fast-kdf is not yes or no"));
  p.insecure_fast_kdf = insecure == "yes";

  auto minimum = crypto::Argon2Cost::test_only_minimum();
  if (kib > kMaxKdfMemoryBytes / 1024 || p.cost.ops > kMaxKdfOps)
    return make_error(Errc::malformed, i18n::trf("the vault parameters ask for more than %s passes or %s MiB", kMaxKdfOps,
                                                 kMaxKdfMemoryBytes >> 20));
  p.cost.memory_bytes = kib * 1024;
  if (p.cost.ops < minimum.ops || p.cost.memory_bytes < minimum.memory_bytes)
    return make_error(Errc::malformed, i18n::tr("the vault parameters ask for less than Argon2id's minimum cost"));
  auto sensitive = crypto::Argon2Cost::sensitive();
  if (!p.insecure_fast_kdf && (p.cost.ops < sensitive.ops || p.cost.memory_bytes < sensitive.memory_bytes))
    return make_error(Errc::malformed,
                      i18n::tr("the vault parameters ask for a weaker key derivation than Cairn's minimum "
                               "without being marked as a test vault"));
  return p;
}

}  // namespace cairn::analyst
