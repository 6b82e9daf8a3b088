// The cost of the primitives a relay pays per drop, on this machine, in this
// run (DESIGN.md section 10: the reference the relay is measured against):
//   - the Noise NK handshake, each side;
//   - seal_drop to 2 recipients at 32 KiB (the client's cost, for reference);
//   - the relay's open/verify of one PutDrop: record decryption of its frames,
//     BLAKE2b-256 of the drop, proof-of-work verification;
//   - durable SQLCipher inserts of 32 KiB drops through relay::Store, one per
//     commit (synchronous=FULL) and in batches.
// Prints "name value unit" lines, then the primitive bound on drops/s for
// each load configuration scripts/bench.sh runs.
#include <cstring>
#include <vector>

#include "bench_support.h"
#include "crypto/drop.h"
#include "crypto/hash.h"
#include "crypto/noise.h"
#include "crypto/pow.h"
#include "crypto/random.h"
#include "crypto/record.h"
#include "crypto/x25519.h"
#include "relay/store.h"
#include "wire/protocol.h"

namespace cairn {
namespace {

using bench::report;

constexpr std::size_t kDropSize = 32768;

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) bench::die(std::string(what) + ": " + r.error().message);
  return std::move(r).value();
}
void must(Status s, const char* what) {
  if (!s.ok()) bench::die(std::string(what) + ": " + s.error().message);
}

struct HandshakeCost {
  double initiator_us = 0;
  double responder_us = 0;
};

// One full NK handshake per iteration, timing each side's share separately.
HandshakeCost nk_handshake(int n) {
  auto relay = crypto::x25519_generate();
  HandshakeCost cost;
  double ini = 0, res = 0;
  for (int i = 0; i < n; ++i) {
    auto t0 = bench::Clock::now();
    auto initiator = must(crypto::noise::make_nk_initiator(wire::prologue(), relay.public_key), "initiator");
    auto m1 = must(initiator.write_message({}), "m1");
    auto t1 = bench::Clock::now();
    auto responder = must(crypto::noise::make_nk_responder(wire::prologue(), relay), "responder");
    (void)must(responder.read_message(m1), "read m1");
    auto m2 = must(responder.write_message(Bytes(wire::kReplyPayloadBytes, 0)), "m2");
    auto rc = must(responder.split(), "split");
    auto t2 = bench::Clock::now();
    (void)must(initiator.read_message(m2), "read m2");
    auto ic = must(initiator.split(), "split");
    auto t3 = bench::Clock::now();
    ini += std::chrono::duration<double>(t1 - t0 + (t3 - t2)).count();
    res += std::chrono::duration<double>(t2 - t1).count();
  }
  cost.initiator_us = ini * 1e6 / n;
  cost.responder_us = res * 1e6 / n;
  return cost;
}

// What the relay does with one PutDrop's frames before it hands the drop to
// the store: record decryption (all frames), then the drop's BLAKE2b-256 and
// the proof-of-work check. Reported per part.
struct OpenCost {
  double decrypt_us = 0;
  double blake2b_us = 0;
  double pow_verify_us = 0;
};

OpenCost relay_open_verify(int n) {
  auto relay = crypto::x25519_generate();
  auto initiator = must(crypto::noise::make_nk_initiator(wire::prologue(), relay.public_key), "initiator");
  auto responder = must(crypto::noise::make_nk_responder(wire::prologue(), relay), "responder");
  (void)must(responder.read_message(must(initiator.write_message({}), "m1")), "read m1");
  (void)must(initiator.read_message(must(responder.write_message({}), "m2")), "read m2");
  auto ic = must(initiator.split(), "split");
  auto rc = must(responder.split(), "split");
  crypto::RecordWriter writer(std::move(ic.send));
  crypto::RecordReader reader(std::move(rc.receive), wire::max_request_bytes(kDropSize));

  auto challenge = crypto::pow::new_challenge();
  std::vector<Bytes> sealed;
  sealed.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    v1::Request req;
    auto drop = crypto::random_bytes(kDropSize);
    auto nonce = must(crypto::pow::solve(challenge, crypto::pow::context_for_drop(drop), 0, 1), "solve");
    req.mutable_put_drop()->set_drop(drop.data(), drop.size());
    req.mutable_put_drop()->set_pow_nonce(nonce.data(), nonce.size());
    sealed.push_back(must(writer.seal_message(wire::encode(req)), "seal"));
  }
  std::vector<v1::Request> requests(static_cast<std::size_t>(n));
  auto t0 = bench::Clock::now();
  for (int i = 0; i < n; ++i) {
    const Bytes& frames = sealed[static_cast<std::size_t>(i)];
    for (std::size_t off = 0; off < frames.size(); off += crypto::kRecordFrameBytes) {
      auto message = must(reader.open_frame(ByteView(frames).subspan(off, crypto::kRecordFrameBytes)), "open");
      if (message) requests[static_cast<std::size_t>(i)] = must(wire::decode_request(*message), "decode");
    }
  }
  auto t1 = bench::Clock::now();
  std::vector<crypto::pow::Context> contexts(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    contexts[static_cast<std::size_t>(i)] = crypto::pow::context_for_drop(as_bytes(requests[static_cast<std::size_t>(i)].put_drop().drop()));
  auto t2 = bench::Clock::now();
  for (int i = 0; i < n; ++i)
    must(crypto::pow::verify(challenge, contexts[static_cast<std::size_t>(i)],
                             as_bytes(requests[static_cast<std::size_t>(i)].put_drop().pow_nonce()), 0),
         "verify");
  auto t3 = bench::Clock::now();
  OpenCost c;
  c.decrypt_us = std::chrono::duration<double>(t1 - t0).count() * 1e6 / n;
  c.blake2b_us = std::chrono::duration<double>(t2 - t1).count() * 1e6 / n;
  c.pow_verify_us = std::chrono::duration<double>(t3 - t2).count() * 1e6 / n;
  return c;
}

