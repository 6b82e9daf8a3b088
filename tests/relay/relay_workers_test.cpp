// The relay's cryptography runs on its worker threads, not on the network
// thread (relay/worker_pool.h, docs/ARCHITECTURE.md "Threads"). The test
// build's --test-hold-worker keeps one worker busy until shutdown: with two
// workers the relay still serves handshakes, bundles and drops (the other
// worker does the work while the first is blocked, so work runs on more than
// one thread at once); with one worker no handshake completes at all, which
// shows the work is on a worker and not on the network thread. No timing is
// asserted: the held worker stays held for as long as the relay runs.
#include <gtest/gtest.h>

#include <vector>

#include "support/relay_fixture.h"
#include "relay_peer.h"

namespace cairn::test {
namespace {

TEST(RelayWorkers, HandshakesAndDropsAreServedWhileOneOfTwoWorkersIsHeld) {
  RelayUnderTest relay;
  relay.program = "relay/cairn-relay-testing";
  ASSERT_NO_FATAL_FAILURE(relay.init());
  ASSERT_NO_FATAL_FAILURE(relay.serve({"--workers", "2", "--test-hold-worker"}));
  // Several sessions handshaken and open at once, each then served.
  std::vector<RelayPeer> peers;
  for (int i = 0; i < 4; ++i) {
    auto peer = RelayPeer::open(relay.port, relay.relay_keys.noise);
    ASSERT_TRUE(peer.ok()) << "handshake " << i << ": " << peer.error().message;
    peers.push_back(std::move(peer).value());
  }
  for (auto& peer : peers) {
    v1::Request get;
    get.mutable_get_key_bundle();
    auto bundle = peer.call(get);
    ASSERT_TRUE(bundle.ok()) << bundle.error().message;
    EXPECT_TRUE(bundle->has_key_bundle());
    auto ack = peer.call(peer.put_drop(random_drop()));
    ASSERT_TRUE(ack.ok()) << ack.error().message;
    ASSERT_TRUE(ack->has_ack());
    EXPECT_EQ(ack->ack().stored(), 1u);
  }
  EXPECT_NO_FATAL_FAILURE(expect_good_client_served(relay, "one worker held"));
  EXPECT_EQ(relay.stop(), 0) << relay.log();
  EXPECT_EQ(open_relay_store(relay)->counts().value().drops, 5u);
}

TEST(RelayWorkers, WithItsOnlyWorkerHeldNoHandshakeCompletesAndShutdownIsClean) {
  RelayUnderTest relay;
  relay.program = "relay/cairn-relay-testing";
  ASSERT_NO_FATAL_FAILURE(relay.init());
  ASSERT_NO_FATAL_FAILURE(relay.serve({"--workers", "1", "--test-hold-worker"}));
  // Message 1 is read (on the network thread), but the Diffie-Hellman work
  // waits for a worker: message 2 never comes. A relay that did the
  // handshake on its network thread would answer at once.
  auto peer = RelayPeer::connect(relay.port);
  auto st = peer.handshake(relay.relay_keys.noise);
  EXPECT_FALSE(st.ok()) << "a handshake completed with the only worker held";
  // Shutdown releases the held worker; the waiting session then ends, and
  // the relay stops cleanly instead of waiting for it for ever.
  EXPECT_EQ(relay.stop(), 0) << relay.log();
}

}  // namespace
}  // namespace cairn::test
