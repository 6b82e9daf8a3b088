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
#include "crypto/mlkem768.h"
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
  bench::Cost initiator, responder;
};

// One full NK handshake per iteration, timing each side's share separately.
HandshakeCost nk_handshake(int n) {
  auto relay = crypto::x25519_generate();
  HandshakeCost cost;
  for (int i = 0; i < n; ++i) {
    bench::Stopwatch a;
    auto initiator = must(crypto::noise::make_nk_initiator(wire::prologue(), relay.public_key), "initiator");
    auto m1 = must(initiator.write_message({}), "m1");
    cost.initiator += a.elapsed();
    bench::Stopwatch b;
    auto responder = must(crypto::noise::make_nk_responder(wire::prologue(), relay), "responder");
    (void)must(responder.read_message(m1), "read m1");
    auto m2 = must(responder.write_message(Bytes(wire::kReplyPayloadBytes, 0)), "m2");
    auto rc = must(responder.split(), "split");
    cost.responder += b.elapsed();
    bench::Stopwatch c;
    (void)must(initiator.read_message(m2), "read m2");
    auto ic = must(initiator.split(), "split");
    cost.initiator += c.elapsed();
  }
  return {cost.initiator.per(n), cost.responder.per(n)};
}

// What the relay does with one PutDrop's frames before it hands the drop to
// the store: record decryption (all frames) and parsing, then the drop's
// BLAKE2b-256 and the proof-of-work check. Reported per part, per drop.
struct OpenCost {
  bench::Cost decrypt, blake2b, pow_verify;
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
  const auto count = static_cast<std::size_t>(n);
  std::vector<Bytes> sealed;
  sealed.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    v1::Request req;
    auto drop = crypto::random_bytes(kDropSize);
    auto nonce = must(crypto::pow::solve(challenge, crypto::pow::context_for_drop(drop), 0, 1), "solve");
    req.mutable_put_drop()->set_drop(drop.data(), drop.size());
    req.mutable_put_drop()->set_pow_nonce(nonce.data(), nonce.size());
    sealed.push_back(must(writer.seal_message(wire::encode(req)), "seal"));
  }
  std::vector<v1::Request> requests(count);
  OpenCost c;
  bench::Stopwatch t1;
  for (std::size_t i = 0; i < count; ++i) {
    const Bytes& frames = sealed[i];
    for (std::size_t off = 0; off < frames.size(); off += crypto::kRecordFrameBytes) {
      auto message = must(reader.open_frame(ByteView(frames).subspan(off, crypto::kRecordFrameBytes)), "open");
      if (message) requests[i] = must(wire::decode_request(*message), "decode");
    }
  }
  c.decrypt = t1.elapsed().per(n);
  std::vector<crypto::pow::Context> contexts(count);
  bench::Stopwatch t2;
  for (std::size_t i = 0; i < count; ++i) contexts[i] = crypto::pow::context_for_drop(as_bytes(requests[i].put_drop().drop()));
  c.blake2b = t2.elapsed().per(n);
  bench::Stopwatch t3;
  for (std::size_t i = 0; i < count; ++i)
    must(crypto::pow::verify(challenge, contexts[i], as_bytes(requests[i].put_drop().pow_nonce()), 0), "verify");
  c.pow_verify = t3.elapsed().per(n);
  return c;
}

// Durable inserts of distinct 32 KiB drops in commits of `batch` drops, through
// relay::Store as the relay's committer does it; the cost per drop.
bench::Cost store_insert(int drops, std::size_t batch) {
  bench::TempDir dir;
  auto key = crypto::random_secret(32);
  auto store = must(relay::Store::create(dir.path() / "store.db", key), "create store");
  if (!store->allocate_slots(kDropSize, static_cast<std::uint64_t>(drops)).ok()) bench::die("cannot allocate slots");
  std::vector<Bytes> pool;
  for (int i = 0; i < drops; ++i) pool.push_back(crypto::random_bytes(kDropSize));
  std::vector<ByteView> views;
  bench::Stopwatch w;
  for (std::size_t i = 0; i < pool.size(); i += batch) {
    views.clear();
    for (std::size_t j = i; j < std::min(pool.size(), i + batch); ++j) views.emplace_back(pool[j]);
    must(store->put_drops(views, std::uint64_t{1} << 40), "put_drops");
  }
  return w.elapsed().per(drops);
}