// Durable inserts of distinct 32 KiB drops in commits of `batch` drops; µs per drop.
double store_insert(int drops, std::size_t batch) {
  bench::TempDir dir;
  auto key = crypto::random_secret(32);
  auto store = must(relay::Store::create(dir.path() / "store.db", key), "create store");
  if (const char* pragma = std::getenv("BENCH_PRAGMA")) must(store->database().exec(pragma), "pragma");
  std::vector<Bytes> pool;
  for (int i = 0; i < drops; ++i) pool.push_back(crypto::random_bytes(kDropSize));
  std::vector<ByteView> views;
  auto start = bench::Clock::now();
  for (std::size_t i = 0; i < pool.size(); i += batch) {
    views.clear();
    for (std::size_t j = i; j < std::min(pool.size(), i + batch); ++j) views.emplace_back(pool[j]);
    must(store->put_drops(views, std::uint64_t{1} << 40), "put_drops");
  }
  return bench::seconds_since(start) * 1e6 / drops;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  using namespace cairn;
  // --only insert: just the store inserts (for profiling with callgrind).
  if (argc == 3 && std::string(argv[1]) == "--only" && std::string(argv[2]) == "insert") {
    std::size_t batch = std::getenv("BENCH_BATCH") ? std::stoul(std::getenv("BENCH_BATCH")) : 64;
    int drops = std::getenv("BENCH_DROPS") ? std::stoi(std::getenv("BENCH_DROPS")) : 1024;
    report("insert_durable_us", store_insert(drops, batch), "us/drop");
    return 0;
  }
  std::printf("# primitives (one thread)\n");

  auto scalar = crypto::x25519_generate();
  auto point = crypto::x25519_generate().public_key;
  double x25519_us = bench::micros_per_call(4000, [&] { (void)crypto::x25519(scalar.secret, point); });
  report("x25519_ops_per_s", 1e6 / x25519_us, "op/s");

  Bytes big(1 << 20, 0x5a);
  double blake_mb = bench::micros_per_call(200, [&] { (void)crypto::blake2b_256(big); });
  report("blake2b_MB_per_s", 1e6 / blake_mb, "MB/s");

  auto hs = nk_handshake(2000);
  report("nk_initiator_us", hs.initiator_us, "us");
  report("nk_responder_us", hs.responder_us, "us");
  report("nk_handshakes_per_s", 1e6 / (hs.initiator_us + hs.responder_us), "handshake/s");


  {
    std::vector<crypto::X25519Public> recipients{crypto::x25519_generate().public_key,
                                                 crypto::x25519_generate().public_key};
    auto capacity = must(crypto::drop_body_capacity(kDropSize, 2), "capacity");
    Bytes body(capacity / 2, 0x41);
    double us = bench::micros_per_call(1000, [&] { (void)must(crypto::seal_drop(body, recipients, kDropSize), "seal"); });
    report("seal_drop_2_recipients_32k_us", us, "us");
  }

  auto open = relay_open_verify(3000);
  report("record_decrypt_putdrop_us", open.decrypt_us, "us");
  report("blake2b_256_32k_us", open.blake2b_us, "us");
  report("pow_verify_us", open.pow_verify_us, "us");
  report("relay_open_verify_us", open.decrypt_us + open.blake2b_us + open.pow_verify_us, "us");

  double single = store_insert(300, 1);
  report("insert_durable_single_us", single, "us/drop");
  report("insert_durable_single_per_s", 1e6 / single, "drop/s");
  double b16 = store_insert(4096, 16);
  report("insert_durable_batch16_us", b16, "us/drop");
  report("insert_durable_batch16_per_s", 1e6 / b16, "drop/s");
  double b64 = store_insert(4096, 64);
  report("insert_durable_batch64_us", b64, "us/drop");
  report("insert_durable_batch64_per_s", 1e6 / b64, "drop/s");

  // The primitive bound (docs/BENCHMARKS.md): 1 / (the relay's share of the
  // handshake spread over the drops of a connection + record decryption +
  // a durable insert in a batch as large as the number of clients).
  std::printf("# primitive bound, drops/s, by clients x drops per connection\n");
  for (int clients : {16, 64}) {
    for (int per_connection : {16, 1}) {
      double batch_us = clients >= 64 ? b64 : b16;
      double us = hs.responder_us / per_connection + open.decrypt_us + batch_us;
      std::string name = "bound_c" + std::to_string(clients) + "_k" + std::to_string(per_connection);
      report(name.c_str(), 1e6 / us, "drop/s");
    }
  }
  return 0;
}
