// Building a submission's drops: the station's caps are checked before
// anything is sent, ids are fresh random bytes, and every chunk carries a
// proof that verifies against its root (and fails for other bytes).
#include <gtest/gtest.h>

#include "client/submission.h"
#include "crypto/drop.h"
#include "crypto/hash.h"
#include "proto/drop.pb.h"
#include "support/deployment.h"
#include "support/files.h"
#include "support/result.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "wire/chunk_tree.h"
#include "wire/submission_stream.h"

namespace cairn::client {
namespace {

using test::must;

std::size_t capacity() { return must(crypto::drop_body_capacity(32768, 2), "capacity"); }

SubmissionInput with_files(std::size_t count, std::size_t bytes_each) {
  SubmissionInput in;
  in.text = "Паспорта забрал бригадир.";
  for (std::size_t i = 0; i < count; ++i)
    in.attachments.push_back({"f" + std::to_string(i) + ".bin", "application/octet-stream", Bytes(bytes_each, 7)});
  return in;
}

TEST(Submission, TheStationsCapsAreCheckedBeforeSending) {
  EXPECT_TRUE(check_submission(with_files(wire::kMaxSubmissionAttachments, 1)).ok());
  EXPECT_EQ(test::code_of(check_submission(with_files(wire::kMaxSubmissionAttachments + 1, 1))), Errc::too_large);
  auto long_name = with_files(1, 1);
  long_name.attachments[0].name = std::string(wire::kMaxAttachmentNameBytes + 1, 'n');
  EXPECT_EQ(test::code_of(check_submission(long_name)), Errc::invalid_argument);
  auto long_type = with_files(1, 1);
  long_type.attachments[0].media_type = std::string(wire::kMaxMediaTypeBytes + 1, 't');
  EXPECT_EQ(test::code_of(check_submission(long_type)), Errc::invalid_argument);
  EXPECT_EQ(test::code_of(build_drop_bodies(with_files(wire::kMaxSubmissionAttachments + 1, 1), capacity())),
            Errc::too_large);
}

TEST(Submission, ChunksHaveAFreshIdAndVerifyAgainstTheirRoot) {
  auto in = with_files(2, 70000);  // 5 chunks: a level with an odd count
  auto a = must(build_drop_bodies(in, capacity()), "bodies");
  auto b = must(build_drop_bodies(in, capacity()), "bodies again");
  ASSERT_EQ(a.size() % 2, 1u);
  ASSERT_GE(a.size(), 5u);
  std::string stream;
  for (std::size_t i = 0; i < a.size(); ++i) {
    v1::DropBody body;
    ASSERT_TRUE(body.ParseFromArray(a[i].data(), static_cast<int>(a[i].size())));
    ASSERT_LE(a[i].size(), capacity());
    const auto& c = body.chunk();
    EXPECT_EQ(c.index(), i);
    EXPECT_EQ(c.total(), a.size());
    wire::ChunkHash root{}, hash{};
    ASSERT_EQ(c.chunks_root().size(), root.size());
    std::copy(c.chunks_root().begin(), c.chunks_root().end(), root.begin());
    std::copy(c.submission_hash().begin(), c.submission_hash().end(), hash.begin());
    std::vector<wire::ChunkHash> proof;
    for (const auto& p : c.chunk_proof()) std::copy(p.begin(), p.end(), proof.emplace_back().begin());
    EXPECT_TRUE(wire::verify_chunk(c.index(), c.total(), as_bytes(c.data()), hash, proof, root)) << i;
    std::string other = c.data();
    other[0] ^= 1;
    EXPECT_FALSE(wire::verify_chunk(c.index(), c.total(), as_bytes(other), hash, proof, root)) << i;
    EXPECT_FALSE(wire::verify_chunk(c.index(), c.total() + 1, as_bytes(c.data()), hash, proof, root)) << i;
    stream += c.data();
  }
  // The joined stream is the submission, within the station's caps.
  auto read = must(wire::read_submission_stream(as_bytes(stream)), "stream");
  EXPECT_EQ(read.text, in.text);
  ASSERT_EQ(read.attachments.size(), 2u);
  EXPECT_EQ(read.attachments[1].content.size(), 70000u);
  // A second run: another id, the same content hash.
  v1::DropBody x, y;
  ASSERT_TRUE(x.ParseFromArray(a[0].data(), static_cast<int>(a[0].size())));
  ASSERT_TRUE(y.ParseFromArray(b[0].data(), static_cast<int>(b[0].size())));
  EXPECT_NE(x.chunk().submission_id(), y.chunk().submission_id());
  EXPECT_EQ(x.chunk().submission_hash(), y.chunk().submission_hash());
}

// The stream joined from the chunks of these bodies.
std::string joined(const std::vector<Bytes>& bodies) {
  std::string stream;
  for (const auto& b : bodies) {
    v1::DropBody body;
    EXPECT_TRUE(body.ParseFromArray(b.data(), static_cast<int>(b.size())));
    stream += body.chunk().data();
  }
  return stream;
}

// The stream is written field by field, never as a protobuf object: it must be
// the bytes protobuf itself would write (so the same testimony keeps the same
// hash, and the station's dedup by content still holds), whatever is empty.
TEST(Submission, TheStreamIsWhatProtobufWouldWrite) {
  std::vector<SubmissionInput> cases;
  cases.push_back(with_files(3, 20000));
  auto no_text = with_files(1, 100000);
  no_text.text = {};
  cases.push_back(no_text);
  auto empty_parts = with_files(2, 0);
  empty_parts.attachments[0].name.clear();
  empty_parts.attachments[1].media_type.clear();
  empty_parts.attachments[1].metadata = Metadata::kept;
  const std::string long_text(40000, 'x');
  empty_parts.text = long_text;
  cases.push_back(empty_parts);
  for (const auto& in : cases) {
    v1::Submission s;
    s.set_text(std::string(in.text));
    for (const auto& a : in.attachments) {
      auto* att = s.add_attachments();
      att->set_name(a.name);
      att->set_media_type(a.media_type);
      att->set_content(a.content.data(), a.content.size());
      if (a.metadata == Metadata::kept) att->set_metadata(v1::ATTACHMENT_METADATA_KEPT);
    }
    std::string expected;
    ASSERT_TRUE(s.SerializeToString(&expected));
    EXPECT_EQ(joined(must(build_drop_bodies(in, capacity()), "bodies")), expected);
  }
}

// A file sent as it is is read from disk while the drops are made, and gives
// the same stream as the same bytes in memory; a file that changes meanwhile
// stops the submission with an error, never a damaged testimony.
TEST(Submission, AFileIsReadWhileSentAndMustNotChange) {
  test::TempDir dir;
  Bytes content(300000);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 31 + (i >> 11));
  auto path = dir / "video.mp4";
  test::write_file(path, content);

