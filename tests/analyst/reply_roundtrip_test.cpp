// Two-way contact with every real program on 127.0.0.1: a source submits with
// a codename, the relay exports, the station imports and writes a reply with
// `cairn-analyst reply`, the relay publishes the batch, and `cairn check`
// (given the codename in the other language) prints the reply.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/codename.h"
#include "client/submit.h"
#include "crypto/age.h"
#include "crypto/reply.h"
#include "crypto/reply_batch.h"
#include "wire/file_kind.h"
#include "station.h"
#include "support/loopback.h"

namespace cairn::test {
namespace {

using namespace std::chrono_literals;

struct Deployment {
  Station station;
  TempDir dir;
  Process relay;
  std::uint16_t port = 0;
  std::string address;

  std::vector<std::string> relay_cmd(std::vector<std::string> rest) const {
    std::vector<std::string> v{relay_binary(), "--dir", (dir / "relay").string()};
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
  }
  RunResult relay_ok(std::vector<std::string> rest) const {
    auto r = run_capture(relay_cmd(std::move(rest)));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  // hybrid: the organisation chose post-quantum messaging keys (init --hybrid).
  void up(bool hybrid = false) {
    station.init("kim", std::nullopt, hybrid ? std::vector<std::string>{"--hybrid"} : std::vector<std::string>{});
    auto keys = first_line(relay_ok({"init", "--organisation-key", station.org_text(), "--quota-bytes", "16777216"}).out);
    station.ok({"relay", "add", "main", keys});
    station.ok({"keys", "bundle", "--out", (dir / "bundle.cairn").string(), "--pow-bits", "8"});
    relay_ok({"publish", (dir / "bundle.cairn").string()});
    const std::string log = (dir / "relay.log").string();
    auto offset = log_size(log);
    ASSERT_TRUE(relay.start(relay_cmd({"serve", "--listen", "127.0.0.1", "--port", "0", "--pow-bits", "4"}), log));
    port = wait_for_logged_port(log, offset, 10s);
    ASSERT_NE(port, 0) << "the relay did not start";
    ASSERT_TRUE(wait_for_port(port, 10s));
    auto out = station.ok({"keys", "address", "--relay", "main", "--host", "127.0.0.1", "--port", std::to_string(port)}).out;
    address = first_line(out);
  }
};

std::string codename_text(const client::Codename& c, client::Language lang) {
  auto s = client::format_codename(c, lang);
  return std::string(as_chars(s.view()));
}

// The reply key depends only on the word indices, so the language the source
// types the codename in at `cairn check` is the one under test. With a hybrid
// key bundle the drops carry the codename's hybrid reply key, and the reply is
// sealed to it: post-quantum both ways.
void round_trip(client::Language check_lang, bool hybrid = false) {
  Deployment d;
  ASSERT_NO_FATAL_FAILURE(d.up(hybrid));
  auto codename = client::generate_codename();
  auto reply_key = client::derive_reply_key(codename);
  ASSERT_TRUE(reply_key.ok());

  client::SubmissionInput in;
  in.text = "어느 회사인지 말씀드릴 수 있습니다. Какая компания — могу сказать.";
  in.reply_key = crypto::public_keys(*reply_key);
  client::SubmitOptions o;
  o.connect.direct = true;  // a loopback relay, no Tor
  o.connect.io_timeout = 10s;
  auto addr = crypto::parse_drop_address(d.address);
  ASSERT_TRUE(addr.ok()) << addr.error().message;
  auto sent = client::submit(*addr, in, o, today_utc());
  ASSERT_TRUE(sent.ok()) << sent.error().message;

  auto exported = d.dir / "export.tar";
  d.relay_ok({"export", "--out", exported.string()});
  d.station.ok({"import", exported.string()});
  auto reply_file = d.dir / "reply.txt";
  const std::string reply = "고맙습니다. Which company was it? 회사 이름을 알려 주세요.";
  write_file(reply_file, as_bytes(reply));
  auto batch = d.dir / "reply-batch.cairn";
  d.station.ok({"reply", "1", "--text", reply_file.string(), "--out", batch.string()});
  {
    // The stored key and the reply's one stanza are of the bundle's kind.
    auto v = d.station.open();
    auto q = must(v->db().prepare("SELECT length(reply_public_key) FROM testimonies WHERE id = 1;"), "query");
    ASSERT_TRUE(must(q.step(), "row"));
    EXPECT_EQ(q.column_int(0), hybrid ? 1216 : 32);
    auto body = must(wire::unwrap_file(wire::FileKind::reply_batch, read_file(batch)), "batch file");
    auto verified = must(crypto::verify_reply_batch(body, d.station.org(), today_utc()), "batch");
    ASSERT_EQ(verified.replies.size(), 1u);
    auto file = must(crypto::age::parse_file(verified.replies[0]), "reply");
    ASSERT_EQ(file.header.stanzas.size(), 1u);
    EXPECT_EQ(file.header.stanzas[0].type(),
              hybrid ? crypto::age::kHybridStanzaType : crypto::age::kX25519StanzaType);
  }
  d.relay_ok({"publish", batch.string()});

  // The running relay picks up published replies on its next reload.
  RunResult check;
  for (int i = 0; i < 40; ++i) {
    check = run_capture({binary("client/cairn"), "check", "--direct", "--to", d.address},
                        codename_text(codename, check_lang) + "\n");
    if (check.out.find(reply) != std::string::npos) break;
    std::this_thread::sleep_for(250ms);
  }
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find(reply), std::string::npos) << check.out << check.err;

