// Reply batches (docs/PROTOCOL.md, "Replies and codenames"): how replies travel from the
// air-gapped station to the relay's reply board. A batch is a list of
// replies (crypto/reply.h), the day it was signed and the last day the relay
// serves them, signed by the organisation key (context "cairn reply batch
// v1"), which the relay pins from `cairn-relay init`. Carried by USB as a
// file wrapped with wire::wrap_file(FileKind::reply_batch, ...), like key
// bundles. The protobuf schema is proto/bundle.proto; none of it shows here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/day.h"
#include "common/result.h"
#include "crypto/record.h"
#include "crypto/reply.h"
#include "crypto/sign.h"

namespace cairn::crypto {

// --- Specification constants ---
inline constexpr std::uint32_t kReplyBatchVersion = 1;
// One batch holds at most this many replies (its signed file stays under
// kMaxReplyBatchBytes); a board may hold several batches.
inline constexpr std::size_t kMaxBatchReplies = 250;
// The board is served in pages (docs/PROTOCOL.md, "Reply board"): one page
// travels in one Response of at most kMaxMessageBytes and holds at most
// kBoardPageReplies replies; a board has at most kMaxBoardPages pages, which
// every client enforces.
inline constexpr std::size_t kBoardPageReplies = 250;
inline constexpr std::size_t kMaxBoardPages = 8;
inline constexpr std::size_t kMaxBoardReplies = kBoardPageReplies * kMaxBoardPages;  // 2,000
// Serialized SignedReplyBatch: a full batch plus framing, signature and days.
inline constexpr std::size_t kMaxReplyBatchBytes = kMaxBatchReplies * (kReplySize + 8) + 4096;
// How long replies stay on the board unless the station or relay says less.
inline constexpr DayNumber kDefaultReplyDays = 14;

// A Response{reply_board} of a full page: 1 tag + 3 length bytes, per reply
// 1 tag + 2 length bytes + the reply, and under 64 bytes of page fields
// (page, page_count, board_digest, the padding's tag and length).
inline constexpr std::size_t kMaxBoardPageBytes = 4 + kBoardPageReplies * (kReplySize + 3) + 64;
static_assert(kMaxBoardPageBytes <= kMaxMessageBytes,
              "a full page of the reply board must fit in one transport message");
// Every page of a board of more than one page is padded to this many records
// (251): the wire shows the page count, never how full the last page is.
inline constexpr std::size_t kBoardPageRecords = records_for_message(kMaxBoardPageBytes);

// Signs a batch with the organisation key and returns the serialized
// SignedReplyBatch (wrap it with wire::wrap_file before writing it out).
// Errors, Errc::invalid_argument: no replies or more than kMaxBatchReplies, a
// reply not exactly kReplySize bytes or not an age file to one X25519 or
// mlkem768x25519 recipient, the same reply twice, issued_day after expires_day.
[[nodiscard]] Result<Bytes> build_reply_batch(const Ed25519KeyPair& organisation, std::span<const Bytes> replies,
                                              DayNumber issued_day, DayNumber expires_day);

struct VerifiedReplyBatch {
  std::vector<Bytes> replies;  // each exactly kReplySize bytes, distinct
  DayNumber issued_day = 0;
  DayNumber expires_day = 0;
};

// Verifies a serialized SignedReplyBatch against the pinned organisation key
// on day `today`. Errors: Errc::too_large (over kMaxReplyBatchBytes or
// kMaxBatchReplies replies), Errc::malformed, Errc::unsupported (version),
// Errc::untrusted (signed by another organisation), Errc::bad_signature
// (altered), Errc::expired (expires_day before today), Errc::not_yet_valid
// (issued after today). Nothing in the body is trusted before the signature.
[[nodiscard]] Result<VerifiedReplyBatch> verify_reply_batch(ByteView signed_batch,
                                                            const Ed25519Public& organisation_key, DayNumber today);

}  // namespace cairn::crypto
