// What a source chooses freely and the station reads after reassembly: the
// Submission stream (counts and lengths capped as met) and a chunk's Merkle
// proof (the input split into a chunk, a proof and a root).
#include <algorithm>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "wire/chunk_tree.h"
#include "wire/submission_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cairn;
  auto in = fuzz::input(data, size);
  (void)wire::read_submission_stream(in);

  // [index u8][total u8][root 32][n proof hashes of 32][chunk data...]
  if (in.size() < 2 + wire::kChunkHashBytes) return 0;
  std::uint32_t index = in[0], total = in[1];
  wire::ChunkHash root{}, claimed{};
  std::copy_n(in.begin() + 2, root.size(), root.begin());
  auto rest = in.subspan(2 + root.size());
  std::vector<wire::ChunkHash> proof;
  while (rest.size() >= wire::kChunkHashBytes && proof.size() < wire::max_chunk_proof_length(total)) {
    std::copy_n(rest.begin(), wire::kChunkHashBytes, proof.emplace_back().begin());
    rest = rest.subspan(wire::kChunkHashBytes);
  }
  (void)wire::verify_chunk(index, total, rest, claimed, proof, root);
  return 0;
}
