// The relay's session logic behind the record layer. A real relay (the
// library's serve(), on 127.0.0.1, proof of work 0, key bundle published)
// runs in this process; each input is a fresh connection that completes a
// genuine Noise NK handshake and then sends the input as record *plaintexts*,
// encrypted for real: so the fuzzer reaches what record authentication hides
// from the `transport` target — the length prefix, padding, messages spanning
// records, protobuf requests, drop size and proof-of-work checks, the commit
// path and the answers. The input is cut into 4096-byte record plaintexts
// (the last one zero-filled); the connection is then half-closed and every
// answer read until the relay closes.
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "client/socket.h"
#include "crypto/noise.h"
#include "crypto/record.h"
#include "fuzz/fuzz_target.h"
#include "relay/config.h"
#include "relay/key_file.h"
#include "relay/publish.h"
#include "relay/relay_keys.h"
#include "relay/server.h"
#include "relay/store.h"
#include "support/deployment.h"
#include "support/loopback.h"
#include "wire/protocol.h"

namespace {
using namespace cairn;
using namespace std::chrono_literals;

[[noreturn]] void die(const char* what, const Error& e) {
  std::fprintf(stderr, "relay_session_fuzz: %s: %s\n", what, e.message.c_str());
  std::abort();
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) die(what, r.error());
  return std::move(r).value();
}

std::thread& relay_thread() {
  static std::thread t;
  return t;
}

struct InProcessRelay {
  std::uint16_t port = 0;
  crypto::X25519Public noise_key{};
};

// Made once per process: a store in a fresh temporary folder, the relay's
// keys, a key bundle from a throwaway organisation, and serve() on a thread.
const InProcessRelay& the_relay() {
  static const InProcessRelay r = [] {
    char tmpl[] = "/tmp/cairn-fuzz-relay-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    std::filesystem::path dir = tmpl;
    test::TestDeployment deployment;
    auto key = must(relay::create_key_file(dir / "store.key"), "key file");
    InProcessRelay out;
    {
      auto store = must(relay::Store::create(dir / "store.db", key), "store");
      if (auto st = relay::generate_relay_keys(*store); !st.ok()) die("relay keys", st.error());
      if (auto st = relay::set_organisation_key(*store, deployment.org.public_key); !st.ok())
        die("organisation key", st.error());
      // As `cairn-relay init --quota-bytes` does: the store's slots, made once.
      if (auto st = store->allocate_slots(32768, 2048); !st.ok()) die("slots", st.error());
      auto keys = must(relay::load_relay_keys(*store), "load relay keys");
      out.noise_key = keys.noise.public_key;
      auto bundle = deployment.bundle({keys.noise.public_key, keys.signing.public_key}, 32768, 0);
      (void)must(relay::publish_key_bundle(*store, bundle, deployment.today), "publish");
    }
    relay::ServeConfig config;
    config.listen_address = "127.0.0.1";
    config.port = test::free_loopback_port();
    config.store_path = dir / "store.db";
    config.key_file = dir / "store.key";
    config.limits.pow_bits = 0;
    config.limits.quota_bytes = std::uint64_t{64} << 20;
    config.limits.handshake_timeout = 2s;
    config.limits.idle_timeout = 2s;
    config.limits.operation_timeout = 2s;
    relay_thread() = std::thread([config] {
      auto st = relay::serve(config);
      if (!st.ok()) die("serve", st.error());
    });
    // Only a guard against a relay that never listens: on a loaded machine
    // under ASan its start takes seconds (a 10 s limit here aborted campaign
    // merges on a saturated machine, blamed on whatever input came first).
    if (!test::wait_for_port(config.port, 600s)) {
      std::fprintf(stderr, "relay_session_fuzz: the relay did not listen within 600 s\n");
      std::abort();
    }
    out.port = config.port;
    return out;
  }();
  return r;
}
}  // namespace

// At exit the relay is stopped as its operator would stop it (SIGTERM, which
// serve() handles) and joined. Registered after the first whole session, so
// that it runs before the destructors of every static a session touches
// (atexit handlers and static destructors run in reverse order of
// registration).
void stop_relay_at_exit() {
  static bool registered = false;
  if (registered) return;
  registered = true;
  std::atexit([] {
    ::kill(::getpid(), SIGTERM);
    relay_thread().join();
  });
}

// The relay starts before the first input, so its start-up is not counted
// against that input's time limit (libFuzzer's -timeout); one empty session
// then registers the stop at exit, also for a run given no input at all (a
// merge step with nothing left to do), whose exit would otherwise find the
// relay's thread still running.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)the_relay();
  return LLVMFuzzerTestOneInput(nullptr, 0);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A request is at most a drop plus framing: more would only be refused
  // early by the record reader's cap, which the transport target covers.
  if (size > 16 * crypto::kRecordPlaintextBytes) return 0;
  const auto& r = the_relay();
  auto socket = must(client::connect_tcp("127.0.0.1", r.port, 5s), "connect");

  auto hs = must(crypto::noise::make_nk_initiator(wire::prologue(), r.noise_key), "initiator");
  // -> e, es
  auto m1 = must(crypto::frame_noise_message(must(hs.write_message({}), "message 1")), "frame 1");
  if (auto st = socket.write_all(m1, 5s); !st.ok()) die("message 1", st.error());
  // <- e, ee
  ByteArray<crypto::kFrameLengthBytes + wire::kMessage2Bytes> m2{};
  // The relay must answer a genuine handshake.
  if (auto st = socket.read_exact(m2, 5s); !st.ok()) die("message 2", st.error());
  (void)must(hs.read_message(ByteView(m2).subspan(crypto::kFrameLengthBytes)), "message 2");
  auto ciphers = must(hs.split(), "split");

  Bytes frames;
  for (std::size_t off = 0; off < size || off == 0; off += crypto::kRecordPlaintextBytes) {
    Bytes plain(crypto::kRecordPlaintextBytes, 0);
    std::size_t n = off < size ? std::min(crypto::kRecordPlaintextBytes, size - off) : 0;
    if (n) std::copy_n(data + off, n, plain.begin());
    auto sealed = must(ciphers.send.encrypt(plain), "encrypt");
    std::uint8_t len[2];
    put_u16be(len, static_cast<std::uint16_t>(sealed.size()));
    frames.insert(frames.end(), len, len + 2);
    frames.insert(frames.end(), sealed.begin(), sealed.end());
    if (size == 0) break;
  }
  (void)socket.write_all(frames, 5s);  // the relay may close early on a bad record: fine
  ::shutdown(socket.fd(), SHUT_WR);
  // Read answers until the relay closes; a relay that never closes is a hang
  // the deadline turns into an abort.
  ByteArray<crypto::kRecordFrameBytes> answer{};
  for (;;) {
    auto got = socket.read_exact(answer, 10s);
    if (got.ok()) continue;
    if (got.code() == Errc::timeout) {
      std::fprintf(stderr, "relay_session_fuzz: the relay kept a half-closed connection open for 10 s\n");
      std::abort();
    }
    break;
  }
  stop_relay_at_exit();
  return 0;
}