  // A different codename sees nothing.
  auto other = client::generate_codename();
  auto none = run_capture({binary("client/cairn"), "check", "--direct", "--to", d.address}, codename_text(other, check_lang) + "\n");
  EXPECT_EQ(none.out.find(reply), std::string::npos);
  EXPECT_NE(none.out.find("no replies"), std::string::npos) << none.out << none.err;

  // The station remembers what it replied.
  auto shown = d.station.ok({"show", "1"});
  EXPECT_NE(shown.err.find("reply sent"), std::string::npos) << shown.err;
  d.relay.kill_and_wait(SIGTERM);
}

TEST(ReplyRoundTrip, KoreanCodenameSeesTheAnalystsReply) { round_trip(client::Language::korean); }
TEST(ReplyRoundTrip, EnglishCodenameSeesTheAnalystsReply) { round_trip(client::Language::english); }
TEST(ReplyRoundTrip, WithHybridKeysTheReplyIsPostQuantumToo) { round_trip(client::Language::korean, true); }

TEST(AnalystReply, RefusedForASourceWithoutCodenameAndForAnUnknownTestimony) {
  Deployment d;
  ASSERT_NO_FATAL_FAILURE(d.up());
  client::SubmissionInput in;
  in.text = "no replies please";
  client::SubmitOptions o;
  o.connect.direct = true;  // a loopback relay, no Tor
  auto addr = crypto::parse_drop_address(d.address);
  ASSERT_TRUE(addr.ok());
  ASSERT_TRUE(client::submit(*addr, in, o, today_utc()).ok());
  auto exported = d.dir / "export.tar";
  d.relay_ok({"export", "--out", exported.string()});
  d.station.ok({"import", exported.string()});
  auto text = d.dir / "r.txt";
  write_file(text, as_bytes("hello"));
  auto r = d.station.run({"reply", "1", "--text", text.string(), "--out", (d.dir / "b1").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("asked for no replies"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.dir / "b1"));
  r = d.station.run({"reply", "7", "--text", text.string(), "--out", (d.dir / "b2").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no testimony 7"), std::string::npos) << r.err;
  // A text longer than a reply holds is refused from its size, before it is read.
  auto long_text = d.dir / "long.txt";
  write_file(long_text, Bytes(crypto::reply_text_capacity() + 100, 'a'));
  r = d.station.run({"reply", "1", "--text", long_text.string(), "--out", (d.dir / "b3").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("the limit is"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.dir / "b3"));
  d.relay.kill_and_wait(SIGTERM);
}

}  // namespace
}  // namespace cairn::test
