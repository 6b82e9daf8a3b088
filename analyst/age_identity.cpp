#include "analyst/age_identity.h"

#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "analyst/keys.h"
#include "crypto/age_hybrid.h"
#include "crypto/age_x25519.h"
#include "i18n/catalog.h"

namespace cairn::analyst {

Result<AgeIdentityFile> age_identity_file(Vault& vault, std::optional<std::int64_t> key_id) {
  CAIRN_TRY(auto keys, messaging_keys(vault));
  struct Line {
    std::string comment;
    crypto::Secret identity;
  };
  std::vector<Line> lines;
  bool hybrid = false;
  for (const auto& k : keys) {
    if (key_id && k.id != *key_id) continue;
    if (!key_id && k.destroyed_day) continue;
    CAIRN_TRY(auto identity, messaging_identity(vault, k.id));  // Errc::expired if destroyed
    const auto* pq = std::get_if<crypto::age::HybridIdentity>(&identity);
    hybrid = hybrid || pq != nullptr;
    // The file is read by age, not by people alone: its comments stay ASCII English.
    std::string comment = "# Cairn messaging key " + std::to_string(k.id) + " of analyst " + k.analyst + ", made " +
                          format_day(k.created_day) + ", valid until " + format_day(k.not_after_day) +
                          (pq ? ", post-quantum (mlkem768x25519; age 1.3 or later)" : "") + "\n# public key: " +
                          (pq ? crypto::age::format_hybrid_recipient(pq->encapsulation_key)
                              : crypto::age::format_recipient(k.public_key)) +
                          "\n";
    lines.push_back({std::move(comment), pq ? crypto::age::format_hybrid_identity(*pq)
                                            : crypto::age::format_identity(std::get<crypto::age::Identity>(identity))});
  }
  if (lines.empty()) {
    if (key_id)
      return make_error(Errc::not_found, i18n::trf(kNoSuchMessagingKey, *key_id));
    return make_error(Errc::not_found, i18n::tr("the vault holds no messaging secret"));
  }
  std::size_t size = 0;
  for (const auto& l : lines) size += l.comment.size() + l.identity.size() + 1;
  crypto::Secret out(size);
  std::size_t at = 0;
  for (const auto& l : lines) {
    std::memcpy(out.data() + at, l.comment.data(), l.comment.size());
    at += l.comment.size();
    std::memcpy(out.data() + at, l.identity.data(), l.identity.size());
    at += l.identity.size();
    out.data()[at++] = '\n';
  }
  return AgeIdentityFile{std::move(out), hybrid};
}

}  // namespace cairn::analyst