void report_cost(const std::string& name, bench::Cost c) {
  report((name + "_us").c_str(), c.wall_us, "us");
  report((name + "_cpu_us").c_str(), c.cpu_us, "us");
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  using namespace cairn;
  // --only insert BATCH DROPS: just the store inserts (for profiling with callgrind).
  if (argc == 5 && std::string(argv[1]) == "--only" && std::string(argv[2]) == "insert") {
    report_cost("insert_durable", store_insert(std::stoi(argv[4]), std::stoul(argv[3])));
    return 0;
  }
  std::printf("# primitives (one thread; wall time, and CPU time of the thread)\n");

  auto scalar = crypto::x25519_generate();
  auto point = crypto::x25519_generate().public_key;
  auto x = bench::cost_per_call(4000, [&] { (void)crypto::x25519(scalar.secret, point); });
  report("x25519_ops_per_s", 1e6 / x.cpu_us, "op/s (CPU)");

  // ML-KEM-768 (issue 17's post-quantum half), in the same run as X25519.
  {
    namespace mlkem = crypto::mlkem768;
    auto kp = mlkem::generate();
    auto enc = must(mlkem::encapsulate(kp.encapsulation_key), "encapsulate");
    auto kg = bench::cost_per_call(2000, [&] { (void)mlkem::generate(); });
    auto en = bench::cost_per_call(2000, [&] { (void)must(mlkem::encapsulate(kp.encapsulation_key), "encapsulate"); });
    auto de = bench::cost_per_call(2000, [&] { (void)must(mlkem::decapsulate(kp.decapsulation_key, enc.ciphertext), "decapsulate"); });
    report("mlkem768_keygen_ops_per_s", 1e6 / kg.cpu_us, "op/s (CPU)");
    report("mlkem768_encaps_ops_per_s", 1e6 / en.cpu_us, "op/s (CPU)");
    report("mlkem768_decaps_ops_per_s", 1e6 / de.cpu_us, "op/s (CPU)");
  }

  Bytes big(1 << 20, 0x5a);
  auto mb = bench::cost_per_call(200, [&] { (void)crypto::blake2b_256(big); });
  report("blake2b_MB_per_s", 1e6 / mb.cpu_us, "MB/s (CPU)");

  auto hs = nk_handshake(2000);
  report_cost("nk_initiator", hs.initiator);
  report_cost("nk_responder", hs.responder);
  report("nk_handshakes_per_s", 1e6 / (hs.initiator.cpu_us + hs.responder.cpu_us), "handshake/s (CPU)");

  {
    std::vector<crypto::age::Identity> analysts;
    analysts.push_back(crypto::x25519_generate());
    analysts.push_back(crypto::x25519_generate());
    std::vector<crypto::X25519Public> recipients{analysts[0].public_key, analysts[1].public_key};
    auto capacity = must(crypto::drop_body_capacity(kDropSize, 2), "capacity");
    Bytes body(capacity / 2, 0x41);
    report_cost("seal_drop_2_recipients_32k",
                bench::cost_per_call(1000, [&] { (void)must(crypto::seal_drop(body, recipients, kDropSize), "seal"); }));
    // Opening, as the station does, with the second analyst's identity: the
    // first stanza is tried and fails first.
    auto drop = must(crypto::seal_drop(body, recipients, kDropSize), "seal");
    std::span<const crypto::age::Identity> second(&analysts[1], 1);
    report_cost("open_drop_x25519_32k", bench::cost_per_call(1000, [&] {
                  (void)must(crypto::open_drop(drop, second, kDropSize), "open");
                }));
  }

  // The same to two post-quantum hybrid (mlkem768x25519) recipients.
  {
    std::vector<crypto::age::HybridIdentity> analysts;
    analysts.push_back(crypto::hybrid_kem::generate_key_pair());
    analysts.push_back(crypto::hybrid_kem::generate_key_pair());
    std::vector<crypto::age::HybridRecipient> recipients{analysts[0].encapsulation_key, analysts[1].encapsulation_key};
    auto capacity = must(crypto::drop_body_capacity(kDropSize, 2, crypto::DropRecipients::hybrid), "capacity");
    Bytes body(capacity / 2, 0x41);
    report_cost("seal_drop_2_hybrid_recipients_32k",
                bench::cost_per_call(500, [&] { (void)must(crypto::seal_drop(body, recipients, kDropSize), "seal"); }));
    auto drop = must(crypto::seal_drop(body, recipients, kDropSize), "seal");
    std::span<const crypto::age::HybridIdentity> second(&analysts[1], 1);
    report_cost("open_drop_hybrid_32k", bench::cost_per_call(500, [&] {
                  (void)must(crypto::open_drop(drop, {}, kDropSize, second), "open");
                }));
  }

  auto open = relay_open_verify(3000);
  report_cost("record_decrypt_putdrop", open.decrypt);
  report_cost("blake2b_256_32k", open.blake2b);
  report_cost("pow_verify", open.pow_verify);
  auto open_sum = open.decrypt;
  open_sum += open.blake2b;
  open_sum += open.pow_verify;
  report_cost("relay_open_verify", open_sum);

  auto single = store_insert(300, 1);
  report_cost("insert_durable_single", single);
  report("insert_durable_single_per_s", 1e6 / single.wall_us, "drop/s");
  auto b16 = store_insert(4096, 16);
  report_cost("insert_durable_batch16", b16);
  report("insert_durable_batch16_per_s", 1e6 / b16.wall_us, "drop/s");
  auto b64 = store_insert(4096, 64);
  report_cost("insert_durable_batch64", b64);
  report("insert_durable_batch64_per_s", 1e6 / b64.wall_us, "drop/s");

  // The primitive bound (docs/BENCHMARKS.md): 1 / (the relay's share of the
  // handshake spread over the drops of a connection + record decryption +
  // a durable insert in a batch as large as the number of clients), in wall
  // time. And the CPU the primitives need per drop, to compare with the CPU
  // the relay process spends per drop.
  std::printf("# primitive bound (drops/s) and primitive CPU per drop, by clients and drops per connection\n");
  for (int clients : {16, 64}) {
    for (int per_connection : {16, 1}) {
      const auto& batch = clients >= 64 ? b64 : b16;
      double wall = hs.responder.wall_us / per_connection + open.decrypt.wall_us + batch.wall_us;
      double cpu = hs.responder.cpu_us / per_connection + open_sum.cpu_us + batch.cpu_us;
      std::string suffix = "_c" + std::to_string(clients) + "_k" + std::to_string(per_connection);
      report(("bound" + suffix).c_str(), 1e6 / wall, "drop/s");
      report(("primitive_cpu_per_drop" + suffix).c_str(), cpu, "us");
    }
  }
  return 0;
}
