// Per-chunk integrity for chunked submissions (docs/PROTOCOL.md, "drop.proto"):
// a Merkle tree over the chunks of one submission, so that the station can
// check each chunk on its own, before storing it, against the root every
// genuine chunk carries. A chunk whose bytes differ from the sender's can
// then never pass for a duplicate of the genuine one: it does not verify
// against the genuine root, and under its own root it belongs to another
// submission.
//
//   leaf_i = BLAKE2b-256(0x00 || u32be(i) || data_i)
//   node   = BLAKE2b-256(0x01 || left || right)   (a level with an odd count
//                                                   carries its last node up)
//   root   = BLAKE2b-256(0x02 || u32be(total) || submission_hash || top)
//
// The root binds the chunk count and the hash of the whole stream, so the
// three travel as one commitment.
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace cairn::wire {

inline constexpr std::size_t kChunkHashBytes = 32;
// A submission has at most 2^20 chunks, so a path has at most 20 siblings.
inline constexpr std::size_t kMaxChunkProofHashes = 20;

using ChunkHash = ByteArray<kChunkHashBytes>;

// How many sibling hashes the proof of chunk `index` of `total` has.
[[nodiscard]] std::size_t chunk_proof_length(std::uint32_t index, std::uint32_t total);
// The longest proof any chunk of `total` has (for sizing drops).
[[nodiscard]] std::size_t max_chunk_proof_length(std::uint32_t total);

// leaf_i, for a tree built from the leaves while the chunks stream by.
[[nodiscard]] ChunkHash chunk_leaf(std::uint32_t index, ByteView data);

class ChunkTree {
 public:
  // chunks.size() must be between 1 and 2^20.
  ChunkTree(const std::vector<ByteView>& chunks, const ChunkHash& submission_hash);
  // The same from leaf_0 .. leaf_{n-1} (chunk_leaf), the chunks themselves gone.
  ChunkTree(std::vector<ChunkHash> leaves, const ChunkHash& submission_hash);
  [[nodiscard]] const ChunkHash& root() const { return root_; }
  [[nodiscard]] std::vector<ChunkHash> proof(std::uint32_t index) const;

 private:
  std::vector<std::vector<ChunkHash>> levels_;  // leaves first
  ChunkHash root_{};
};

// Whether `data` is chunk `index` of `total` of the submission whose stream
// hashes to submission_hash, under `root`. The proof must have exactly the
// length chunk_proof_length(index, total) gives.
[[nodiscard]] bool verify_chunk(std::uint32_t index, std::uint32_t total, ByteView data,
                                const ChunkHash& submission_hash, const std::vector<ChunkHash>& proof,
                                const ChunkHash& root);

}  // namespace cairn::wire
