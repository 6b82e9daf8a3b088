// Two-way contact end to end, with the real programs on loopback: a source
// submits with a codename (`cairn submit --reply`), the analyst (simulated
// with the library, as the station does) opens the drop, seals a reply to
// the reply key inside, signs a batch, the relay operator runs `cairn-relay
// publish`, and `cairn check` shows the reply to the codename and to no one
// else. Plus expiry, refusals, and what the relay and the wire reveal.
#include <gtest/gtest.h>

#include <algorithm>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "client/check.h"
#include "common/utf8.h"
#include "client/codename.h"
#include "crypto/drop.h"
#include "crypto/hash.h"
#include "crypto/reply.h"
#include "crypto/reply_batch.h"
#include "proto/drop.pb.h"
#include "relay/key_file.h"
#include "relay/publish.h"
#include "relay/store.h"
#include "support/relay_fixture.h"
#include "support/subprocess.h"
#include "relay_peer.h"

namespace cairn {
namespace {

using test::RelayUnderTest;
using test::run_capture;

std::string cairn_bin() { return test::binary("client/cairn"); }

client::ConnectOptions quick() {
  client::ConnectOptions o;
  o.direct = true;  // a loopback relay, no Tor in these tests
  o.connect_timeout = std::chrono::seconds(5);
  o.io_timeout = std::chrono::seconds(10);
  return o;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// True when `s` is words of precomposed Hangul syllables (U+AC00..U+D7A3, what
// NFC gives) separated by single spaces: the codename as a Korean reader sees it.
bool is_nfc_hangul_words(std::string_view s) {
  std::size_t syllables = 0;
  std::uint32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_detail::decode(s, i, cp);
    if (n == 0) return false;
    if (cp >= 0xac00 && cp <= 0xd7a3) ++syllables;
    else if (cp != ' ') return false;
    i += n;
  }
  return syllables > 0;
}

std::filesystem::path write_text(const RelayUnderTest& r, const std::string& name, const std::string& text) {
  auto path = r.dir / name;
  test::write_file(path, as_bytes(text));
  return path;
}

// `cairn submit --reply`: the codename comes back on fd 1 (its first line).
std::string submit_with_reply(const RelayUnderTest& r, const std::string& lang, const std::string& text) {
  auto file = write_text(r, "testimony-" + lang + ".txt", text);
  auto out = run_capture({cairn_bin(), "submit", "--direct", "--to", r.address(), "--text", file.string(), "--reply", "--lang",
                          lang, "--codename-out-fd", "1"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  // --lang ko: the codename's words and cairn's messages are Korean.
  EXPECT_NE(out.out.find(lang == "ko" ? "전달됨: 중계기가 묶음 1 / 1" : "delivered: 1 of 1"), std::string::npos) << out.out;
  return first_line(out.out);
}

// `cairn check`, codename on standard input.
test::RunResult check(const RelayUnderTest& r, const std::string& codename) {
  return run_capture({cairn_bin(), "check", "--direct", "--to", r.address()}, codename + "\n");
}

// What the analyst station finds in the relay's drops: each drop's reply key
// (empty when the source asked for none) and day.
struct OpenedDrop {
  Bytes reply_key;
  DayNumber day = 0;
  std::string text;
};

std::vector<OpenedDrop> analyst_opens_drops(const RelayUnderTest& r) {
  auto store = r.open_store();
  auto ids = store->drop_ids();
  EXPECT_TRUE(ids.ok());
  std::vector<crypto::age::Identity> identities;
  identities.push_back({r.deployment.analysts[0].messaging.secret.clone(),
                        r.deployment.analysts[0].messaging.public_key});
  std::vector<OpenedDrop> out;
  for (const auto& id : *ids) {
    auto drop = store->get_drop(id);
    EXPECT_TRUE(drop.ok());
    auto body = crypto::open_drop(*drop, identities, 32768);
    EXPECT_TRUE(body.ok()) << body.error().message;
    v1::DropBody parsed;
    EXPECT_TRUE(parsed.ParseFromArray(body->data(), static_cast<int>(body->size())));
    out.push_back({to_bytes(parsed.reply_public_key()), parsed.day(), parsed.testimony().text()});
  }
  return out;
}

const OpenedDrop& drop_with_text(const std::vector<OpenedDrop>& drops, const std::string& text) {
  for (const auto& d : drops)
    if (d.text == text) return d;
  throw std::runtime_error("no drop with text " + text);
}

crypto::X25519Public as_key(const Bytes& b) {
  crypto::X25519Public k{};
  EXPECT_EQ(b.size(), k.size());
  std::copy(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), k.size())), k.begin());
  return k;
}

Bytes seal_to(const OpenedDrop& drop, const std::string& text) {
  auto sealed = crypto::seal_reply({text, today_utc(), drop.day}, as_key(drop.reply_key));
  EXPECT_TRUE(sealed.ok()) << sealed.error().message;
  return std::move(sealed).value();
}

std::filesystem::path write_batch(const RelayUnderTest& r, const std::string& name, const crypto::Ed25519KeyPair& org,
                                  const std::vector<Bytes>& replies, DayNumber issued, DayNumber expires) {
  auto batch = crypto::build_reply_batch(org, replies, issued, expires);
  EXPECT_TRUE(batch.ok()) << batch.error().message;
  auto path = r.dir / name;
  test::write_file(path, wire::wrap_file(wire::FileKind::reply_batch, *batch));
  return path;
}

test::RunResult publish(const RelayUnderTest& r, const std::filesystem::path& file,
                        std::vector<std::string> extra = {}) {
  std::vector<std::string> cmd = r.relay_cmd({"publish", file.string()});
  cmd.insert(cmd.end(), extra.begin(), extra.end());
  return run_capture(cmd);
}

std::uint64_t replies_in_store(const RelayUnderTest& r) {
  auto counts = r.open_store()->counts();
  EXPECT_TRUE(counts.ok());
  return counts->replies;
}

// The same codename in the other language's words.
std::string in_language(const std::string& codename, client::Language language) {
  auto parsed = client::parse_codename(codename);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  auto text = client::format_codename(*parsed, language);
  return std::string(as_chars(text.view()));
}

crypto::ReplyKeys key_of(const std::string& codename) {
  auto parsed = client::parse_codename(codename);
  EXPECT_TRUE(parsed.ok());
  auto key = client::derive_reply_key(*parsed);
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

// Runs argv with standard input from stdin_text and file descriptor 3 open
// on fd3_text (the way a script passes a codename with --codename-fd 3).
test::RunResult run_with_fd3(const std::vector<std::string>& argv, const std::string& stdin_text,
                             const std::string& fd3_text) {
  test::TempDir io;
  test::write_file(io / "in", as_bytes(stdin_text));
  test::write_file(io / "fd3", as_bytes(fd3_text));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, (io / "in").c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, (io / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, (io / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 3, (io / "fd3").c_str(), O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  test::RunResult r;
  pid_t pid = -1;
  if (::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&fa);
  r.out = test::read_text(io / "out");
  r.err = test::read_text(io / "err");
  return r;
}

TEST(ReplyBoard, RepliesReachTheirSourceWithKoreanAndEnglishCodenames) {
  RelayUnderTest r;
  r.init();
  r.serve();
  const std::string text_ko = "임금을 석 달째 받지 못했습니다.";
  const std::string text_en = "Our passports were taken at the site office.";
  const std::string text_none = "No reply needed.";
  const std::string codename_ko = submit_with_reply(r, "ko", text_ko);
  const std::string codename_en = submit_with_reply(r, "en", text_en);
  auto plain = run_capture({cairn_bin(), "submit", "--direct", "--to", r.address(), "--text",
                            write_text(r, "plain.txt", text_none).string()});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  // The Korean codename is shown in Hangul (NFC), the English one in ASCII.
  EXPECT_TRUE(is_nfc_hangul_words(codename_ko)) << codename_ko;
  EXPECT_EQ(std::count(codename_ko.begin(), codename_ko.end(), ' '), 11) << codename_ko;
  EXPECT_EQ(std::count(codename_en.begin(), codename_en.end(), ' '), 11);
  ASSERT_EQ(r.stop(), 0);

  // The analyst station: open the drops, answer the two that carry a reply key.
  auto drops = analyst_opens_drops(r);
  ASSERT_EQ(drops.size(), 3u);
  const auto& to_ko = drop_with_text(drops, text_ko);
  const auto& to_en = drop_with_text(drops, text_en);
  EXPECT_EQ(to_ko.reply_key.size(), 32u);
  EXPECT_EQ(to_en.reply_key.size(), 32u);
  EXPECT_TRUE(drop_with_text(drops, text_none).reply_key.empty());
  const std::string reply_ko = "잘 받았습니다. 안전에 유의하십시오.";
  const std::string reply_en = "Received. Keep copies of your contract if you can.";
  auto batch = write_batch(r, "replies.cairn", r.deployment.org, {seal_to(to_ko, reply_ko), seal_to(to_en, reply_en)},
                           today_utc(), today_utc() + 14);
  auto published = publish(r, batch);
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_NE(published.out.find("2 reply(ies)"), std::string::npos) << published.out;
  r.serve();

  auto ko = check(r, codename_ko);
  ASSERT_EQ(ko.exit_code, 0) << ko.err;
  EXPECT_NE(ko.out.find(reply_ko), std::string::npos) << ko.out;
  EXPECT_EQ(ko.out.find(reply_en), std::string::npos);
  EXPECT_NE(ko.out.find("answering your message of " + format_day(to_ko.day)), std::string::npos) << ko.out;

  // The same codename typed in English words opens the same replies.
  auto ko_in_english = check(r, in_language(codename_ko, client::Language::english));
  EXPECT_EQ(ko_in_english.out, ko.out);

  // Scripts pass the codename on a descriptor of their choosing.
  auto ko_fd = run_with_fd3({cairn_bin(), "check", "--direct", "--to", r.address(), "--codename-fd", "3"}, "", codename_ko);
  EXPECT_EQ(ko_fd.exit_code, 0) << ko_fd.err;
  EXPECT_EQ(ko_fd.out, ko.out);

  auto en = check(r, codename_en);
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_NE(en.out.find(reply_en), std::string::npos) << en.out;
  EXPECT_EQ(en.out.find(reply_ko), std::string::npos);
  auto en_in_korean = check(r, in_language(codename_en, client::Language::korean));
  EXPECT_EQ(en_in_korean.out, en.out);
  EXPECT_EQ(r.stop(), 0);
}

TEST(ReplyBoard, AWrongCodenameSeesNoRepliesExactlyLikeACodenameWithNone) {
  RelayUnderTest r;
  r.init();
  r.serve();
  const std::string codename = submit_with_reply(r, "en", "Please answer.");
  ASSERT_EQ(r.stop(), 0);
  auto drops = analyst_opens_drops(r);
  ASSERT_EQ(drops.size(), 1u);
  ASSERT_EQ(publish(r, write_batch(r, "b.cairn", r.deployment.org, {seal_to(drops[0], "answer")}, today_utc(),
                                   today_utc() + 14))
                .exit_code,
            0);
  r.serve();

  auto right = check(r, codename);
  EXPECT_NE(right.out.find("answer"), std::string::npos);

  auto random_codename = client::format_codename(client::generate_codename(), client::Language::english);
  auto wrong = check(r, std::string(as_chars(random_codename.view())));
  // A valid codename that simply has no replies (in Korean words, for variety).
  auto no_replies_codename = client::format_codename(client::generate_codename(), client::Language::korean);
  auto none_yet = check(r, std::string(as_chars(no_replies_codename.view())));
  EXPECT_EQ(wrong.exit_code, 0);
  EXPECT_EQ(wrong.out, "no replies for this codename\n");
  EXPECT_EQ(wrong.out, none_yet.out);
  EXPECT_EQ(wrong.err, none_yet.err);

  // A mistyped word is caught before anything is sent, and named by its
  // position only (the codename was typed with echo off).
  std::string typo = codename;
  typo.replace(0, typo.find(' '), "zzzzq");
  auto mistyped = check(r, typo);
  EXPECT_EQ(mistyped.exit_code, 1);
  EXPECT_NE(mistyped.err.find("cairn: error: word 1 of the codename is not in the codename word list"),
            std::string::npos)
      << mistyped.err;
  EXPECT_EQ(mistyped.err.find("zzzzq"), std::string::npos) << mistyped.err;
  EXPECT_NE(mistyped.err.find("cairn: hint:"), std::string::npos);
  EXPECT_EQ(r.stop(), 0);
}

TEST(ReplyBoard, TheBoardResponseIsTheSameForASourceWithRepliesAndOneWithout) {
  RelayUnderTest r;
  r.init();
  r.serve();
  const std::string codename = submit_with_reply(r, "en", "Is anyone there?");
  ASSERT_EQ(r.stop(), 0);
  auto drops = analyst_opens_drops(r);
  ASSERT_EQ(publish(r, write_batch(r, "b.cairn", r.deployment.org, {seal_to(drops[0], "yes")}, today_utc(),
                                   today_utc() + 14))
                .exit_code,
            0);
  r.serve();

  // Two sources check: one has a reply, the other has none. The request
  // carries nothing of theirs, and the response is the same bytes.
  auto with = client::fetch_reply_board(r.parsed_address(), quick());
  auto without = client::fetch_reply_board(r.parsed_address(), quick());
  ASSERT_TRUE(with.ok()) << with.error().message;
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_EQ(with->response_bytes, without->response_bytes);
  EXPECT_EQ(with->replies, without->replies);
  EXPECT_EQ(with->replies.size(), 1u);
  EXPECT_EQ(client::find_replies(with->replies, key_of(codename)).replies.size(), 1u);
  auto stranger = crypto::ReplyKeys{crypto::x25519_generate(), crypto::hybrid_kem::generate_key_pair()};
  auto nothing = client::find_replies(without->replies, stranger);
  EXPECT_TRUE(nothing.replies.empty());
  EXPECT_EQ(nothing.unreadable, 0u);
  EXPECT_EQ(nothing.board_size, 1u);
  EXPECT_EQ(r.stop(), 0);
}

TEST(ReplyBoard, AFollowUpWithTheSameCodenameCarriesTheSameReplyKey) {
  RelayUnderTest r;
  r.init();
  r.serve();
  const std::string codename = submit_with_reply(r, "ko", "첫 번째 보고입니다.");
  auto follow_up_file = write_text(r, "second.txt", "두 번째 보고입니다.");
  // The codename on standard input (the testimony comes from --text).
  auto second = run_capture({cairn_bin(), "submit", "--direct", "--to", r.address(), "--text", follow_up_file.string(),
                             "--reply-codename"},
                            in_language(codename, client::Language::english) + "\n");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  // Or the testimony on standard input and the codename on another descriptor.
  auto third = run_with_fd3({cairn_bin(), "submit", "--direct", "--to", r.address(), "--reply-codename", "--codename-fd", "3"},
                            "세 번째 보고입니다.", codename);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  // Standard input cannot be both the testimony and the codename.
  auto both = run_capture({cairn_bin(), "submit", "--direct", "--to", r.address(), "--reply-codename"}, codename + "\n");
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("standard input is the testimony"), std::string::npos) << both.err;
  ASSERT_EQ(r.stop(), 0);

  auto drops = analyst_opens_drops(r);
  ASSERT_EQ(drops.size(), 3u);
  EXPECT_EQ(drops[0].reply_key.size(), 32u);
  EXPECT_EQ(drops[0].reply_key, drops[1].reply_key);
  EXPECT_EQ(drops[0].reply_key, drops[2].reply_key);
  EXPECT_EQ(drop_with_text(drops, "세 번째 보고입니다.").text, "세 번째 보고입니다.");
  const auto key = key_of(codename);
  EXPECT_EQ(drop_with_text(drops, "첫 번째 보고입니다.").reply_key, Bytes(key.x25519.public_key.begin(), key.x25519.public_key.end()));
}

TEST(ReplyBoard, TheCodenameIsNeverPrintedToAFileByDefault) {
  RelayUnderTest r;
  r.init();
  r.serve();
  // run_capture sends standard output to a file: not a terminal.
  auto out = run_capture({cairn_bin(), "submit", "--direct", "--to", r.address(), "--text",
                          write_text(r, "t.txt", "text").string(), "--reply"});
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.err.find("refusing to print the codename"), std::string::npos) << out.err;
  EXPECT_TRUE(out.out.empty());
  EXPECT_EQ(r.stop(), 0);
  EXPECT_TRUE(analyst_opens_drops(r).empty()) << "nothing is sent when the codename cannot be shown";
}

TEST(ReplyBoard, ABatchPublishedWhileTheRelayRunsIsServedAfterTheNextReload) {
  RelayUnderTest r;
  r.init();
  r.serve();
  auto key = crypto::ReplyKeys{crypto::x25519_generate(), std::nullopt};
  auto sealed = crypto::seal_reply({"live", today_utc(), 0}, key.x25519.public_key);
  ASSERT_TRUE(sealed.ok());
  auto out = publish(r, write_batch(r, "live.cairn", r.deployment.org, {*sealed}, today_utc(), today_utc() + 1));
  ASSERT_EQ(out.exit_code, 0) << out.err;
  // The relay rereads the board every few seconds.
  std::size_t found = 0;
  for (int i = 0; i < 30 && found == 0; ++i) {
    auto board = client::fetch_reply_board(r.parsed_address(), quick());
    ASSERT_TRUE(board.ok()) << board.error().message;
    found = client::find_replies(board->replies, key).replies.size();
    if (found == 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(found, 1u);
  EXPECT_EQ(r.stop(), 0);
}

TEST(ReplyBoard, ExpiredRepliesAreNotServedAndAreDeleted) {
  RelayUnderTest r;
  r.init();
  auto key = crypto::ReplyKeys{crypto::x25519_generate(), std::nullopt};
  auto old_reply = crypto::seal_reply({"old", today_utc() - 20, 0}, key.x25519.public_key);
  auto fresh_reply = crypto::seal_reply({"fresh", today_utc(), 0}, key.x25519.public_key);
  ASSERT_TRUE(old_reply.ok() && fresh_reply.ok());
  {
    // Published earlier with a last day of yesterday, and one still current.
    auto store = r.open_store();
    ASSERT_TRUE(store->put_replies(std::vector<ByteView>{*old_reply}, today_utc() - 1).ok());
    ASSERT_TRUE(store->put_replies(std::vector<ByteView>{*fresh_reply}, today_utc() + 2).ok());
  }
  EXPECT_EQ(replies_in_store(r), 2u);
  r.serve();
  auto board = client::fetch_reply_board(r.parsed_address(), quick());
  ASSERT_TRUE(board.ok()) << board.error().message;
  ASSERT_EQ(board->replies.size(), 1u);
  auto found = client::find_replies(board->replies, key);
  ASSERT_EQ(found.replies.size(), 1u);
  EXPECT_EQ(found.replies[0].text, "fresh");
  EXPECT_EQ(r.stop(), 0);
  EXPECT_EQ(replies_in_store(r), 1u) << "the expired reply is deleted, not only hidden";
}

TEST(ReplyBoard, PublishRefusesBadBatchesAndLeavesTheBoardAsItWas) {
  RelayUnderTest r;
  r.init();
  auto key = crypto::x25519_generate();
  auto reply = [&](const std::string& t) {
    auto s = crypto::seal_reply({t, today_utc(), 0}, key.public_key);
    EXPECT_TRUE(s.ok());
    return std::move(s).value();
  };
  const DayNumber today = today_utc();
  auto good = publish(r, write_batch(r, "good.cairn", r.deployment.org, {reply("first")}, today, today + 14));
  ASSERT_EQ(good.exit_code, 0) << good.err;
  ASSERT_EQ(replies_in_store(r), 1u);

  struct Case {
    std::string name;
    std::filesystem::path file;
    std::vector<std::string> extra;
    std::string error;
  };
  std::vector<Case> cases;
  {
    auto path = write_batch(r, "tampered.cairn", r.deployment.org, {reply("second")}, today, today + 14);
    Bytes bytes = test::read_file(path);
    bytes[bytes.size() - 200] ^= 0x01;  // inside the reply, under the signature
    test::write_file(path, bytes);
    cases.push_back({"bit flip", path, {}, "the reply batch's signature does not verify"});
  }
  auto other_org = crypto::ed25519_generate();
  cases.push_back({"another organisation",
                   write_batch(r, "other.cairn", other_org, {reply("third")}, today, today + 14),
                   {},
                   "signed by a different organisation key"});
  cases.push_back({"expired", write_batch(r, "expired.cairn", r.deployment.org, {reply("fourth")}, today - 3, today - 1),
                   {}, "the reply batch expired"});
  cases.push_back({"kept too long",
                   write_batch(r, "long.cairn", r.deployment.org, {reply("fifth")}, today, today + 16),
                   {},
                   "this relay keeps replies for at most 14 days"});
  cases.push_back({"kept longer than the operator allows",
                   write_batch(r, "long7.cairn", r.deployment.org, {reply("sixth")}, today, today + 9),
                   {"--reply-days", "7"},
                   "at most 7 days"});
  {
    auto path = r.dir / "bundle-not-batch.cairn";
    test::write_file(path, wire::wrap_file(wire::FileKind::import_receipt, as_bytes("x")));
    cases.push_back({"wrong kind", path, {}, "cannot publish an import receipt"});
  }
  for (const auto& c : cases) {
    auto out = publish(r, c.file, c.extra);
    EXPECT_EQ(out.exit_code, 1) << c.name;
    EXPECT_NE(out.err.find("cairn: error: "), std::string::npos) << c.name << ": " << out.err;
    EXPECT_NE(out.err.find(c.error), std::string::npos) << c.name << ": " << out.err;
    EXPECT_EQ(replies_in_store(r), 1u) << c.name << ": the board must be unchanged";
  }
  // The operator can allow longer.
  auto longer = publish(r, write_batch(r, "long2.cairn", r.deployment.org, {reply("seventh")}, today, today + 20),
                        {"--reply-days", "30"});
  EXPECT_EQ(longer.exit_code, 0) << longer.err;
  EXPECT_EQ(replies_in_store(r), 2u);
  // Publishing the same batch again adds nothing.
  auto again = publish(r, r.dir / "good.cairn");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 new"), std::string::npos) << again.out;
  EXPECT_EQ(replies_in_store(r), 2u);
}

// Puts replies on the board of a stopped relay, in batches a batch can hold.
void publish_in_batches(const RelayUnderTest& r, const std::vector<Bytes>& replies) {
  auto store = r.open_store();
  for (std::size_t i = 0; i < replies.size(); i += crypto::kMaxBatchReplies) {
    const std::size_t end = std::min(replies.size(), i + crypto::kMaxBatchReplies);
    std::vector<Bytes> part(replies.begin() + static_cast<std::ptrdiff_t>(i),
                            replies.begin() + static_cast<std::ptrdiff_t>(end));
    auto batch = test::must(crypto::build_reply_batch(r.deployment.org, part, today_utc(), today_utc() + 14), "batch");
    auto published = relay::publish_reply_batch(*store, batch, today_utc(), 14);
    ASSERT_TRUE(published.ok()) << published.error().message;
  }
}

std::vector<Bytes> replies_to_strangers(std::size_t n) {
  auto key = crypto::x25519_generate();
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(test::must(crypto::seal_reply({std::to_string(i), 0, 0}, key.public_key), "seal"));
  return out;
}

v1::Request board_page(std::uint32_t page) {
  v1::Request request;
  request.mutable_get_reply_board()->set_page(page);
  return request;
}

TEST(ReplyBoard, TheBoardHoldsItsPageCapAndEveryReplyIsServed) {
  RelayUnderTest r;
  r.init();
  auto store = r.open_store();
  auto key = crypto::ReplyKeys{crypto::x25519_generate(), std::nullopt};
  std::vector<Bytes> first, second;
  for (std::size_t i = 0; i < crypto::kMaxBoardReplies; ++i) {
    auto s = crypto::seal_reply({std::to_string(i), 0, 0}, key.x25519.public_key);
    ASSERT_TRUE(s.ok());
    (i < crypto::kMaxBoardReplies - 1 ? first : second).push_back(std::move(s).value());
  }
  auto sign = [&](const std::vector<Bytes>& replies) {
    auto b = crypto::build_reply_batch(r.deployment.org, replies, today_utc(), today_utc() + 14);
    EXPECT_TRUE(b.ok());
    return std::move(b).value();
  };
  for (std::size_t i = 0; i < first.size(); i += crypto::kMaxBatchReplies) {
    const std::size_t end = std::min(first.size(), i + crypto::kMaxBatchReplies);
    std::vector<Bytes> part(first.begin() + static_cast<std::ptrdiff_t>(i),
                            first.begin() + static_cast<std::ptrdiff_t>(end));
    auto published = relay::publish_reply_batch(*store, sign(part), today_utc(), 14);
    ASSERT_TRUE(published.ok()) << published.error().message;
  }
  // One more fits exactly; then the board is full.
  auto last = relay::publish_reply_batch(*store, sign(second), today_utc(), 14);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(last->on_board, crypto::kMaxBoardReplies);
  auto extra = crypto::seal_reply({"one too many", 0, 0}, key.x25519.public_key);
  ASSERT_TRUE(extra.ok());
  auto over = relay::publish_reply_batch(*store, sign({*extra}), today_utc(), 14);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::quota);
  auto counts = store->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->replies, crypto::kMaxBoardReplies);
  store.reset();

  r.serve();
  auto board = client::fetch_reply_board(r.parsed_address(), quick());
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_EQ(board->pages, crypto::kMaxBoardPages);
  EXPECT_EQ(board->replies.size(), crypto::kMaxBoardReplies);
  EXPECT_LE(board->response_bytes, crypto::kMaxBoardPages * crypto::kMaxMessageBytes);
  EXPECT_EQ(client::find_replies(board->replies, key).replies.size(), crypto::kMaxBoardReplies);
  EXPECT_EQ(r.stop(), 0);
}

// A board of up to one page is served as before paging: one response, the
// whole board, no padding.
TEST(ReplyBoard, ABoardOfOnePageIsOneUnpaddedResponse) {
  RelayUnderTest r;
  r.init();
  publish_in_batches(r, replies_to_strangers(3));
  r.serve();
  auto peer = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  v1::Request old_request;  // what a client from before paging sends
  old_request.mutable_get_reply_board();
  std::size_t records = 0;
  ASSERT_TRUE(peer.send(old_request).ok());
  auto page = peer.receive(std::chrono::seconds(10), &records);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_TRUE(page->has_reply_board());
  EXPECT_EQ(page->reply_board().replies_size(), 3);
  EXPECT_EQ(page->reply_board().page_count(), 1u);
  EXPECT_TRUE(page->reply_board().padding().empty());
  EXPECT_EQ(records, crypto::records_for_message(page->ByteSizeLong()));
  EXPECT_LT(records, crypto::kBoardPageRecords);
  EXPECT_EQ(r.stop(), 0);
}

// 600 replies: three pages. A source whose reply is on the last page reads it
// with `cairn check`, and every page the relay sends is one length on the wire.
TEST(ReplyBoard, ABoardOfThreePagesReachesTheSourceOnTheLastPage) {
  RelayUnderTest r;
  r.init();
  const auto codename = client::format_codename(client::generate_codename(), client::Language::english);
  const std::string typed(as_chars(codename.view()));
  const auto key = key_of(typed);
  auto replies = replies_to_strangers(599);
  // The board is served in id order (the reply's hash): seal ours until it
  // falls among the last 99, on page 3.
  std::vector<ByteArray<32>> ids;
  for (const auto& reply : replies) ids.push_back(crypto::blake2b_256(reply));
  std::sort(ids.begin(), ids.end());
  Bytes mine;
  for (int i = 0; i < 1000 && (mine.empty() || crypto::blake2b_256(mine) < ids[500]); ++i)
    mine = test::must(crypto::seal_reply({"on the last page", today_utc(), 0}, key.x25519.public_key), "seal");
  ASSERT_GT(crypto::blake2b_256(mine), ids[500]);
  replies.push_back(mine);
  publish_in_batches(r, replies);
  r.serve();

  auto out = check(r, typed);
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("on the last page"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("reply 1 of 1"), std::string::npos) << out.out;

  auto board = client::fetch_reply_board(r.parsed_address(), quick());
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_EQ(board->pages, 3u);
  ASSERT_EQ(board->replies.size(), 600u);
  auto at = std::find(board->replies.begin(), board->replies.end(), mine);
  ASSERT_NE(at, board->replies.end());
  EXPECT_GE(at - board->replies.begin(), 2 * static_cast<std::ptrdiff_t>(crypto::kBoardPageReplies));

  // Page by page at the byte level: 250, 250 and 100 replies, each page the
  // same number of records (a full page's), one digest, one count.
  auto peer = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
  std::vector<std::size_t> records(3), sizes(3);
  std::string digest;
  for (std::uint32_t p = 0; p < 3; ++p) {
    ASSERT_TRUE(peer.send(board_page(p)).ok());
    auto page = peer.receive(std::chrono::seconds(10), &records[p]);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_TRUE(page->has_reply_board()) << p;
    const auto& b = page->reply_board();
    EXPECT_EQ(b.page(), p);
    EXPECT_EQ(b.page_count(), 3u);
    EXPECT_EQ(static_cast<std::size_t>(b.replies_size()), p < 2 ? crypto::kBoardPageReplies : 100u);
    if (p == 0) digest = b.board_digest();
    EXPECT_EQ(b.board_digest(), digest);
    sizes[p] = page->ByteSizeLong();
  }
  EXPECT_EQ(digest.size(), 32u);
  EXPECT_EQ(records[0], crypto::kBoardPageRecords);
  EXPECT_EQ(records[1], crypto::kBoardPageRecords);
  EXPECT_EQ(records[2], crypto::kBoardPageRecords);
  EXPECT_EQ(sizes[1], sizes[2]);  // and byte for byte (page 0 omits its zero index)

  // A page past the end gets its own error, not a page.
  ASSERT_TRUE(peer.send(board_page(3)).ok());
  auto past = peer.receive();
  ASSERT_TRUE(past.ok()) << past.error().message;
  ASSERT_TRUE(past->has_error());
  EXPECT_EQ(past->error().code(), v1::ERROR_CODE_NO_SUCH_PAGE);
  EXPECT_EQ(r.stop(), 0);
}

// Fetching a whole board counts once against other_requests_per_connection
// however many pages it has; asking for a page again counts every time, so a
// connection that repeats pages is closed as before.
TEST(ReplyBoard, AWholeBoardCountsOnceAgainstTheRequestCapARepeatedPageEveryTime) {
  RelayUnderTest r;
  r.init();
  publish_in_batches(r, replies_to_strangers(2 * crypto::kBoardPageReplies + 1));
  r.serve({"--other-requests-per-connection", "3"});
  {  // three whole boards (nine pages) on one connection
    auto peer = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
    for (int board = 0; board < 3; ++board)
      for (std::uint32_t p = 0; p < 3; ++p) {
        auto page = peer.call(board_page(p));
        ASSERT_TRUE(page.ok()) << "board " << board << " page " << p << ": " << page.error().message;
        ASSERT_TRUE(page->has_reply_board());
      }
    ASSERT_TRUE(peer.send(board_page(0)).ok());  // a fourth board: over the cap
    EXPECT_TRUE(peer.closed_by_relay());
  }
  {  // page 0, then page 1 over and over: the first is free, the next two count, the fourth is refused
    auto peer = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
    ASSERT_TRUE(peer.call(board_page(0)).ok());
    for (int i = 0; i < 3; ++i) {
      auto page = peer.call(board_page(1));
      ASSERT_TRUE(page.ok()) << i << ": " << page.error().message;
      ASSERT_TRUE(page->has_reply_board());
    }
    ASSERT_TRUE(peer.send(board_page(1)).ok());
    EXPECT_TRUE(peer.closed_by_relay());
  }
  // And the client's fetch of the whole board fits within even this low cap.
  auto board = client::fetch_reply_board(r.parsed_address(), quick());
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_EQ(board->replies.size(), 2 * crypto::kBoardPageReplies + 1);
  EXPECT_EQ(r.stop(), 0);
}

// `cairn check` with the working directory, HOME and TMPDIR pointing at
// empty directories: they are still empty afterwards (promise 6).
TEST(ReplyBoard, CheckWritesNothingToDisk) {
  RelayUnderTest r;
  r.init();
  r.serve();
  test::TempDir sandbox;
  for (auto d : {"cwd", "home", "tmp"}) std::filesystem::create_directory(sandbox / d);
  auto codename_file = r.dir / "codename.txt";
  auto codename = client::format_codename(client::generate_codename(), client::Language::english);
  test::write_file(codename_file, codename.view());

  std::string home = "HOME=" + (sandbox / "home").string(), tmp = "TMPDIR=" + (sandbox / "tmp").string();
  std::vector<char*> env = {home.data(), tmp.data(), nullptr};
  std::vector<std::string> argv = {cairn_bin(), "check", "--direct", "--to", r.address()};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, codename_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addchdir_np(&fa, (sandbox / "cwd").c_str());
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), env.data()), 0);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  for (auto d : {"cwd", "home", "tmp"})
    EXPECT_TRUE(std::filesystem::is_empty(sandbox / d)) << d << " is not empty";
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn

namespace cairn {
namespace {

using namespace std::chrono_literals;

std::size_t resident_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  return 0;
}

// Every board request is served from one shared, already-encoded buffer,
// sealed record by record: 150 clients asking for a full (1 MiB) board and
// not reading the answer cost the relay a frame each, not 2 MiB each (which
// would be 300 MiB).
TEST(ReplyBoard, ConcurrentBoardRequestsShareOneBuffer) {
  constexpr int kClients = 150;
  test::RelayUnderTest r;
  r.init();
  {
    auto store = r.open_store();
    auto key = crypto::x25519_generate();
    std::vector<Bytes> replies;
    for (std::size_t i = 0; i < crypto::kBoardPageReplies; ++i)
      replies.push_back(test::must(crypto::seal_reply({std::to_string(i), 0, 0}, key.public_key), "seal"));
    auto batch = test::must(crypto::build_reply_batch(r.deployment.org, replies, today_utc(), today_utc() + 14), "batch");
    ASSERT_TRUE(relay::publish_reply_batch(*store, batch, today_utc(), 14).ok());
  }
  r.serve({"--max-connections", "400"});
  v1::Request get_board;
  get_board.mutable_get_reply_board();
  {  // one full board first, so that the relay's own copy is counted in the baseline
    auto one = test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake");
    auto board = one.call(get_board);
    ASSERT_TRUE(board.ok() && board->has_reply_board());
    ASSERT_EQ(static_cast<std::size_t>(board->reply_board().replies_size()), crypto::kBoardPageReplies);
  }
  const auto before = resident_kib(r.process.pid());
  std::vector<test::RelayPeer> readers;
  for (int i = 0; i < kClients; ++i) {
    readers.push_back(test::must(test::RelayPeer::open(r.port, r.relay_keys.noise), "handshake"));
    ASSERT_TRUE(readers.back().send(get_board).ok());
  }
  std::this_thread::sleep_for(1500ms);  // every session is now blocked writing its board
  const auto after = resident_kib(r.process.pid());
  EXPECT_LT(after, before + 40 * 1024) << "relay memory grew from " << before << " KiB to " << after << " KiB";
  // And each of them still gets the whole board.
  auto board = readers.front().receive();
  ASSERT_TRUE(board.ok()) << board.error().message;
  EXPECT_EQ(static_cast<std::size_t>(board->reply_board().replies_size()), crypto::kBoardPageReplies);
  readers.clear();
  EXPECT_EQ(r.stop(), 0);
}

}  // namespace
}  // namespace cairn