  SubmissionInput in_memory;
  in_memory.text = "видео";
  in_memory.attachments.push_back({"video.mp4", "video/mp4", content, Metadata::kept});
  SubmissionInput on_disk = in_memory;
  on_disk.attachments[0].content.clear();
  on_disk.attachments[0].file = path;
  on_disk.attachments[0].file_size = content.size();
  EXPECT_EQ(joined(must(build_drop_bodies(on_disk, capacity()), "from the file")),
            joined(must(build_drop_bodies(in_memory, capacity()), "from memory")));

  // Changed after the chunks were hashed: the next body that reads it fails.
  auto source = must(submission_drops(on_disk, capacity()), "source");
  ASSERT_GE(source.count, 5u);
  ASSERT_TRUE(source.next().ok());
  auto changed = content;
  changed[changed.size() - 10] ^= 1;
  test::write_file(path, changed);
  Status failed = ok_status();
  for (std::size_t i = 1; i < source.count && failed.ok(); ++i) {
    auto body = source.next();
    if (!body.ok()) failed = body.error();
  }
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.code(), Errc::io);
  EXPECT_NE(failed.error().message.find("changed"), std::string::npos) << failed.error().message;
  // Another size: refused at the first read.
  test::write_file(path, Bytes(content.size() + 1, 1));
  auto again = must(submission_drops(in_memory, capacity()), "memory source");
  EXPECT_EQ(test::code_of(submission_drops(on_disk, capacity())), Errc::io);
  (void)again;
}

}  // namespace
}  // namespace cairn::client
