// Test helpers for the analyst station: a vault driven through the real
// cairn-analyst program (passphrase on a descriptor, fast KDF), the same vault
// opened in-process for inspection, an in-process relay store that makes real
// export bundles, and drops sealed the way the client seals them.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <pty.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyst/keys.h"
#include "analyst/vault.h"
#include "client/cover.h"
#include "client/relay_connection.h"
#include "client/submission.h"
#include "crypto/drop.h"
#include "crypto/hash.h"
#include "crypto/key_text.h"
#include "crypto/random.h"
#include "crypto/record.h"
#include "proto/drop.pb.h"
#include "relay/export.h"
#include "relay/publish.h"
#include "relay/relay_keys.h"
#include "relay/store.h"
#include "support/deployment.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "wire/chunk_tree.h"
#include "wire/file_kind.h"
#include "wire/protocol.h"

namespace cairn::test {

namespace fs = std::filesystem;

inline constexpr std::uint32_t kTestDropSize = 32768;

// The test build of the station (--today, init --insecure-fast-kdf); the
// shipped program has neither (tests/analyst/shipped_binary_test.cpp).
inline std::string analyst_binary() { return binary("analyst/cairn-analyst-testing"); }
inline std::string shipped_analyst_binary() { return binary("analyst/cairn-analyst"); }
inline std::string relay_binary() { return binary("relay/cairn-relay"); }

// Every regular file of a directory, by name: to prove "the vault was not changed".
inline std::map<std::string, Bytes> snapshot_dir(const fs::path& dir) {
  std::map<std::string, Bytes> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out[e.path().filename().string()] = read_file(e.path());
  return out;
}

inline std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// A vault in a temporary directory, used through the cairn-analyst program.
class Station {
 public:
  explicit Station(std::string passphrase = "correct horse battery staple") : passphrase_(std::move(passphrase)) {}

  fs::path vault() const { return dir_ / "vault"; }
  fs::path path(const std::string& name) const { return dir_ / name; }
  const std::string& passphrase() const { return passphrase_; }

  // cairn-analyst --vault V --passphrase-fd 0 [--today D] args..., passphrase on stdin.
  RunResult run(const std::vector<std::string>& args, std::optional<DayNumber> today = std::nullopt,
                const std::string& passphrase_override = {}) const {
    std::vector<std::string> argv{analyst_binary(), "--vault", vault().string(), "--passphrase-fd", "0"};
    if (today) {
      argv.push_back("--today");
      argv.push_back(std::to_string(*today));
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return run_capture(argv, (passphrase_override.empty() ? passphrase_ : passphrase_override) + "\n");
  }

  // Runs and fails the test unless the program exits 0.
  RunResult ok(const std::vector<std::string>& args, std::optional<DayNumber> today = std::nullopt) const {
    auto r = run(args, today);
    EXPECT_EQ(r.exit_code, 0) << "cairn-analyst " << (args.empty() ? "" : args[0]) << ": " << r.err;
    return r;
  }

  // init with the fast KDF; remembers the organisation key it prints.
  // extra: more init options (--hybrid).
  void init(const std::string& name = "kim", std::optional<DayNumber> today = std::nullopt,
            const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"init", "--name", name, "--insecure-fast-kdf"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = ok(args, today);
    org_text_ = first_line(r.out);
    org_ = must(crypto::parse_organisation_key(org_text_), "organisation key printed by init");
  }
  const std::string& org_text() const { return org_text_; }
  const crypto::Ed25519Public& org() const { return org_; }

  // The vault in this process (close it before running the program again).
  std::unique_ptr<analyst::Vault> open() const {
    auto v = analyst::Vault::open(vault(), crypto::Secret::copy_of(as_bytes(passphrase_)));
    if (!v.ok()) throw std::runtime_error("cannot open the test vault: " + v.error().message);
    return std::move(v).value();
  }

  // Public messaging keys usable on `day` (what a client seals to).
  std::vector<crypto::X25519Public> recipients(DayNumber day) const {
    auto v = open();
    auto keys = must(analyst::messaging_keys(*v), "messaging keys");
    std::vector<crypto::X25519Public> out;
    for (const auto& k : keys)
      if (k.valid_on(day) && !k.destroyed_day) out.push_back(k.public_key);
    return out;
  }

 private:
  TempDir dir_;
  std::string passphrase_;
  std::string org_text_;
  crypto::Ed25519Public org_{};
};

// A relay store in this process, pinned to an organisation: stores drops and
// writes real export bundles (relay/export.h) and purges (relay/purge.h).
class LocalRelay {
 public:
  explicit LocalRelay(const crypto::Ed25519Public& organisation) {
    key_ = crypto::random_secret(32);
    store_ = must(relay::Store::create(dir_ / "store.db", key_), "relay store");
    if (!relay::generate_relay_keys(*store_).ok() || !relay::set_organisation_key(*store_, organisation).ok())
      throw std::runtime_error("cannot initialise the test relay");
    auto keys = must(relay::load_relay_keys(*store_), "relay keys");
    public_keys_ = {keys.noise.public_key, keys.signing.public_key};
  }

