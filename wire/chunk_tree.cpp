#include "wire/chunk_tree.h"

#include "crypto/hash.h"
#include "crypto/secret.h"

namespace cairn::wire {
namespace {

constexpr std::uint8_t kLeafTag = 0, kNodeTag = 1, kRootTag = 2;

}  // namespace

ChunkHash chunk_leaf(std::uint32_t index, ByteView data) {
  crypto::Blake2b h(kChunkHashBytes);
  std::uint8_t prefix[5] = {kLeafTag};
  put_u32be(prefix + 1, index);
  h.update(prefix);
  h.update(data);
  ChunkHash out{};
  h.final(out);
  return out;
}

namespace {

ChunkHash node(const ChunkHash& left, const ChunkHash& right) {
  crypto::Blake2b h(kChunkHashBytes);
  const std::uint8_t tag[1] = {kNodeTag};
  h.update(tag);
  h.update(left);
  h.update(right);
  ChunkHash out{};
  h.final(out);
  return out;
}

ChunkHash seal_root(std::uint32_t total, const ChunkHash& submission_hash, const ChunkHash& top) {
  crypto::Blake2b h(kChunkHashBytes);
  std::uint8_t prefix[5] = {kRootTag};
  put_u32be(prefix + 1, total);
  h.update(prefix);
  h.update(submission_hash);
  h.update(top);
  ChunkHash out{};
  h.final(out);
  return out;
}

}  // namespace

std::size_t chunk_proof_length(std::uint32_t index, std::uint32_t total) {
  std::size_t length = 0;
  for (std::uint64_t count = total; count > 1; count = (count + 1) / 2, index /= 2)
    if (!(index == count - 1 && count % 2 == 1)) ++length;  // else carried up without a sibling
  return length;
}

std::size_t max_chunk_proof_length(std::uint32_t total) {
  std::size_t depth = 0;
  for (std::uint64_t count = total; count > 1; count = (count + 1) / 2) ++depth;
  return depth;
}

namespace {
std::vector<ChunkHash> leaves_of(const std::vector<ByteView>& chunks) {
  std::vector<ChunkHash> level;
  level.reserve(chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) level.push_back(chunk_leaf(static_cast<std::uint32_t>(i), chunks[i]));
  return level;
}
}  // namespace

ChunkTree::ChunkTree(const std::vector<ByteView>& chunks, const ChunkHash& submission_hash)
    : ChunkTree(leaves_of(chunks), submission_hash) {}

ChunkTree::ChunkTree(std::vector<ChunkHash> leaves, const ChunkHash& submission_hash) {
  const auto total = static_cast<std::uint32_t>(leaves.size());
  levels_.push_back(std::move(leaves));
  while (levels_.back().size() > 1) {
    const auto& below = levels_.back();
    std::vector<ChunkHash> up;
    up.reserve((below.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) up.push_back(node(below[i], below[i + 1]));
    if (below.size() % 2 == 1) up.push_back(below.back());
    levels_.push_back(std::move(up));
  }
  root_ = seal_root(total, submission_hash, levels_.back().front());
}

std::vector<ChunkHash> ChunkTree::proof(std::uint32_t index) const {
  std::vector<ChunkHash> out;
  std::size_t i = index;
  for (std::size_t l = 0; l + 1 < levels_.size(); ++l, i /= 2) {
    const auto& level = levels_[l];
    if (i == level.size() - 1 && level.size() % 2 == 1) continue;
    out.push_back(level[i ^ 1]);
  }
  return out;
}

bool verify_chunk(std::uint32_t index, std::uint32_t total, ByteView data, const ChunkHash& submission_hash,
                  const std::vector<ChunkHash>& proof, const ChunkHash& root) {
  if (total == 0 || index >= total || proof.size() != chunk_proof_length(index, total)) return false;
  ChunkHash current = chunk_leaf(index, data);
  std::size_t next = 0;
  std::uint64_t i = index;
  for (std::uint64_t count = total; count > 1; count = (count + 1) / 2, i /= 2) {
    if (i == count - 1 && count % 2 == 1) continue;
    const auto& sibling = proof[next++];
    current = (i % 2 == 0) ? node(current, sibling) : node(sibling, current);
  }
  return crypto::equal_constant_time(seal_root(total, submission_hash, current), root);
}

}  // namespace cairn::wire
