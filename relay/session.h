// One connection: Noise NK handshake as responder, then request/response over
// fixed-size records. Every read and write has a deadline; every length from
// the peer is checked before it is used; any protocol violation closes the
// connection and touches nothing stored. The session runs on the network
// thread; its cryptography (the handshake's X25519s, opening and sealing
// records, hashing a drop, checking its proof of work) runs on the relay's
// worker pool while the session waits (relay/worker_pool.h).
#pragma once

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "relay/relay_state.h"

namespace cairn::relay {

boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket, RelayState& state);

// Wakes every idle session so that it closes (stage 1 of shutdown), or closes
// every session outright (stage 2).
void close_idle_sessions();
// Every slot is taken: closes the session idle longest (waiting for message 1
// or for its next request). False if no session is idle.
bool evict_oldest_idle_session();
void close_all_sessions();

}  // namespace cairn::relay
