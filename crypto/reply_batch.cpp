#include "crypto/reply_batch.h"

#include <algorithm>
#include <set>
#include <string>

#include "crypto/age.h"
#include "crypto/signed_envelope.h"
#include "proto/bundle.pb.h"

namespace cairn::crypto {
namespace {

std::string n(std::size_t v) { return std::to_string(v); }

bool same_key(const Ed25519Public& key, const std::string& field) {
  auto bytes = as_bytes(field);
  return bytes.size() == key.size() && std::equal(key.begin(), key.end(), bytes.begin());
}

// What both the builder and the verifier insist on for the replies: empty if
// fine, otherwise the reason. A reply must look like a reply (exact size, an
// age header with exactly one X25519 or mlkem768x25519 stanza) so the board never carries
// anything a client would not recognise.
std::string replies_problem(std::span<const std::string* const> replies) {
  if (replies.empty()) return "a reply batch holds at least one reply";
  if (replies.size() > kMaxBatchReplies)
    return "a reply batch holds at most " + n(kMaxBatchReplies) + " replies; this one has " + n(replies.size());
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    const std::string& r = *replies[i];
    if (r.size() != kReplySize)
      return "reply " + n(i + 1) + " is " + n(r.size()) + " bytes; every reply is exactly " + n(kReplySize);
    auto file = age::parse_file(as_bytes(r));
    if (!file.ok() || file->header.stanzas.size() != 1 ||
        (file->header.stanzas[0].type() != age::kX25519StanzaType &&
         file->header.stanzas[0].type() != age::kHybridStanzaType))
      return "reply " + n(i + 1) + " is not an age file to one X25519 or mlkem768x25519 recipient";
    if (!seen.insert(r).second) return "reply " + n(i + 1) + " appears twice";
  }
  return {};
}

std::string days_problem(DayNumber issued, DayNumber expires) {
  if (issued > expires)
    return "the reply batch is issued on " + describe_day(issued) + " but expires earlier, on " +
           describe_day(expires);
  return {};
}

}  // namespace

Result<Bytes> build_reply_batch(const Ed25519KeyPair& organisation, std::span<const Bytes> replies,
                                DayNumber issued_day, DayNumber expires_day) {
  if (replies.size() > kMaxBatchReplies)
    return make_error(Errc::invalid_argument, "a reply batch holds at most " + n(kMaxBatchReplies) +
                                                  " replies; this one has " + n(replies.size()));
  cairn::v1::ReplyBatch body;
  body.set_version(kReplyBatchVersion);
  body.set_issued_day(issued_day);
  body.set_expires_day(expires_day);
  body.set_organisation_key(std::string(as_chars(organisation.public_key)));
  for (const auto& r : replies) body.add_replies(std::string(as_chars(r)));
  std::vector<const std::string*> views;
  for (const auto& r : body.replies()) views.push_back(&r);
  if (auto problem = replies_problem(views); !problem.empty()) return make_error(Errc::invalid_argument, problem);
  if (auto problem = days_problem(issued_day, expires_day); !problem.empty())
    return make_error(Errc::invalid_argument, problem);

  std::string body_bytes;
  if (!body.SerializeToString(&body_bytes)) return make_error(Errc::internal, "could not serialize the reply batch");
  auto signature = sign(organisation, sign_context::kReplyBatch, as_bytes(body_bytes));
  cairn::v1::SignedReplyBatch signed_batch;
  signed_batch.set_body(std::move(body_bytes));
  signed_batch.set_signature(std::string(as_chars(signature)));
  std::string out;
  if (!signed_batch.SerializeToString(&out))
    return make_error(Errc::internal, "could not serialize the signed reply batch");
  if (out.size() > kMaxReplyBatchBytes) return make_error(Errc::internal, "a full reply batch exceeds its size cap");
  return to_bytes(out);
}

Result<VerifiedReplyBatch> verify_reply_batch(ByteView signed_batch, const Ed25519Public& organisation_key,
                                              DayNumber today) {
  CAIRN_TRY(auto outer, open_envelope<cairn::v1::SignedReplyBatch>(signed_batch, kMaxReplyBatchBytes, "reply batch"));
  CAIRN_CHECK(verify_or_explain(
      std::span(&organisation_key, 1), sign_context::kReplyBatch, outer.body, outer.signature,
      [&]() -> std::optional<Error> {
        cairn::v1::ReplyBatch claimed;
        if (claimed.ParseFromArray(outer.body.data(), static_cast<int>(outer.body.size())) &&
            !claimed.organisation_key().empty() &&
            !same_key(organisation_key, claimed.organisation_key()))
          return make_error(Errc::untrusted, "the reply batch was signed by a different organisation key (" +
                                                 fingerprint(as_bytes(claimed.organisation_key())) +
                                                 ") than the one this relay pins (" + fingerprint(organisation_key) +
                                                 ")");
        return std::nullopt;
      },
      "the reply batch's signature does not verify: it was altered or damaged"));

  cairn::v1::ReplyBatch body;
  if (!body.ParseFromArray(outer.body.data(), static_cast<int>(outer.body.size())))
    return make_error(Errc::malformed, "the signed reply batch does not parse");
  if (body.version() != kReplyBatchVersion)
    return make_error(Errc::unsupported, "reply batch version " + n(body.version()) +
                                             " is not supported; this Cairn understands version " +
                                             n(kReplyBatchVersion));
  if (!same_key(organisation_key, body.organisation_key()))
    return make_error(Errc::untrusted, "the reply batch names a different organisation key than the pinned one");
  if (static_cast<std::size_t>(body.replies_size()) > kMaxBatchReplies)
    return make_error(Errc::too_large, "the reply batch has " + n(static_cast<std::size_t>(body.replies_size())) +
                                           " replies; the limit is " + n(kMaxBatchReplies));
  std::vector<const std::string*> views;
  for (const auto& r : body.replies()) views.push_back(&r);
  if (auto problem = replies_problem(views); !problem.empty()) return make_error(Errc::malformed, problem);
  if (auto problem = days_problem(body.issued_day(), body.expires_day()); !problem.empty())
    return make_error(Errc::malformed, problem);
  if (today < body.issued_day())
    return make_error(Errc::not_yet_valid, "the reply batch is issued on " + describe_day(body.issued_day()) +
                                               ", after today, " + describe_day(today) +
                                               " (is this computer's date right?)");
  if (today > body.expires_day())
    return make_error(Errc::expired, "the reply batch expired: its replies were to be served until " +
                                         describe_day(body.expires_day()) + ", and today is " + describe_day(today));

  VerifiedReplyBatch out;
  out.issued_day = body.issued_day();
  out.expires_day = body.expires_day();
  out.replies.reserve(views.size());
  for (const auto* r : views) out.replies.push_back(to_bytes(*r));
  return out;
}

}  // namespace cairn::crypto