  relay::Store& store() { return *store_; }
  std::string keys_text() const { return crypto::encode_relay_keys(public_keys_); }
  const crypto::RelayPublicKeys& keys() const { return public_keys_; }

  void put(const std::vector<Bytes>& drops) {
    if (drops.empty()) return;
    if (must(store_->slot_layout(), "slot layout").slot_bytes != drops.front().size())
      // Room for this put and as much again (the layout is fixed once drops are in).
      if (auto st = store_->allocate_slots(static_cast<std::uint32_t>(drops.front().size()),
                                           std::max<std::uint64_t>(256, 2 * drops.size()));
          !st.ok())
        throw std::runtime_error("allocate slots: " + st.error().message);
    std::vector<ByteView> views(drops.begin(), drops.end());
    auto st = store_->put_drops(views, std::uint64_t{1} << 40);
    if (!st.ok()) throw std::runtime_error("put drops: " + st.error().message);
  }
  std::size_t count() { return must(store_->drop_ids(), "drop ids").size(); }
  void clear() {
    auto all = ids();
    must(store_->delete_drops(all), "delete drops");
  }
  std::vector<relay::DropId> ids() { return must(store_->drop_ids(), "drop ids"); }

  fs::path export_to(const fs::path& out) {
    must(relay::export_drops(*store_, out, today_utc()), "export");
    return out;
  }

  // Installs a key bundle file written by `cairn-analyst keys bundle`.
  void publish(const fs::path& bundle_file) {
    auto body = must(wire::unwrap_file(wire::FileKind::key_bundle, read_file(bundle_file)), "bundle file");
    must(relay::publish_key_bundle(*store_, body, today_utc()), "publish");
  }

