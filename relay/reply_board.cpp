#include "relay/reply_board.h"

#include <algorithm>
#include <cstdlib>

#include "crypto/hash.h"
#include "crypto/record.h"
#include "crypto/reply.h"
#include "crypto/reply_batch.h"
#include "wire/protocol.h"

namespace cairn::relay {
namespace {

// A multi-page board's page, padded so that its message fills exactly
// kBoardPageRecords records.
constexpr std::size_t kPaddedPageBytes =
    crypto::kBoardPageRecords * crypto::kRecordPlaintextBytes - crypto::kMessageLengthBytes;

Bytes pad_page(v1::Response& response) {
  auto* board = response.mutable_reply_board();
  // The padding's own tag and length, and the page's length prefix growing,
  // take a few bytes: aim under the target, then close the gap.
  std::size_t padding = kPaddedPageBytes - std::min(kPaddedPageBytes, response.ByteSizeLong() + 8);
  for (int pass = 0; pass < 3; ++pass) {
    board->set_padding(std::string(padding, '\0'));
    const std::size_t size = response.ByteSizeLong();
    if (size == kPaddedPageBytes) break;
    padding = size < kPaddedPageBytes ? padding + (kPaddedPageBytes - size) : padding - (size - kPaddedPageBytes);
  }
  Bytes encoded = wire::encode(response);
  // Not always byte-exact (a length varint may change width), but always the
  // same record count: that is the promise.
  if (crypto::records_for_message(encoded.size()) != crypto::kBoardPageRecords) std::abort();
  return encoded;
}

// The replies served: each exactly kReplySize bytes, at most kMaxBoardReplies.
std::vector<ByteView> served_replies(std::span<const Bytes> replies) {
  std::vector<ByteView> served;
  for (const auto& reply : replies)
    if (reply.size() == crypto::kReplySize && served.size() < crypto::kMaxBoardReplies) served.emplace_back(reply);
  return served;
}

ByteArray<32> digest_of(std::span<const ByteView> served) {
  ByteArray<32> digest{};
  crypto::Blake2b hash(digest.size());
  for (ByteView reply : served) hash.update(reply);
  hash.final(digest);
  return digest;
}

}  // namespace

ByteArray<32> reply_board_digest(std::span<const Bytes> replies) { return digest_of(served_replies(replies)); }

std::shared_ptr<const ServedBoard> build_reply_board(std::span<const Bytes> replies) {
  const std::vector<ByteView> served = served_replies(replies);
  auto board = std::make_shared<ServedBoard>();
  board->digest = digest_of(served);
  const std::size_t page_count =
      std::max<std::size_t>(1, (served.size() + crypto::kBoardPageReplies - 1) / crypto::kBoardPageReplies);
  for (std::size_t page = 0; page < page_count; ++page) {
    v1::Response response;
    auto* out = response.mutable_reply_board();
    const std::size_t first = page * crypto::kBoardPageReplies;
    const std::size_t end = std::min(served.size(), first + crypto::kBoardPageReplies);
    for (std::size_t i = first; i < end; ++i) out->add_replies(served[i].data(), served[i].size());
    out->set_page(static_cast<std::uint32_t>(page));
    out->set_page_count(static_cast<std::uint32_t>(page_count));
    out->set_board_digest(board->digest.data(), board->digest.size());
    board->pages.push_back(page_count > 1 ? pad_page(response) : wire::encode(response));
  }
  return board;
}

}  // namespace cairn::relay
