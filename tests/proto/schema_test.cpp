#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

#include "crypto/hash.h"
#include "proto/bundle.pb.h"
#include "proto/drop.pb.h"
#include "proto/keys.pb.h"
#include "proto/transport.pb.h"

namespace cairn::v1 {
namespace {

template <class M>
M round_trip(const M& m) {
  std::string wire;
  EXPECT_TRUE(m.SerializeToString(&wire));
  M back;
  EXPECT_TRUE(back.ParseFromArray(wire.data(), static_cast<int>(wire.size())));
  EXPECT_EQ(back.SerializeAsString(), wire);
  return back;
}

template <class M>
bool parses(std::string_view bytes) {
  M m;
  return m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

TEST(Schema, TransportRoundTrips) {
  HandshakePayload hp;
  hp.set_version(1);
  hp.set_pow_challenge(std::string(32, '\x07'));
  hp.set_pow_bits(20);
  hp.set_drop_size(32768);
  hp.set_max_drops_per_connection(64);
  auto hp2 = round_trip(hp);
  EXPECT_EQ(hp2.pow_challenge(), std::string(32, '\x07'));
  EXPECT_EQ(hp2.pow_bits(), 20u);
  EXPECT_EQ(hp2.max_drops_per_connection(), 64u);

  Request put;
  put.mutable_put_drop()->set_drop(std::string(32768, '\x01'));
  put.mutable_put_drop()->set_pow_nonce(std::string(8, '\x02'));
  auto put2 = round_trip(put);
  ASSERT_EQ(put2.kind_case(), Request::kPutDrop);
  EXPECT_EQ(put2.put_drop().drop().size(), 32768u);
  EXPECT_EQ(put2.put_drop().pow_nonce(), std::string(8, '\x02'));

  Request get;
  get.mutable_get_reply_board();
  EXPECT_EQ(round_trip(get).kind_case(), Request::kGetReplyBoard);
  Request bundle;
  bundle.mutable_get_key_bundle();
  EXPECT_EQ(round_trip(bundle).kind_case(), Request::kGetKeyBundle);

  Response err;
  err.mutable_error()->set_code(ERROR_CODE_POW_INSUFFICIENT);
  err.mutable_error()->set_detail("the proof of work does not reach 20 bits");
  auto err2 = round_trip(err);
  ASSERT_EQ(err2.kind_case(), Response::kError);
  EXPECT_EQ(err2.error().code(), ERROR_CODE_POW_INSUFFICIENT);

  Response board;
  board.mutable_reply_board()->add_replies("reply one");
  board.mutable_reply_board()->add_replies("reply two");
  EXPECT_EQ(round_trip(board).reply_board().replies_size(), 2);
  Response ack;
  ack.mutable_ack()->set_stored(3);
  EXPECT_EQ(round_trip(ack).ack().stored(), 3u);
}

// Error codes are on the wire: their numbers must never change.
TEST(Schema, ErrorCodeNumbersAreStable) {
  EXPECT_EQ(ERROR_CODE_UNSPECIFIED, 0);
  EXPECT_EQ(ERROR_CODE_MALFORMED_REQUEST, 1);
  EXPECT_EQ(ERROR_CODE_DROP_WRONG_SIZE, 2);
  EXPECT_EQ(ERROR_CODE_POW_INSUFFICIENT, 3);
  EXPECT_EQ(ERROR_CODE_QUOTA_EXCEEDED, 4);
  EXPECT_EQ(ERROR_CODE_STORAGE_UNAVAILABLE, 5);
  EXPECT_EQ(ERROR_CODE_TOO_MANY_DROPS, 6);
  EXPECT_EQ(ERROR_CODE_NO_KEY_BUNDLE, 7);
  EXPECT_EQ(ERROR_CODE_UNSUPPORTED_VERSION, 8);
  EXPECT_EQ(ERROR_CODE_INTERNAL, 9);
  EXPECT_EQ(ERROR_CODE_NO_SUCH_PAGE, 10);
}

TEST(Schema, DropBodyKinds) {
  DropBody cover;
  cover.set_version(1);
  cover.mutable_cover();
  EXPECT_EQ(round_trip(cover).kind_case(), DropBody::kCover);

  DropBody text;
  text.set_version(1);
  // Korean and Russian testimony must survive byte for byte.
  const std::string testimony = "임금을 받지 못했습니다. Нам не платили зарплату.";
  text.mutable_testimony()->set_text(testimony);
  text.set_reply_public_key(std::string(32, '\x09'));
  text.set_day(20400);
  auto text2 = round_trip(text);
  ASSERT_EQ(text2.kind_case(), DropBody::kTestimony);
  EXPECT_EQ(text2.testimony().text(), testimony);
  EXPECT_EQ(text2.reply_public_key().size(), 32u);
  EXPECT_EQ(text2.day(), 20400u);
}

// Invalid UTF-8 in a proto3 string field fails to parse, so a Testimony
// that parses is valid UTF-8.
TEST(Schema, InvalidUtf8TextDoesNotParse) {
  Testimony t;
  t.set_text("ok");
  std::string wire = t.SerializeAsString();
  ASSERT_TRUE(parses<Testimony>(wire));
  wire.back() = '\xff';
  EXPECT_FALSE(parses<Testimony>(wire));
}

// The documented reassembly: serialize a Submission, cut it into chunks,
// carry them in any order (and duplicated), group by id, join by index.
TEST(Schema, ChunkedSubmissionReassembles) {
  Submission submission;
  submission.set_text("Документы во вложении. 첨부 파일을 보세요.");
  for (int i = 0; i < 3; ++i) {
    auto* a = submission.add_attachments();
    a->set_name("photo-" + std::to_string(i) + ".jpg");
    a->set_media_type("image/jpeg");
    a->set_content(std::string(5000 + static_cast<std::size_t>(i), static_cast<char>('a' + i)));
  }
  const std::string stream = submission.SerializeAsString();
  const auto hash = crypto::blake2b_256(as_bytes(stream));
  const std::string id(16, '\x42');
  constexpr std::size_t kPiece = 4000;
  const auto total = static_cast<std::uint32_t>((stream.size() + kPiece - 1) / kPiece);

  std::vector<std::string> drops;
  for (std::uint32_t i = 0; i < total; ++i) {
    DropBody body;
    body.set_version(1);
    auto* chunk = body.mutable_chunk();
    chunk->set_submission_id(id);
    chunk->set_index(i);
    chunk->set_total(total);
    chunk->set_data(stream.substr(i * kPiece, kPiece));
    chunk->set_submission_hash(std::string(as_chars(hash)));
    drops.push_back(body.SerializeAsString());
  }
  drops.push_back(drops[1]);  // a duplicate delivery
  std::mt19937 rng(7);
  std::shuffle(drops.begin(), drops.end(), rng);

  std::map<std::uint32_t, std::string> pieces;
  for (const auto& wire : drops) {
    DropBody body;
    ASSERT_TRUE(body.ParseFromString(wire));
    ASSERT_EQ(body.kind_case(), DropBody::kChunk);
    ASSERT_EQ(body.chunk().submission_id(), id);
    ASSERT_EQ(body.chunk().total(), total);
    pieces[body.chunk().index()] = body.chunk().data();
  }
  ASSERT_EQ(pieces.size(), total);
  std::string joined;
  for (const auto& [index, data] : pieces) joined += data;
  EXPECT_EQ(crypto::blake2b_256(as_bytes(joined)), hash);
  Submission back;
  ASSERT_TRUE(back.ParseFromString(joined));
  EXPECT_EQ(back.text(), submission.text());
  ASSERT_EQ(back.attachments_size(), 3);
  EXPECT_EQ(back.attachments(2).name(), "photo-2.jpg");
  EXPECT_EQ(back.attachments(2).media_type(), "image/jpeg");
  EXPECT_EQ(back.attachments(2).content(), submission.attachments(2).content());
}

TEST(Schema, KeysAndBundlesRoundTrip) {
  KeyBundleBody body;
  body.set_version(1);
  body.set_issued_day(20399);
  body.set_expires_day(20413);
  body.set_drop_size(32768);
  body.set_pow_bits(20);
  body.set_organisation_key(std::string(32, '\x01'));
  body.add_certificates(std::string(150, '\x02'));
  auto body2 = round_trip(body);
  EXPECT_EQ(body2.certificates_size(), 1);
  EXPECT_EQ(body2.expires_day(), 20413u);
  SignedKeyBundle sb;
  sb.set_body(body.SerializeAsString());
  sb.set_signature(std::string(64, '\x03'));
  EXPECT_EQ(round_trip(sb).signature().size(), 64u);

  ExportManifest manifest;
  manifest.set_version(1);
  manifest.set_relay_signing_key(std::string(32, '\x04'));
  manifest.add_drop_ids(std::string(32, '\x05'));
  manifest.add_drop_ids(std::string(32, '\x06'));
  manifest.set_export_day(20400);
  manifest.set_export_id(std::string(16, '\x07'));
  EXPECT_EQ(round_trip(manifest).drop_ids_size(), 2);
  SignedExportManifest sm;
  sm.set_body(manifest.SerializeAsString());
  sm.set_signature(std::string(64, '\x08'));
  EXPECT_EQ(round_trip(sm).body(), manifest.SerializeAsString());

  ImportReceipt receipt;
  receipt.set_version(1);
  receipt.set_export_id(manifest.export_id());
  receipt.set_relay_signing_key(manifest.relay_signing_key());
  *receipt.mutable_drop_ids() = manifest.drop_ids();
  receipt.set_analyst_identity_key(std::string(32, '\x09'));
  EXPECT_EQ(round_trip(receipt).drop_ids(1), std::string(32, '\x06'));
  SignedImportReceipt sr;
  sr.set_body(receipt.SerializeAsString());
  sr.set_signature(std::string(64, '\x0a'));
  EXPECT_EQ(round_trip(sr).signature().size(), 64u);

  ReplyBatch batch;
  batch.set_version(1);
  batch.add_replies("reply");
  batch.set_expires_day(20430);
  batch.set_issued_day(20400);
  EXPECT_EQ(round_trip(batch).replies(0), "reply");
  SignedReplyBatch srb;
  srb.set_body(batch.SerializeAsString());
  srb.set_signature(std::string(64, '\x0b'));
  EXPECT_EQ(round_trip(srb).body(), batch.SerializeAsString());
}

// Bytes that are not a protobuf message fail to parse; they never crash.
TEST(Schema, GarbageDoesNotParse) {
  const std::vector<std::string> garbage = {
      std::string("\x00", 1),              // field number 0
      "\x0a\x05" "abc",                    // length runs past the end
      "\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",  // over-long varint length
      "\x08",                              // varint missing
      "\x08\x80",                          // varint cut short
      "\x0b",                              // start group without end
      "\x0c",                              // end group without start
      "\x0f",                              // wire type 7 does not exist
      "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
  };
  for (const auto& g : garbage) {
    EXPECT_FALSE(parses<Request>(g)) << to_hex(as_bytes(g));
    EXPECT_FALSE(parses<Response>(g)) << to_hex(as_bytes(g));
    EXPECT_FALSE(parses<DropBody>(g)) << to_hex(as_bytes(g));
    EXPECT_FALSE(parses<SignedKeyBundle>(g)) << to_hex(as_bytes(g));
    EXPECT_FALSE(parses<ExportManifest>(g)) << to_hex(as_bytes(g));
  }
  // A request that is a prefix of a valid one fails too.
  Request put;
  put.mutable_put_drop()->set_drop(std::string(100, 'x'));
  std::string wire = put.SerializeAsString();
  for (std::size_t n = 1; n < wire.size(); ++n)
    EXPECT_FALSE(parses<Request>(std::string_view(wire).substr(0, n))) << n;
}

// Unknown fields from a newer peer are skipped, not an error: that is how
// fields are added. Version fields (and the request's kind) decide meaning.
TEST(Schema, UnknownFieldsAreSkipped) {
  Request get;
  get.mutable_get_key_bundle();
  std::string wire = get.SerializeAsString() + std::string("\xf8\x07\x01", 3);  // field 127 = 1
  Request back;
  ASSERT_TRUE(back.ParseFromString(wire));
  EXPECT_EQ(back.kind_case(), Request::kGetKeyBundle);
  // A request with no kind parses as empty; the relay must answer MALFORMED_REQUEST.
  Request empty;
  ASSERT_TRUE(empty.ParseFromString(""));
  EXPECT_EQ(empty.kind_case(), Request::KIND_NOT_SET);
}

}  // namespace
}  // namespace cairn::v1