 private:
  TempDir dir_;
  crypto::Secret key_;
  std::unique_ptr<relay::Store> store_;
  crypto::RelayPublicKeys public_keys_;
};

// The usual station for a test: analysts kim and lee, and an in-process relay
// certified as "relay-1".
// `today`: the station's day for every command (--today), so that a test that
// checks days against it does not depend on whether midnight passes meanwhile.
inline std::unique_ptr<LocalRelay> two_analysts_and_a_relay(Station& station,
                                                            std::optional<DayNumber> today = std::nullopt) {
  station.init("kim", today);
  station.ok({"analyst", "add", "lee"}, today);
  auto relay = std::make_unique<LocalRelay>(station.org());
  station.ok({"relay", "add", "relay-1", relay->keys_text()}, today);
  return relay;
}

// A real cairn-relay process for a Station, on 127.0.0.1: initialised with
// the station's organisation key (32 MiB of drop slots, so nothing large is
// pre-allocated), certified as "relay-1", serving the station's key bundle on
// a port the kernel picks; stopped with SIGTERM (stop(), or when destroyed).
// (tests/support/relay_fixture.h is the same for a TestDeployment, no station.)
class RelayProcess {
 public:
  // init, relay add, keys bundle, publish, then serve with --pow-bits 4 and
  // serve_args. Wrap in ASSERT_NO_FATAL_FAILURE.
  void start(Station& station, const std::vector<std::string>& serve_args = {}) {
    auto init = run({"init", "--organisation-key", station.org_text(), "--quota-bytes", "33554432"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    station.ok({"relay", "add", "relay-1", first_line(init.out)});
    auto bundle = station.path("keys.cairn");
    station.ok({"keys", "bundle", "--out", bundle.string()});
    ASSERT_EQ(run({"publish", bundle.string()}).exit_code, 0);
    const std::string log = (dir_ / "serve.log").string();
    std::vector<std::string> argv{relay_binary(), "--dir", (dir_ / "relay").string(), "serve", "--listen",
                                  "127.0.0.1", "--port", "0", "--pow-bits", "4"};
    argv.insert(argv.end(), serve_args.begin(), serve_args.end());
    ASSERT_TRUE(serve_.start(argv, log));
    port_ = wait_for_logged_port(log, 0, std::chrono::seconds(10));
    ASSERT_NE(port_, 0) << "the relay did not start";
    ASSERT_TRUE(wait_for_port(port_, std::chrono::seconds(10))) << "the relay did not start";
    address_ = first_line(station.ok({"keys", "address", "--relay", "relay-1", "--host", "127.0.0.1", "--port",
                                      std::to_string(port_)}).out);
  }
  bool serving() const { return serve_.running(); }
  // SIGTERM; the status from waitpid (0: a clean exit).
  int stop() { return serve_.kill_and_wait(SIGTERM); }

  // cairn-relay --dir DIR args...
  RunResult run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{relay_binary(), "--dir", (dir_ / "relay").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_capture(argv);
  }
  // What `status` says is stored (~0 if it says nothing).
  std::uint64_t drops_stored() const {
    auto status = run({"status"}).out;
    auto at = status.find("drops stored:");
    return at == std::string::npos ? ~0ull : std::stoull(status.substr(at + 13));
  }
  std::uint16_t port() const { return port_; }
  // The drop address for relay-1 at 127.0.0.1 and the port it serves on.
  const std::string& address() const { return address_; }

 private:
  TempDir dir_;
  Process serve_;
  std::uint16_t port_ = 0;
  std::string address_;
};

// What a relay sends a source on its first connection before the first ack
// (docs/PROTOCOL.md, "Traffic shapes"), after the handshake reply: the records
// of the key bundle and of a one-page reply board, asked for on `conn`.
// nullopt while the relay serves no key bundle.
inline std::optional<std::size_t> records_before_first_ack(client::RelayConnection& conn) {
  v1::Request bundle;
  bundle.mutable_get_key_bundle();
  auto keys = conn.call(bundle);
  if (!keys.ok() || !keys->has_key_bundle()) return std::nullopt;
  v1::Request board;
  board.mutable_get_reply_board()->set_page(0);
  auto page = must(conn.call(board), "reply board");
  EXPECT_LE(page.reply_board().page_count(), 1u) << "a board of one page";
  return crypto::records_for_message(wire::encode(*keys).size()) + crypto::records_for_message(wire::encode(page).size());
}

// The same in bytes, with the handshake reply.
inline std::size_t bytes_before_first_ack(std::size_t records) {
  return crypto::kFrameLengthBytes + wire::kMessage2Bytes + records * crypto::kRecordFrameBytes;
}

// ---- Drops as the client makes them ----

inline Bytes encode(const google::protobuf::MessageLite& m) {
  std::string s;
  m.SerializeToString(&s);
  return to_bytes(s);
}

inline Bytes seal(ByteView body, const std::vector<crypto::X25519Public>& recipients,
                  std::uint32_t drop_size = kTestDropSize) {
  return must(crypto::seal_drop(body, recipients, drop_size), "seal drop");
}

inline Bytes text_body(const std::string& text, DayNumber day = 0) {
  v1::DropBody b;
  b.set_version(1);
  b.mutable_testimony()->set_text(text);
  b.set_day(day);
  return encode(b);
}

inline Bytes cover_body() {
  auto body = client::cover_body();
  return Bytes(body.view().begin(), body.view().end());
}

// The drop bodies the client would send for this submission.
inline std::vector<Bytes> submission_bodies(const client::SubmissionInput& in,
                                             const std::vector<crypto::X25519Public>& recipients,
                                             std::uint32_t drop_size = kTestDropSize) {
  auto capacity = must(crypto::drop_body_capacity(drop_size, recipients.size()), "capacity");
  return must(client::build_drop_bodies(in, capacity), "drop bodies");
}

// Chunk bodies for any serialized Submission stream, as the client chunks
// them (a hand-built stream: what a hostile source can send).
inline std::vector<Bytes> stream_bodies(ByteView stream, const std::vector<crypto::X25519Public>& recipients,
                                        std::uint32_t drop_size = kTestDropSize) {
  auto capacity = must(crypto::drop_body_capacity(drop_size, recipients.size()), "capacity");
  return must(client::build_chunk_bodies(stream, client::SubmissionInput{}, capacity), "chunk bodies");
}

// Chunk bodies re-made after `change` altered their data: a correct chunk
// tree over the altered data, under the original submission hash and id,
// which the whole then no longer matches (a sender lying about the whole).
inline std::vector<Bytes> rechunked(const std::vector<Bytes>& bodies,
                                    const std::function<void(std::vector<std::string>&)>& change) {
  std::vector<v1::DropBody> parsed(bodies.size());
  std::vector<std::string> data;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    if (!parsed[i].ParseFromArray(bodies[i].data(), static_cast<int>(bodies[i].size())))
      throw std::runtime_error("not a drop body");
    data.push_back(parsed[i].chunk().data());
  }
  change(data);
  std::vector<ByteView> pieces;
  for (const auto& d : data) pieces.push_back(as_bytes(d));
  wire::ChunkHash claimed{};
  const auto& h = parsed[0].chunk().submission_hash();
  std::copy(h.begin(), h.end(), claimed.begin());
  wire::ChunkTree tree(pieces, claimed);
  std::vector<Bytes> out;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    auto* c = parsed[i].mutable_chunk();
    c->set_data(data[i]);
    c->set_chunks_root(tree.root().data(), tree.root().size());
    c->clear_chunk_proof();
    for (const auto& p : tree.proof(static_cast<std::uint32_t>(i))) c->add_chunk_proof(p.data(), p.size());
    out.push_back(encode(parsed[i]));
  }
  return out;
}

inline std::vector<Bytes> seal_all(const std::vector<Bytes>& bodies, const std::vector<crypto::X25519Public>& r) {
  std::vector<Bytes> out;
  for (const auto& b : bodies) out.push_back(seal(b, r));
  return out;
}

// ---- Export bundles as archives ----

struct TarEntry {
  std::string name;
  Bytes content;
  unsigned type = AE_IFREG;
};

// The entries of a tar archive (a real export bundle), in order.
inline std::vector<TarEntry> read_tar(const fs::path& path) {
  std::vector<TarEntry> out;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, path.c_str(), 10240) == ARCHIVE_OK) {
    archive_entry* entry = nullptr;
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
      TarEntry e{archive_entry_pathname(entry), Bytes(static_cast<std::size_t>(archive_entry_size(entry)))};
      archive_read_data(a, e.content.data(), e.content.size());
      out.push_back(std::move(e));
    }
  }
  archive_read_free(a);
  return out;
}

// ---- A terminal, to check what is refused on one ----

// Runs argv with stdout on a pseudo-terminal (stdin from `input`, stderr
// captured): how a program behaves when a person is watching.
inline RunResult run_with_tty_stdout(const std::vector<std::string>& argv, const std::string& input) {
  int master = -1, slave = -1;
  RunResult r;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) return r;
  TempDir tmp;
  auto in_path = tmp / "in", err_path = tmp / "err";
  { std::ofstream(in_path) << input; }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, slave, 1);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addclose(&fa, master);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) {
    ::close(slave);
    slave = -1;
    // Drain the terminal so the program never blocks on a full buffer.
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;
      r.out.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&fa);
  if (slave >= 0) ::close(slave);
  ::close(master);
  r.err = read_text(err_path);
  return r;
}

}  // namespace cairn::test
